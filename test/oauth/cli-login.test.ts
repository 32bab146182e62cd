// From zero to verified OAuth profiles, as a user runs the CLI: the fixture's personas and identity
// server, a real Secret Service (GNOME Keyring on a private D-Bus bus) behind keyring:NAME, then
// profile add → auth login (device code for Microsoft 365, code + PKCE for Gmail, a "person"
// completing each at the fixture's pages) → profile check → a canary through the m365 persona →
// auth status → auth logout. No secret reaches the memory folder, stdout or stderr.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { type RunningFixture, startFixture } from "../../fixtures/index.ts";
import {
  FIXTURE_GMAIL_ACCOUNT,
  FIXTURE_GOOGLE_CLIENT_ID,
  FIXTURE_GOOGLE_CLIENT_SECRET,
  FIXTURE_M365_ACCOUNT,
  FIXTURE_M365_CLIENT_ID,
  FIXTURE_TENANT,
} from "../../fixtures/oauth-apps.ts";
import {
  secretServiceAvailable,
  type SecretServicePeer,
  startSecretService,
} from "../../scripts/peers/secret-service/peer.ts";
import { runCli, spawnCli } from "../helpers/cli.ts";
import { runOnPty } from "../profiles/pty.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { completeDeviceLogin, consentInBrowser } from "./person.ts";
import { textUnder } from "../helpers/files-under.ts";

const available = secretServiceAvailable();
if (!available && process.env.CI === "true") throw new Error("CI needs dbus, gnome-keyring and libsecret-tools");
const skip = !available && "dbus, gnome-keyring or libsecret-tools missing";

let fx: RunningFixture;
let peer: SecretServicePeer | undefined;
let dir: string;
let env: Record<string, string>;
const outputs: string[] = [];

before(async () => {
  if (!available) return;
  dir = makeTestDir("smtpilot-oauth-cli-");
  fx = await startFixture({ scenarios: ["m365", "gmail"], outbox: path.join(dir, "outbox") });
  fs.writeFileSync(path.join(dir, "ca.pem"), fx.caPem);
  peer = await startSecretService();
  env = { ...peer.env, GOOGLE_DEMO_SECRET: FIXTURE_GOOGLE_CLIENT_SECRET, NO_COLOR: "1" };
  await cli(["init"]);
});
after(async () => {
  await fx?.close();
  await peer?.stop();
});

async function cli(args: string[], expect = 0) {
  const r = await runCli(["--home", path.join(dir, "home"), ...args], env);
  outputs.push(r.stdout, r.stderr);
  assert.equal(r.code, expect, `smtpilot ${args.join(" ")}: ${r.stderr}`);
  return r;
}

/** Runs `auth login NAME --json`, acting as the person when the CLI asks on stderr. */
function login(
  name: string,
  person: (stderrLine: string) => Promise<boolean>,
): Promise<{ code: number | null; doc: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const child = spawnCli(["--home", path.join(dir, "home"), "auth", "login", name, "--no-browser", "--json"], env);
    let stdout = "";
    let stderr = "";
    let acted = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
      for (const line of stderr.split("\n")) {
        if (acted) break;
        void person(line).then((did) => (acted ||= did));
      }
    });
    child.on("close", (code) => {
      outputs.push(stdout, stderr);
      resolve({ code, doc: stdout ? JSON.parse(stdout) : {} });
    });
  });
}

const common = (port: number) => ["--host", "127.0.0.1", "--port", String(port), "--ca", path.join(dir, "ca.pem")];
const oauthCommon = () => ["--oauth-origin", fx.oauth!.origin, "--oauth-ca", path.join(dir, "ca.pem")];

