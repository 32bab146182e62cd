// Every way around a safety gate is refused with exit 4 — and the server never sees a connection,
// let alone a message. The one way through (preflight, then send --confirm with the same flags)
// delivers exactly one message, and its token cannot be used again.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { b, CANARY, EXTERNAL, MESSAGE, NO_DNS, preflightToken, useSendBed } from "./send-fixture.ts";

useSendBed();

const canarySend = (token: string | undefined, extra: string[] = []) => [
  "send",
  "--canary",
  "--profile",
  "lab",
  "--to",
  CANARY,
  ...MESSAGE,
  ...(token ? ["--confirm", token] : []),
  ...extra,
];

/** Runs smtpilot and asserts it was refused by `gate` with exit 4 and touched no server. */
async function refused(args: string[], gate: string): Promise<void> {
  const before = { connections: b().connections(), stored: b().stored().length };
  const r = await b().cli([...args, "--json"]);
  assert.equal(r.code, 4, `${args.join(" ")}\n${r.stderr}`);
  assert.equal(JSON.parse(r.stdout).error.code, gate);
  assert.equal(b().connections(), before.connections, "a refused send connected to the server");
  assert.equal(b().stored().length, before.stored, "a refused send delivered a message");
}

test("send without a token off a terminal is refused (gate.no-confirmation)", async () => {
  await refused(canarySend(undefined), "gate.no-confirmation");
});

test("a made-up token is refused (gate.token-unknown), and so is a bare yes (gate.token-malformed)", async () => {
  await refused(canarySend("spt-abcdefghijklmnopqrstuvwx"), "gate.token-unknown");
  await refused(canarySend("yes"), "gate.token-malformed");
});

test("a token from another plan is refused: another recipient, message, sender or profile (gate.plan-changed)", async () => {
  const token = await preflightToken(["--to", CANARY, ...MESSAGE]);
  const before = b().connections();
  await refused([
    "send",
    "--canary",
    "--profile",
    "lab",
    "--to",
    CANARY,
    "--subject",
    "Changed",
    "--text",
    "x",
    "--confirm",
    token,
  ], "gate.plan-changed");
  await refused(canarySend(token, ["--from", "other@smtpilot.test"]), "gate.plan-changed");
  await refused(canarySend(token, ["--envelope-from", "bounces@smtpilot.test"]), "gate.plan-changed");
  await refused(
    ["send", "--canary", "--profile", "lab", "--to", EXTERNAL, "--allow-external", ...MESSAGE, "--confirm", token],
    "gate.plan-changed",
  );
  assert.equal(b().connections(), before);
});

test("an expired token is refused (gate.token-expired)", async () => {
  const token = await preflightToken(["--to", CANARY, ...MESSAGE, "--header", "X-Test: expired"]);
  // Age every issued record past its expiry, as the clock would.
  const file = path.join(b().home, "journal", "plan-tokens.jsonl");
  const aged = fs.readFileSync(file, "utf8").split("\n").map((line) => {
    if (!line) return line;
    const e = JSON.parse(line);
    return JSON.stringify(e.event === "issued" ? { ...e, expiresAt: "2000-01-01T00:00:00.000Z" } : e);
  });
  fs.writeFileSync(file, aged.join("\n"));
  await refused(canarySend(token, ["--header", "X-Test: expired"]), "gate.token-expired");
});

test("a canary outside the sender's organisation needs --allow-external (gate.canary-external)", async () => {
  await refused(["preflight", "--profile", "lab", "--to", EXTERNAL, ...MESSAGE, ...NO_DNS], "gate.canary-external");
  await refused(["send", "--canary", "--profile", "lab", "--to", EXTERNAL, ...MESSAGE], "gate.canary-external");
});

test("a canary goes only to an approved address, and only to one (gate.canary-not-approved, gate.canary-one-recipient)", async () => {
  await refused(
    ["send", "--canary", "--profile", "lab", "--to", "stranger@smtpilot.test", ...MESSAGE],
    "gate.canary-not-approved",
  );
  await refused(
    ["send", "--canary", "--profile", "lab", "--to", CANARY, "--to", "stranger@smtpilot.test", ...MESSAGE],
    "gate.canary-one-recipient",
  );
});

