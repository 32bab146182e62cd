/**
 * `smtpilot verify` against a real Dovecot IMAP server (scripts/peers/dovecot-imap)
 * serving the Maildir the fixture delivers to: a canary the healthy scenario
 * accepted is found in INBOX, one the spam scenario filed is found in the
 * folder Dovecot marks \Junk, one that never arrived is missing; a wrong IMAP
 * password is exit 15, a certificate that does not verify is refused (exit 3)
 * before any login; and a verified canary lifts the scale gate. All through
 * the CLI, as a user runs it. Skips where Dovecot's IMAP server is not
 * installed; fails instead under CI=true.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { FIXTURE_DEMO_SECRET, type RunningFixture, startFixture } from "../../fixtures/index.ts";
import {
  dovecotImapMissing,
  type DovecotImapPeer,
  startDovecotImapPeer,
} from "../../scripts/peers/dovecot-imap/peer.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { profileAddArgs } from "../helpers/profile-args.ts";
import { waitUntil } from "../helpers/wait-until.ts";

const missing = dovecotImapMissing();
// In CI the peer is installed by .ci/run: a missing one is a broken CI, not a reason to skip.
if (missing && process.env.CI === "true") throw new Error(`CI must install the Dovecot IMAP peer: ${missing}`);

const CANARY = "canary@smtpilot.test";
/** Alignment DNS: a port nothing answers on, so the lookup fails at once and is reported as not checked. */
const NO_DNS = ["--resolver", "127.0.0.1:9"];