test("Microsoft 365: device login into the keyring, profile check, a canary, auth status", { skip }, async () => {
  await cli([
    "profile",
    "add",
    "m365",
    "--provider",
    "m365",
    ...common(fx.ports.m365!),
    "--user",
    FIXTURE_M365_ACCOUNT,
    "--from",
    FIXTURE_M365_ACCOUNT,
    "--oauth",
    "device",
    "--client-id",
    FIXTURE_M365_CLIENT_ID,
    "--tenant",
    FIXTURE_TENANT,
    ...oauthCommon(),
  ]);
  let completed = false;
  const { code, doc } = await login("m365", async (line) => {
    const m = /open (https:\/\/\S+) and enter the code (\S+)/.exec(line);
    if (!m || completed) return false;
    completed = true;
    await completeDeviceLogin(m[1]!, m[2]!);
    return true;
  });
  assert.equal(code, 0);
  assert.equal(doc.stored, "keyring:smtpilot/m365");
  const refresh = execFileSync("secret-tool", ["lookup", "service", "smtpilot", "account", "smtpilot/m365"], { env })
    .toString();
  assert.ok(refresh.length > 20);

  const check = await cli(["profile", "check", "m365", "--json"]);
  const report = JSON.parse(check.stdout).report;
  assert.equal(report.verdict.status, "pass");
  assert.equal(report.layers.find((l: { id: string }) => l.id === "auth").facts.mechanism, "XOAUTH2");
  // The mode line names the token endpoint before the diagnosis.
  assert.match(
    check.stderr,
    new RegExp(`getting an access token from ${fx.oauth!.origin}/${FIXTURE_TENANT}/oauth2/v2\\.0/token`),
  );

  await cli(["canary", "add", "canary@m365.smtpilot.test"]);
  const pre = await cli([
    "preflight",
    "--profile",
    "m365",
    "--to",
    "canary@m365.smtpilot.test",
    "--subject",
    "OAuth canary",
    "--text",
    "Hello over XOAUTH2.",
    "--resolver",
    "127.0.0.1:9",
    "--json",
  ]);
  const token = JSON.parse(pre.stdout).plan.token as string;
  await cli([
    "send",
    "--canary",
    "--profile",
    "m365",
    "--to",
    "canary@m365.smtpilot.test",
    "--subject",
    "OAuth canary",
    "--text",
    "Hello over XOAUTH2.",
    "--confirm",
    token,
    "--resolver",
    "127.0.0.1:9",
  ]);
  assert.ok(fx.messages.some((m) => m.to.includes("canary@m365.smtpilot.test")));

  const status = JSON.parse((await cli(["auth", "status", "m365", "--json"])).stdout);
  assert.equal(status.state, "ok");
  assert.equal(status.token.account, FIXTURE_M365_ACCOUNT);
  assert.deepEqual(status.token.scopes, ["SMTP.Send"]);
  assert.equal(status.rotated, true, "Microsoft rotates refresh tokens, and the new one is stored");

  // Nothing secret in the memory folder, nor in anything printed.
  const rotated = execFileSync("secret-tool", ["lookup", "service", "smtpilot", "account", "smtpilot/m365"], { env })
    .toString();
  const memory = fs.readdirSync(path.join(dir, "home")).filter((f) => f.endsWith(".md"))
    .map((f) => fs.readFileSync(path.join(dir, "home", f), "utf8")).join("\n");
  for (const secret of [refresh, rotated]) {
    assert.ok(!memory.includes(secret) && !outputs.some((o) => o.includes(secret)), "a refresh token leaked");
  }
  assert.ok(!/eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\./.test(memory + outputs.join("\n")), "an access token leaked");
});