test("a canary cannot be widened into a list: --canary with --to-list is a usage error before anything", async () => {
  const list = path.join(b().dir, "widen.txt");
  fs.writeFileSync(list, `${CANARY}\n`);
  const before = b().connections();
  const r = await b().cli(["send", "--canary", "--profile", "lab", "--to-list", list, ...MESSAGE]);
  assert.equal(r.code, 2);
  assert.equal(b().connections(), before);
});

test("a scale send without a canary verified in the inbox is refused (gate.no-verified-canary)", async () => {
  const list = path.join(b().dir, "list.txt");
  fs.writeFileSync(list, ["a1@smtpilot.test", "a2@smtpilot.test", "", "# comment", "a3@smtpilot.test"].join("\n"));
  await refused(["preflight", "--profile", "lab", "--to-list", list, ...MESSAGE, ...NO_DNS], "gate.no-verified-canary");
  await refused([
    "send",
    "--profile",
    "lab",
    "--to-list",
    list,
    ...MESSAGE,
    "--confirm",
    "spt-abcdefghijklmnopqrstuvwx",
  ], "gate.no-verified-canary");
});

test("preflight + send --confirm delivers exactly one canary; the token is then used up (gate.token-used)", async () => {
  const before = b().stored().length;
  const token = await preflightToken(["--to", CANARY, ...MESSAGE]);
  const r = await b().cli([...canarySend(token), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "smtpilot.send/1");
  assert.equal(doc.state, "accepted");
  assert.match(doc.queueId, /^[0-9A-F]{12}$/);
  const stored = b().stored();
  assert.equal(stored.length, before + 1);
  assert.deepEqual(stored.at(-1)?.to, [CANARY]);
  await refused(canarySend(token), "gate.token-used");
  const log = fs.readFileSync(path.join(b().home, "send-log.md"), "utf8");
  assert.match(log, /kind: canary[\s\S]*state: accepted/);
  assert.ok(!log.includes(CANARY), "the canary's address is masked in the send log");
});

test("a failed preflight issues no token and its send would be refused", async () => {
  // The profile's secret reference now resolves to a wrong password: the diagnosis fails at auth.
  const r = await b().cli(["preflight", "--profile", "lab", "--to", CANARY, ...MESSAGE, ...NO_DNS, "--json"], {
    PW: "wrong-password",
  });
  assert.equal(r.code, 15, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.plan, null);
  assert.equal(doc.verdict.status, "fail");
  assert.ok(!r.stdout.includes("wrong-password"));
});

test("a refused send resolves no secret: a cmd: reference does not run before the gates pass", async () => {
  const marker = path.join(b().dir, "secret-was-resolved");
  const add = await b().cli([
    "profile",
    "add",
    "lab-cmd",
    "--provider",
    "custom",
    "--host",
    b().fixture.host,
    "--port",
    String(b().fixture.ports["healthy-starttls"]),
    "--tls",
    "starttls",
    "--ca",
    path.join(b().dir, "ca.pem"),
    "--user",
    "demo",
    "--secret",
    `cmd:sh -c "touch ${marker}; echo x"`,
    "--from",
    "demo@smtpilot.test",
  ]);
  assert.equal(add.code, 0, add.stderr);
  const base = ["send", "--canary", "--profile", "lab-cmd", "--to", CANARY, ...MESSAGE];
  await refused([...base, "--confirm", "spt-abcdefghijklmnopqrstuvwx"], "gate.token-unknown");
  await refused(base, "gate.no-confirmation");
  await refused(
    ["send", "--canary", "--profile", "lab-cmd", "--to", "stranger@smtpilot.test", ...MESSAGE],
    "gate.canary-not-approved",
  );
  assert.equal(fs.existsSync(marker), false, "the secret command ran for a refused send");
});
