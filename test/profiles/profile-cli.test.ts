// The profile commands and `diagnose --profile` as a user runs them (the CLI in a child process),
// against the in-process fixture: presets, scriptable adds, refusals, checks recorded in the memory.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FIXTURE_DEMO_SECRET, type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { runCli } from "../helpers/cli.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-profiles-"));
let fx: RunningFixture;
before(async () => {
  fx = await startFixture({ scenarios: ["healthy-starttls", "healthy-implicit"], workDir: path.join(root, "fx") });
});
after(async () => {
  await fx.close();
  fs.rmSync(root, { recursive: true, force: true });
});

let n = 0;
/** A fresh initialised memory folder and a runner bound to it. */
async function memory() {
  const home = path.join(root, `home${n++}`);
  const run = (args: string[], env: Record<string, string> = {}) => runCli(["--home", home, ...args], env);
  assert.equal((await run(["init"])).code, 0);
  return { home, run, profiles: () => fs.readFileSync(path.join(home, "provider-profiles.md"), "utf8") };
}
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

test("presets fill what the provider dictates; the memory records provider and sender domain", async () => {
  const { run } = await memory();
  const presets: [string[], unknown[]][] = [
    [["gmail", "--provider", "gmail", "--user", "me@gmail.com", "--secret", "env:GMAIL_APP_PASSWORD"], [
      "smtp.gmail.com",
      587,
      "starttls",
      "me@gmail.com",
    ]],
    [
      [
        "m365",
        "--provider",
        "m365",
        "--user",
        "me@contoso.com",
        "--secret",
        "env:M365_TOKEN",
        "--auth-mech",
        "XOAUTH2",
      ],
      ["smtp.office365.com", 587, "starttls", "me@contoso.com"],
    ],
    [[
      "ses-eu",
      "--provider",
      "ses",
      "--host",
      "email-smtp.eu-west-1.amazonaws.com",
      "--port",
      "465",
      "--user",
      "AKIAIOSFODNN7EXAMPLE",
      "--secret",
      "cmd:pass show ses/smtp",
      "--from",
      "app@example.com",
    ], ["email-smtp.eu-west-1.amazonaws.com", 465, "implicit", "app@example.com"]],
    [["relay", "--provider", "postfix-relay", "--host", "relay.internal", "--port", "25"], [
      "relay.internal",
      25,
      "starttls",
      undefined,
    ]],
    [["other", "--provider", "custom", "--host", "mail.example.org", "--port", "465"], [
      "mail.example.org",
      465,
      "implicit",
      undefined,
    ]],
  ];
  for (const [args, [host, port, tls, from]] of presets) {
    const r = await run(["profile", "add", ...args, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const p = json(r).profile;
    assert.deepEqual([p.host, p.port, p.tls, p.from], [host, port, tls, from], args[0]);
  }
  const status = json(await run(["status", "--json"]));
  assert.deepEqual(status.memory.approvedProviders, ["gmail", "m365", "ses", "postfix-relay", "custom"]);
  assert.deepEqual(status.memory.senderDomains, ["gmail.com", "contoso.com", "example.com"]);
  assert.deepEqual(status.profiles.map((p: { name: string }) => p.name), ["gmail", "m365", "ses-eu", "relay", "other"]);
  assert.equal(status.warnings.filter((w: { code: string }) => w.code === "memory.profile-never-checked").length, 5);
});

test("without a terminal, what is missing is a usage error naming it, and nothing is saved", async () => {
  const { run, profiles } = await memory();
  const before = profiles();
  for (
    const args of [
      ["x", "--provider", "ses", "--user", "AKIA1", "--secret", "env:S"], // SES needs its region's host
      ["x", "--provider", "custom"], // no host
      ["x", "--provider", "gmail", "--user", "me@gmail.com"], // a user without a secret reference
      ["x"], // no provider, no --email
      ["x", "--provider", "nosuch", "--host", "h.example"],
      ["Bad Name", "--provider", "gmail"],
      ["x", "--provider", "custom", "--host", "h.example", "--notes", "n".repeat(5000)], // over the schema's limit
      ["x", "--provider", "custom", "--host", "h.example", "--from", "a@b\r\nRCPT TO:<x@y>"],
    ]
  ) {
    const r = await run(["profile", "add", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  }
  assert.equal(profiles(), before);
});

test("a secret typed where a reference belongs is refused and never echoed or stored", async () => {
  const { home, run } = await memory();
  const typed = "Sup3rS3cret-typed-here";
  for (
    const args of [
      ["--secret", typed],
      ["--notes", `app password: ${typed}`],
      ["--secret", "env:OK", "--notes", `see smtp://me:${typed}@relay.example`],
    ]
  ) {
    const r = await run(["profile", "add", "x", "--provider", "gmail", "--user", "me@gmail.com", ...args, "--json"]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes(typed), r.stderr);
  }
  for (const f of fs.readdirSync(home)) assert.ok(!fs.readFileSync(path.join(home, f), "utf8").includes(typed), f);
});

test("list, show, rm; a duplicate needs --replace; unknown names are exit 2", async () => {
  const { run } = await memory();
  const add = ["profile", "add", "work", "--provider", "gmail", "--user", "me@gmail.com", "--secret", "env:A"];
  assert.equal((await run(add)).code, 0);
  const dup = await run([...add, "--json"]);
  assert.equal(dup.code, 2);
  assert.equal(json(dup).error.code, "E_PROFILE_EXISTS");
  assert.equal((await run([...add.slice(0, -2), "--secret", "env:B", "--replace"])).code, 0);
  assert.equal((await run(["profile", "list", "--names"])).stdout, "work\n");
  const shown = json(await run(["profile", "show", "work", "--json"]));
  assert.equal(shown.profile.auth.secret, "env:B");
  assert.equal(shown.provider.identityPolicy.rule, "account-or-alias");
  assert.equal((await run(["profile", "show", "nope"])).code, 2);
  assert.equal((await run(["profile", "rm", "work"])).code, 0);
  assert.deepEqual(json(await run(["profile", "list", "--json"])).profiles, []);
  assert.equal((await run(["profile", "rm", "work"])).code, 2);
});

test("commands that need the memory exit 3 without it, naming the folder", async () => {
  const home = path.join(root, "missing");
  for (
    const args of [["status"], ["profile", "list"], ["profile", "add", "x", "--provider", "gmail"], [
      "diagnose",
      "--profile",
      "x",
    ]]
  ) {
    const r = await runCli(["--home", home, ...args, "--json"]);
    assert.equal(r.code, 3, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(json(r).error.code, "E_MEMORY_MISSING");
    assert.ok(r.stderr.includes(home));
  }
  assert.ok(!fs.existsSync(home), "nothing created it");
});

test("profile check records verdict, date and mechanism; a pass makes the memory active", async () => {
  const { run, home } = await memory();
  const port = String(fx.ports["healthy-starttls"]);
  const add = await run([
    "profile",
    "add",
    "lab",
    "--provider",
    "custom",
    "--host",
    "127.0.0.1",
    "--port",
    port,
    "--tls",
    "starttls",
    "--ca",
    fx.caPath,
    "--user",
    "demo",
    "--secret",
    "env:DEMO_PW",
    "--from",
    "demo@smtpilot.test",
  ]);
  assert.equal(add.code, 0, add.stderr);
  const r = await run(["profile", "check", "lab", "--json"], { DEMO_PW: FIXTURE_DEMO_SECRET });
  assert.equal(r.code, 0, r.stderr);
  const doc = json(r);
  assert.equal(doc.schema, "smtpilot.profile-check/1");
  assert.deepEqual([doc.lastCheck.verdict, doc.lastCheck.upTo, doc.lastCheck.mechanism], ["pass", "auth", "PLAIN"]);
  const status = json(await run(["status", "--json"]));
  assert.equal(status.memory.status, "active");
  assert.equal(status.profiles[0].lastCheck.verdict, "pass");
  assert.ok(!status.warnings.some((w: { code: string }) => w.code === "memory.profile-never-checked"));

  const env = await run(["profile", "check", "lab", "--to", "postmaster@smtpilot.test", "--json"], {
    DEMO_PW: FIXTURE_DEMO_SECRET,
  });
  assert.equal(json(env).lastCheck.upTo, "envelope");
  assert.ok(fx.events.some((e) => e.kind === "command" && /^MAIL FROM:<demo@smtpilot\.test>/i.test(e.detail)));

  const bad = await run(["profile", "check", "lab", "--json"], { DEMO_PW: "not-the-demo-password" });
  assert.equal(bad.code, 15);
  assert.deepEqual([json(bad).lastCheck.verdict, json(bad).lastCheck.code], ["fail", "auth.invalid-credentials"]);
  assert.match(fs.readFileSync(path.join(home, "provider-profiles.md"), "utf8"), /code: auth\.invalid-credentials/);
});

test("diagnose --profile uses the profile, its From as MAIL FROM, and lets flags override", async () => {
  const { run } = await memory();
  const port = String(fx.ports["healthy-implicit"]);
  await run([
    "profile",
    "add",
    "lab",
    "--provider",
    "custom",
    "--host",
    "127.0.0.1",
    "--port",
    port,
    "--tls",
    "implicit",
    "--ca",
    fx.caPath,
    "--user",
    "demo",
    "--secret",
    "env:DEMO_PW",
    "--from",
    "sender@smtpilot.test",
  ]);
  const env = { DEMO_PW: FIXTURE_DEMO_SECRET };
  const ok = await run(["diagnose", "--profile", "lab", "--to", "postmaster@smtpilot.test", "--json"], env);
  assert.equal(ok.code, 0, ok.stderr);
  const doc = json(ok);
  assert.deepEqual([doc.mode, doc.target.port, doc.target.tls], ["auth-probe", Number(port), "implicit"]);
  assert.ok(
    fx.events.some((e) => e.scenario === "healthy-implicit" && /^MAIL FROM:<sender@smtpilot\.test>/i.test(e.detail)),
  );
  // A flag given on the command line wins over the profile's value for this run.
  const wrongName = await run(["diagnose", "--profile", "lab", "--servername", "mail.other.test", "--json"], env);
  assert.equal(json(wrongName).verdict.code, "tls.cert-hostname-mismatch");
  const otherCa = path.join(root, "other-ca.pem");
  fs.writeFileSync(otherCa, loopbackCert().ca.certPem);
  assert.equal(
    json(await run(["diagnose", "--profile", "lab", "--ca", otherCa, "--json"], env)).verdict.code,
    "tls.cert-untrusted",
  );
  assert.equal((await run(["diagnose", "--profile", "nope"])).code, 2);
  assert.equal((await run(["diagnose", "--profile", "lab", "--fixture", "healthy-starttls"])).code, 2);
});

test("a profile file with a mistake stops diagnose --profile with exit 3, naming file, line and field", async () => {
  const { run, home } = await memory();
  await run(["profile", "add", "lab", "--provider", "custom", "--host", "127.0.0.1", "--port", "2525"]);
  const file = path.join(home, "provider-profiles.md");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("port: 2525", "port: twenty-five"));
  const r = await run(["diagnose", "--profile", "lab", "--json"]);
  assert.equal(r.code, 3);
  assert.equal(json(r).error.code, "E_MEMORY_INVALID");
  assert.match(r.stderr, /provider-profiles\.md line \d+, field port of profile lab/);
  assert.equal((await run(["status"])).code, 3);
});