test("Microsoft 365: a list send whose token the platform revokes renews it once; each recipient gets one message", {
  skip,
}, async () => {
  // The canary of the test above reached the inbox: a person says so at a terminal.
  const t = runOnPty(["--home", path.join(dir, "home"), "verify", "--last", "--placement", "inbox"], env);
  await t.waitFor(/Type ([A-Z2-7]{6}) to confirm/);
  t.type(`${/Type ([A-Z2-7]{6}) to confirm/.exec(t.screen())![1]}\r`);
  assert.equal(await t.exit, 0, t.screen());
  const recipients = Array.from({ length: 5 }, (_, i) => `oauth-list-${i}@example.net`);
  const list = path.join(dir, "oauth-list.txt");
  fs.writeFileSync(list, `${recipients.join("\n")}\n`);
  const message = ["--subject", "OAuth canary", "--text", "Hello over XOAUTH2.", "--resolver", "127.0.0.1:9"];
  const pre = await cli(["preflight", "--profile", "m365", "--to-list", list, ...message, "--json"]);
  const plan = JSON.parse(pre.stdout).plan.token as string;
  // The next access token the platform issues is revoked at once (a password reset, an admin): the send
  // gets it, believes it valid, and the server refuses it.
  const tokens = fx.oauth!.tokens;
  const issue = tokens.issue.bind(tokens);
  let revoked = 0;
  tokens.issue = async (...args: Parameters<typeof issue>) => {
    const out = await issue(...args);
    if (revoked++ === 0) tokens.revoke(String(out.access_token));
    return out;
  };
  const before = fx.messages.length;
  const refusedBefore = fx.events.filter((e) => e.scenario === "m365" && /refused 535 \(token revoked\)/.test(e.detail))
    .length;
  try {
    const sent = await cli([
      "send",
      "--profile",
      "m365",
      "--to-list",
      list,
      ...message,
      "--confirm",
      plan,
      "--connections",
      "3",
      "--rate",
      "none",
      "--json",
    ]);
    const doc = JSON.parse(sent.stdout);
    assert.equal(doc.state, "accepted");
    assert.equal(doc.accepted, 5);
  } finally {
    tokens.issue = issue;
  }
  assert.equal(revoked, 2, "the revoked token and its one renewal");
  const refused = fx.events.filter((e) => e.scenario === "m365" && /refused 535 \(token revoked\)/.test(e.detail));
  assert.ok(refused.length - refusedBefore >= 1, "the revoked token was presented");
  const counts = new Map<string, number>();
  for (const m of fx.messages.slice(before)) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  for (const r of recipients) assert.equal(counts.get(r), 1, r);
  // Neither access token reached anything printed, nor the journal.
  const journal = path.join(dir, "home", "journal");
  const kept = textUnder(journal);
  assert.ok(!/eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\./.test(kept + outputs.join("\n")), "an access token leaked");
});

test("Gmail: code + PKCE through the loopback redirect, profile check, logout revokes", { skip }, async () => {
  await cli([
    "profile",
    "add",
    "gmail",
    "--provider",
    "gmail",
    ...common(fx.ports.gmail!),
    "--user",
    FIXTURE_GMAIL_ACCOUNT,
    "--oauth",
    "auth-code",
    "--client-id",
    FIXTURE_GOOGLE_CLIENT_ID,
    "--oauth-client-secret",
    "env:GOOGLE_DEMO_SECRET",
    ...oauthCommon(),
  ]);
  let opened = false;
  const { code } = await login("gmail", async (line) => {
    const m = /Open this URL to log in .*: (https:\/\/\S+)/.exec(line);
    if (!m || opened) return false;
    opened = true;
    await consentInBrowser(new URL(m[1]!));
    return true;
  });
  assert.equal(code, 0);
  const check = JSON.parse((await cli(["profile", "check", "gmail", "--json"])).stdout);
  assert.equal(check.report.verdict.status, "pass");
  const out = JSON.parse((await cli(["auth", "logout", "gmail", "--json"])).stdout);
  assert.equal(out.revoked, "yes");
  assert.equal(out.removed, true);
  const after = await cli(["profile", "check", "gmail", "--json"], 15);
  assert.equal(JSON.parse(after.stdout).report.verdict.code, "auth.oauth-login-required");
});

test("--oauth device for Gmail is refused before anything is saved or contacted", { skip }, async () => {
  const r = await runCli([
    "--home",
    path.join(dir, "home"),
    "profile",
    "add",
    "g2",
    "--provider",
    "gmail",
    "--user",
    FIXTURE_GMAIL_ACCOUNT,
    "--oauth",
    "device",
    "--client-id",
    "x",
    "--json",
  ], env);
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stdout).error.code, "E_OAUTH_FLOW_UNSUPPORTED");
});