describe("verify against a real Dovecot IMAP server", { skip: missing ?? false }, () => {
  let dovecot: DovecotImapPeer;
  const fixtures: RunningFixture[] = [];
  let dir = "";
  let home = "";
  let imapPassword = "";

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(["--home", home, ...args], { PW: FIXTURE_DEMO_SECRET, IMAPPW: imapPassword, ...env });
  const must = async (args: string[], env: Record<string, string> = {}): Promise<CliResult> => {
    const r = await cli(args, env);
    assert.equal(r.code, 0, `smtpilot ${args.join(" ")}\n${r.stderr}\n${dovecot?.logTail(15) ?? ""}`);
    return r;
  };
  const doc = (r: CliResult) => JSON.parse(r.stdout);
  /** The canary entry with IMAP access to the peer; `over` replaces flags (e.g. no --imap-ca). */
  const canaryAdd = (over: Record<string, string | undefined> = {}) => {
    const flags: Record<string, string | undefined> = {
      "--imap-host": dovecot.host,
      "--imap-port": String(dovecot.ports.implicit),
      "--imap-user": dovecot.user,
      "--imap-secret": "env:IMAPPW",
      "--imap-ca": dovecot.caFile,
      ...over,
    };
    const args = Object.entries(flags).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
    return must(["canary", "add", CANARY, "--replace", ...args]);
  };
  /** preflight → send --canary --confirm through `profile`; returns the send document. */
  const sendCanary = async (profile: string, message: string[]) => {
    const plan = doc(await must(["preflight", "--profile", profile, "--to", CANARY, ...message, ...NO_DNS, "--json"]));
    const sent = await must([
      "send",
      "--canary",
      "--profile",
      profile,
      "--to",
      CANARY,
      ...message,
      "--confirm",
      plan.plan.token,
      "--json",
    ]);
    const d = doc(sent);
    assert.equal(d.state, "accepted");
    return d as { messageId: string; queueId: string };
  };
  /** A list preflight through `profile` refused by the scale gate: no canary of it verified in the inbox. */
  const refusedListPreflight = async (profile: string, list: string, message: string[]) => {
    const r = await cli(["preflight", "--profile", profile, "--to-list", list, ...message, ...NO_DNS, "--json"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(doc(r).error.code, "gate.no-verified-canary");
  };
  const logins = () => (dovecot.log().match(/imap-login: Info: Login: /g) ?? []).length;
  /**
   * Connections Dovecot closed during the TLS handshake, before any authentication: the login
   * process's one line per connection, whose reason varies with timing — "(no auth attempts in N
   * secs)", or on a busy machine "(disconnected before auth was ready, waited N secs)" (its auth
   * process not connected yet). The "TLS handshaking" suffix is what proves the point.
   */
  const refusedHandshakes = () =>
    (dovecot.log().match(/imap-login: [^\n]*\([^)\n]*\)[^\n]*TLS handshaking/g) ?? []).length;

  // Distinct subjects: the Message-ID derives from the content, and each canary must be its own message.
  const INBOX_MESSAGE = ["--subject", "Canary for the inbox", "--text", "Hello from the Dovecot verify test."];
  const SPAM_MESSAGE = ["--subject", "Canary the filter calls spam", "--text", "Hello again."];
  const LOST_MESSAGE = ["--subject", "Canary that never arrives", "--text", "Lost on the way."];
  const sent: Record<string, { messageId: string; queueId: string }> = {};

  before(async () => {
    dir = makeTestDir("smtpilot-dovecot-verify-");
    home = path.join(dir, "home");
    dovecot = await startDovecotImapPeer();
    imapPassword = dovecot.password;
    // One fixture delivers into the Maildir Dovecot serves; the other accepts and stores nothing there.
    const delivering = await startFixture({
      scenarios: ["healthy-starttls", "spam"],
      outbox: path.join(dir, "outbox"),
      maildir: dovecot.maildir,
    });
    fixtures.push(delivering);
    const losing = await startFixture({ scenarios: ["healthy-starttls"], outbox: path.join(dir, "lost") });
    fixtures.push(losing);
    await must(["init"]);
    const profile = async (name: string, f: RunningFixture, scenario: string) => {
      const ca = path.join(dir, `${name}-ca.pem`);
      fs.writeFileSync(ca, f.caPem);
      const port = f.ports[scenario] as number;
      const identity = ["--from", "demo@smtpilot.test"];
      await must(
        profileAddArgs({ name, host: f.host, port, tls: "starttls", ca, user: "demo", secret: "env:PW", identity }),
      );
    };
    await profile("inbox", delivering, "healthy-starttls");
    await profile("junk", delivering, "spam");
    await profile("lost", losing, "healthy-starttls");
    await must([
      "canary",
      "add",
      CANARY,
      "--imap-host",
      dovecot.host,
      "--imap-port",
      String(dovecot.ports.implicit),
      "--imap-user",
      dovecot.user,
      "--imap-secret",
      "env:IMAPPW",
      "--imap-ca",
      dovecot.caFile,
    ]);
  });

  after(async () => {
    for (const f of fixtures) await f.close();
    await dovecot?.stop();
  });

  test("verify --last finds a canary the server filed in INBOX: delivered-inbox, exit 0", async () => {
    sent.inbox = await sendCanary("inbox", INBOX_MESSAGE);
    const before = logins();
    const r = await cli(["verify", "--last", "--json"]);
    assert.equal(r.code, 0, `${r.stderr}\n${dovecot.logTail(15)}`);
    const d = doc(r);
    assert.equal(d.schema, "smtpilot.verify/1");
    assert.equal(d.messageId, sent.inbox.messageId);
    assert.equal(d.state, "delivered-inbox");
    assert.equal(d.evidence.source, "imap");
    assert.equal(d.evidence.placement, "inbox");
    assert.equal(d.evidence.folder, "INBOX");
    assert.deepEqual(d.evidence.searched, ["INBOX"]);
    // The fixture's delivery adds trace headers but no Authentication-Results: nothing is invented.
    assert.deepEqual(d.evidence.authResults, { raw: [] });
    assert.equal(logins(), before + 1, "one IMAP login per verify");
    assert.match(dovecot.log(), new RegExp(`Login: user=<${dovecot.user}>, method=\\w+, .*TLS`));
    const log = fs.readFileSync(path.join(home, "send-log.md"), "utf8");
    assert.match(log, /kind: verify[\s\S]*state: delivered-inbox/);
    assert.ok(!r.stdout.includes(imapPassword) && !log.includes(imapPassword), "the IMAP password never lands");
  });

  test("a canary the spam scenario filed is found in the \\Junk folder: delivered-spam, exit 1", async () => {
    sent.spam = await sendCanary("junk", SPAM_MESSAGE);
    const r = await cli(["verify", "--last", "--json"]);
    assert.equal(r.code, 1, `${r.stderr}\n${dovecot.logTail(15)}`);
    const d = doc(r);
    assert.equal(d.messageId, sent.spam.messageId);
    assert.equal(d.state, "delivered-spam");
    assert.equal(d.evidence.placement, "spam");
    assert.equal(d.evidence.folder, "Junk");
    assert.deepEqual(d.evidence.searched, ["INBOX", "Junk"]);
    // The file really is in the Maildir++ Junk folder Dovecot serves.
    assert.ok(
      fs.readdirSync(path.join(dovecot.maildir, ".Junk", "cur")).length +
          fs.readdirSync(path.join(dovecot.maildir, ".Junk", "new")).length === 1,
    );
  });

  test("IMAP with STARTTLS finds the same message by its Message-ID", async () => {
    await canaryAdd({ "--imap-port": String(dovecot.ports.starttls), "--imap-tls": "starttls" });
    try {
      const r = await cli(["verify", sent.inbox?.messageId ?? "", "--json"]);
      assert.equal(r.code, 0, `${r.stderr}\n${dovecot.logTail(15)}`);
      assert.equal(doc(r).state, "delivered-inbox");
    } finally {
      await canaryAdd();
    }
  });

  test("a canary accepted but never delivered is missing after --wait: exit 1, both folders searched", async () => {
    sent.lost = await sendCanary("lost", LOST_MESSAGE);
    const started = Date.now();
    const r = await cli(["verify", sent.lost.messageId, "--wait", "1", "--json"]);
    assert.equal(r.code, 1, `${r.stderr}\n${dovecot.logTail(15)}`);
    const d = doc(r);
    assert.equal(d.state, "missing");
    assert.equal(d.evidence.placement, "missing");
    assert.deepEqual(d.evidence.searched, ["INBOX", "Junk"]);
    assert.ok(Date.now() - started >= 1000, "it kept looking for the --wait period");
  });

  test("a wrong IMAP password is exit 15 (E_IMAP_AUTH), the password never echoed", async () => {
    const wrong = "wrong-imap-pass-7f3a";
    const r = await cli(["verify", sent.inbox?.messageId ?? "", "--wait", "1", "--json"], { IMAPPW: wrong });
    assert.equal(r.code, 15, `${r.stderr}\n${dovecot.logTail(15)}`);
    assert.equal(doc(r).error.code, "E_IMAP_AUTH");
    for (const secret of [wrong, imapPassword, Buffer.from(wrong).toString("base64")]) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
    }
    // Dovecot itself refused it (its auth log), not a client-side guess.
    const mismatch = /auth: Info: passwd-file\([^)]*\): Password mismatch/;
    await waitUntil(() => mismatch.test(dovecot.log()), { what: "Dovecot's password mismatch", limitMs: 60_000 })
      .catch(() => {});
    assert.match(dovecot.log(), mismatch);
  });

  test("an IMAP certificate that does not verify is refused before any login (exit 3), never weakened", async () => {
    const before = { logins: logins(), handshakes: refusedHandshakes(), log: dovecot.log().length };
    // No --imap-ca: the peer's private CA is not trusted.
    await canaryAdd({ "--imap-ca": undefined });
    let r: CliResult;
    try {
      r = await cli(["verify", sent.inbox?.messageId ?? "", "--json"]);
    } finally {
      await canaryAdd();
    }
    assert.equal(r.code, 3, r.stderr);
    assert.equal(doc(r).error.code, "E_IMAP");
    // The trusted CA, but a name the certificate does not carry.
    await canaryAdd({ "--imap-servername": "imap.elsewhere.example" });
    try {
      r = await cli(["verify", sent.inbox?.messageId ?? "", "--json"]);
    } finally {
      await canaryAdd();
    }
    assert.equal(r.code, 3, r.stderr);
    assert.equal(doc(r).error.code, "E_IMAP");
    assert.equal(logins(), before.logins, "no login crossed an unverified connection");
    // Dovecot's log process writes after the client is gone, later still on a busy machine: wait for
    // the lines themselves (the cap only bounds a run where they never come).
    await waitUntil(() => refusedHandshakes() >= before.handshakes + 2, { what: "Dovecot's log", limitMs: 60_000 })
      .catch(() => {});
    const seen = dovecot.log().slice(before.log);
    assert.ok(refusedHandshakes() >= before.handshakes + 2, `both connections ended in the TLS handshake:\n${seen}`);
  });

  test("a scale send is refused after a spam-placed canary and allowed after the inbox one (the gate lifts)", async () => {
    const list = path.join(dir, "list.txt");
    const recipients = ["r1@smtpilot.test", "r2@smtpilot.test", "r3@smtpilot.test"];
    fs.writeFileSync(list, `${recipients.join("\n")}\n`);
    // The spam canary's message was verified, but in Junk: no scale send of it.
    await refusedListPreflight("junk", list, SPAM_MESSAGE);

    const plan = doc(
      await must(["preflight", "--profile", "inbox", "--to-list", list, ...INBOX_MESSAGE, ...NO_DNS, "--json"]),
    );
    const stored = fixtures[0]?.messages.length ?? 0;
    const r = await cli([
      "send",
      "--profile",
      "inbox",
      "--to-list",
      list,
      ...INBOX_MESSAGE,
      "--confirm",
      plan.plan.token,
      "--rate",
      "none",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const d = doc(r);
    assert.equal(d.mode, "scale");
    assert.equal(d.accepted, recipients.length);
    assert.deepEqual(fixtures[0]?.messages.slice(stored).map((m) => m.to[0]).sort(), recipients);
  });

  test("the same message through the Junk profile is judged by its own copy: delivered-spam, no list send", async () => {
    // The inbox canary of INBOX_MESSAGE was verified in INBOX above; the same content (same From, same
    // Message-ID) now goes through the profile whose server files into Junk, minutes later.
    const junk = await sendCanary("junk", INBOX_MESSAGE);
    assert.equal(junk.messageId, sent.inbox?.messageId, "same content, same Message-ID");
    const r = await cli(["verify", "--last", "--json"]);
    assert.equal(r.code, 1, `${r.stderr}\n${dovecot.logTail(15)}`);
    const d = doc(r);
    assert.equal(d.state, "delivered-spam", "the inbox copy of the other send is not this send's evidence");
    assert.equal(d.evidence.folder, "Junk");
    assert.deepEqual(d.evidence.searched, ["INBOX", "Junk"]);
    // Both copies sit in the Maildir, each with its own send's tag.
    const tags = (folder: string) =>
      ["new", "cur"].flatMap((sub) => fs.readdirSync(path.join(folder, sub)).map((f) => path.join(folder, sub, f)))
        .map((f) => /^X-Smtpilot-Canary: ([0-9a-f]+)\r?$/m.exec(fs.readFileSync(f, "utf8"))?.[1]);
    const inboxTags = tags(dovecot.maildir).filter(Boolean);
    const junkTags = tags(path.join(dovecot.maildir, ".Junk")).filter(Boolean);
    assert.ok(junkTags.length >= 1 && inboxTags.length >= 1);
    assert.ok(junkTags.every((t) => !inboxTags.includes(t)), "a tag is one send's only");

    const list = path.join(dir, "junk-list.txt");
    fs.writeFileSync(list, "j1@smtpilot.test\nj2@smtpilot.test\n");
    await refusedListPreflight("junk", list, INBOX_MESSAGE);
  });
});
