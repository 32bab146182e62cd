/**
 * A send-workflow test bed: the fixture's healthy-starttls scenario storing
 * what it accepts, a memory folder with a `lab` profile pointing at it and
 * an approved canary, and a way to run smtpilot against that folder. Counts
 * what reached the server, so gate tests can prove nothing did.
 */
import { after, before } from "node:test";
import fs from "node:fs";
import path from "node:path";
import { FIXTURE_DEMO_SECRET, type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";
import { type PtyRun, runOnPty } from "../profiles/pty.ts";
import { profileAddArgs } from "../helpers/profile-args.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { type MiniMta, type MiniMtaOptions, startMiniMta } from "./mini-mta.ts";

/** The test bed of one test file. */
export interface SendBed {
  fixture: RunningFixture;
  home: string;
  dir: string;
  /** Runs smtpilot with --home and the profile's secret in the environment. */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Connections the server has seen so far. */
  connections(): number;
  /** Messages the server has stored so far. */
  stored(): { to: string[]; file: string }[];
  /**
   * Holds every message from now on between its final dot and the server's
   * answer. `reached` resolves when the first held message arrives (the send
   * is then mid-flight: its lock taken, its list snapshot written);
   * `release()` lets the held and later messages through.
   */
  hold(): { reached: Promise<void>; release(): void };
}

export const bed: { current?: SendBed } = {};

/** The message flags every test sends with (the same flags give the same digest). */
export const MESSAGE = ["--subject", "Canary check", "--text", "Hello from the send workflow test."];
/** The approved canary, inside the sender's organisation. */
export const CANARY = "canary@smtpilot.test";
/** An approved canary outside it. */
export const EXTERNAL = "friend@elsewhere.example";
/** Alignment DNS: a port nothing answers on, so the lookup fails at once and is reported as not checked. */
export const NO_DNS = ["--resolver", "127.0.0.1:9"];

/** Starts the fixture and prepares the memory folder once per file; `then` adds to the bed once it stands. */
export function useSendBed(then?: () => Promise<void>): void {
  before(async () => {
    const dir = makeTestDir("smtpilot-send-");
    let gate: { arrived(): void; open: Promise<void> } | undefined;
    const fixture = await startFixture({
      scenarios: ["healthy-starttls"],
      outbox: path.join(dir, "outbox"),
      beforeStore: async () => {
        gate?.arrived();
        await gate?.open;
      },
    });
    const home = path.join(dir, "home");
    const caFile = path.join(dir, "ca.pem");
    fs.writeFileSync(caFile, fixture.caPem);
    const cli = (args: string[], env: Record<string, string> = {}) =>
      runCli(["--home", home, ...args], { PW: FIXTURE_DEMO_SECRET, ...env });
    const must = async (args: string[]) => {
      const r = await cli(args);
      if (r.code !== 0) throw new Error(`smtpilot ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
    };
    await must(["init"]);
    await must(profileAddArgs({
      name: "lab",
      host: fixture.host,
      port: fixture.ports["healthy-starttls"] as number,
      tls: "starttls",
      ca: caFile,
      user: "demo",
      secret: "env:PW",
      identity: ["--from", "demo@smtpilot.test"],
    }));
    await must(["canary", "add", CANARY]);
    await must(["canary", "add", EXTERNAL]);
    bed.current = {
      fixture,
      home,
      dir,
      cli,
      connections: () => fixture.events.filter((e) => e.kind === "connect").length,
      stored: () => fixture.messages.map((m) => ({ to: m.to, file: m.file })),
      hold: () => {
        const reached = Promise.withResolvers<void>();
        const open = Promise.withResolvers<void>();
        gate = { arrived: () => reached.resolve(), open: open.promise };
        return {
          reached: reached.promise,
          release: () => {
            gate = undefined;
            open.resolve();
          },
        };
      },
    };
    await then?.();
  });
  after(async () => {
    // A test that failed while a terminal run waited at a prompt leaves it there: Ctrl-C ends it.
    for (const t of _terminals) t.type("\x03");
    await Promise.all([..._terminals].map((t) => t.exit));
    for (const m of _minis.splice(0)) await m.close();
    await bed.current?.fixture.close();
  });
}

const _terminals = new Set<PtyRun>();

/** Runs `smtpilot --home HOME ARGS` on a pseudo-terminal, as a person at a terminal does. */
export function onTerminal(args: string[]): PtyRun {
  const t = runOnPty(["--home", b().home, ...args], { PW: FIXTURE_DEMO_SECRET });
  _terminals.add(t);
  void t.exit.then(() => _terminals.delete(t));
  return t;
}

/** The bed of this file. */
export function b(): SendBed {
  if (!bed.current) throw new Error("useSendBed() was not called");
  return bed.current;
}

/** Runs a preflight and returns its plan token (throws when none was issued). */
export async function preflightToken(args: string[]): Promise<string> {
  const r = await b().cli(["preflight", "--profile", "lab", ...args, ...NO_DNS, "--json"]);
  const doc = JSON.parse(r.stdout) as { plan: { token: string } | null };
  if (!doc.plan) throw new Error(`no plan issued (${r.code}): ${r.stderr}`);
  return doc.plan.token;
}

/**
 * States, as the person at a terminal, that the last canary reached the
 * inbox: `verify --last --placement inbox` on a pseudo-terminal, typing the
 * confirmation code it asks for (a person's word needs a person).
 */
export async function verifyOnTerminal(placement: "inbox" | "spam" | "missing" = "inbox"): Promise<void> {
  const t = onTerminal(["verify", "--last", "--placement", placement]);
  const asked = t.waitFor(/Type ([A-Z2-7]{6}) to confirm/).then(() => /Type ([A-Z2-7]{6}) to confirm/.exec(t.screen()));
  const first = await Promise.race([asked, t.exit.then(() => undefined)]);
  if (first?.[1]) t.type(`${first[1]}\r`);
  const code = await t.exit;
  if (code !== (placement === "inbox" ? 0 : 1)) throw new Error(`verify on a terminal ended ${code}:\n${t.screen()}`);
}

/** Sends the canary of MESSAGE (preflight, then send --confirm) and states on a terminal that it reached the inbox. */
export async function verifiedCanary(message: readonly string[] = MESSAGE): Promise<void> {
  const token = await preflightToken(["--to", CANARY, ...message]);
  const sent = await b().cli(["send", "--canary", "--profile", "lab", "--to", CANARY, ...message, "--confirm", token]);
  if (sent.code !== 0) throw new Error(`the canary send failed (${sent.code}): ${sent.stderr}`);
  await verifyOnTerminal();
}

/** A list file of `addresses` (one a line) in the bed's folder. */
export function listFile(name: string, addresses: readonly string[]): string {
  const file = path.join(b().dir, name);
  fs.writeFileSync(file, `${addresses.join("\n")}\n`);
  return file;
}

/** How many messages each recipient got since `from` (an index into stored()). */
export function deliveredSince(from: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of b().stored().slice(from)) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

/** The arguments of a list send through `profile` with MESSAGE, confirmed by `token`. */
export function listSendArgs(profile: string, list: string, token: string, extra: readonly string[] = []): string[] {
  return ["send", "--profile", profile, "--to-list", list, ...MESSAGE, "--confirm", token, ...extra];
}

/**
 * Starts a mini MTA on implicit TLS (a CA made here) that accepts any login,
 * and adds profile `name` sending through it as demo@smtpilot.test. Closed
 * when the file's tests end.
 */
export async function miniProfile(name: string, options: MiniMtaOptions = {}): Promise<MiniMta> {
  const { ca, leaf } = loopbackCert();
  const mta = await startMiniMta({ ...options, tls: { key: leaf.keyPem, cert: leaf.certPem }, auth: true });
  _minis.push(mta);
  const caFile = path.join(b().dir, `${name}-ca.pem`);
  fs.writeFileSync(caFile, ca.certPem);
  const added = await b().cli(profileAddArgs({
    name,
    host: "127.0.0.1",
    port: mta.port,
    tls: "implicit",
    ca: caFile,
    user: "u",
    secret: "env:PW",
    identity: ["--from", "demo@smtpilot.test"],
  }));
  if (added.code !== 0) throw new Error(`profile add ${name} failed: ${added.stderr}`);
  return mta;
}

const _minis: MiniMta[] = [];
