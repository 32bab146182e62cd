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
import { makeTestDir } from "../helpers/temp-dir.ts";

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

/** Starts the fixture and prepares the memory folder once per file. */
export function useSendBed(): void {
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
    await must([
      "profile",
      "add",
      "lab",
      "--provider",
      "custom",
      "--host",
      fixture.host,
      "--port",
      String(fixture.ports["healthy-starttls"]),
      "--tls",
      "starttls",
      "--ca",
      caFile,
      "--user",
      "demo",
      "--secret",
      "env:PW",
      "--from",
      "demo@smtpilot.test",
    ]);
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
  });
  after(async () => {
    await bed.current?.fixture.close();
  });
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
