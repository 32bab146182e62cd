// `smtpilot doctor` from the command line, as a person runs it: the README's Laravel case against
// the fixture (mismatch named, sweep, a passing diagnosis on the corrected path, the two lines),
// the document, offline runs, hostile files, and every usage and environment error's exit code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { runCli } from "../helpers/cli.ts";
import { settingsFile } from "./doctor-run.ts";

const LARAVEL = "APP_NAME=Shop\nMAIL_MAILER=smtp\nMAIL_HOST=smtp.example.com\nMAIL_PORT=587\nMAIL_USERNAME=demo\n" +
  `MAIL_PASSWORD=${FIXTURE_DEMO_SECRET}\nMAIL_ENCRYPTION=ssl\nMAIL_FROM_ADDRESS=shop@example.com\n`;

test("the README's case: Laravel 587 + ssl against the fixture — exit 1, the mismatch, the sweep, a pass, two lines", async () => {
  const file = settingsFile(".env", LARAVEL);
  const r = await runCli(["doctor", file, "--fixture", "--json"]);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "smtpilot.doctor/1");
  assert.equal(doc.mode, "auth-probe");
  assert.equal(doc.settings.framework, "laravel");
  assert.equal(doc.settings.secretRef, `dotenv:${file}#MAIL_PASSWORD`);
  assert.equal(doc.findings[0].code, "doctor.implicit-tls-on-starttls-port");
  assert.deepEqual(doc.findings[0].from, [{ key: "MAIL_ENCRYPTION", line: 7 }, { key: "MAIL_PORT", line: 4 }]);
  assert.deepEqual(
    doc.sweep.ports.map((p: { port: number; class: string }) => [p.port, p.class]),
    [[587, "smtp"], [465, "tls"], [25, "filtered"], [2525, "refused"]],
  );
  assert.deepEqual(doc.path, { host: "smtp.example.com", port: 587, tls: "starttls", why: "corrected" });
  assert.equal(doc.diagnosis.schema, "smtpilot.diagnose/1");
  assert.equal(doc.diagnosis.verdict.status, "pass");
  assert.deepEqual(doc.next.lines.map((l: { line?: number; text: string }) => [l.line ?? "add", l.text]), [
    [7, "MAIL_ENCRYPTION=tls"],
    ["add", "MAIL_SCHEME=smtp"],
  ]);
  assert.equal(doc.verdict.exitCode, 1);
  for (const out of [r.stdout, r.stderr]) assert.ok(!out.includes(FIXTURE_DEMO_SECRET));
});

test("the text report starts with the mode line and what it contacts, and never shows the password", async () => {
  const file = settingsFile(".env", LARAVEL);
  const r = await runCli(["doctor", file, "--fixture", "--sweep-timeout", "1"]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split("\n");
  assert.match(lines[0] ?? "", /^Mode: /);
  assert.match(lines[1] ?? "", /contacts: DNS/);
  assert.ok(r.stdout.includes("MAIL_ENCRYPTION=tls") && r.stdout.includes("MAIL_SCHEME=smtp"));
  assert.ok(r.stdout.includes("doctor.implicit-tls-on-starttls-port"));
  assert.ok(!r.stdout.includes(FIXTURE_DEMO_SECRET) && !r.stderr.includes(FIXTURE_DEMO_SECRET));
});

test("--offline reads the settings only: settings-check, exit 1 on an error finding, 0 without", async () => {
  const bad = await runCli(["doctor", settingsFile(".env", LARAVEL), "--offline", "--json"]);
  assert.equal(bad.code, 1, bad.stderr);
  const doc = JSON.parse(bad.stdout);
  assert.equal(doc.mode, "settings-check");
  assert.equal(doc.sweep, undefined);
  assert.equal(doc.diagnosis, undefined);
  const good = await runCli(["doctor", settingsFile(".env", LARAVEL.replace("=ssl", "=tls")), "--offline", "--json"]);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(JSON.parse(good.stdout).verdict.status, "pass");
});

test("a file with no mail settings is exit 2 (E_SETTINGS_UNRECOGNISED), a broken one exit 3, never quoting it", async () => {
  const none = await runCli([
    "doctor",
    settingsFile(".env", "APP_KEY=base64:Zm9vYmFy\nDB_PASSWORD=hunter2\n"),
    "--json",
  ]);
  assert.equal(none.code, 2);
  assert.equal(JSON.parse(none.stdout).error.code, "E_SETTINGS_UNRECOGNISED");
  assert.ok(!none.stdout.includes("hunter2") && !none.stderr.includes("hunter2"));
  const broken = await runCli(["doctor", settingsFile(".env", 'MAIL_HOST=x\nMAIL_PASSWORD="hunter2\n'), "--json"]);
  assert.equal(broken.code, 3);
  assert.equal(JSON.parse(broken.stdout).error.code, "E_SETTINGS_INVALID");
  assert.ok(!broken.stdout.includes("hunter2") && !broken.stderr.includes("hunter2"));
  const yaml = await runCli(["doctor", settingsFile("application.yml", "spring:\n  mail: [\n"), "--json"]);
  assert.equal(yaml.code, 3);
});

test("hostile values: a host that is not a host is refused before any network, escapes never reach the terminal", async () => {
  const file = settingsFile(
    ".env",
    'MAIL_MAILER=smtp\nMAIL_HOST="smtp.example.com\\u001b[2J evil"\nMAIL_PORT=587\n' +
      'MAIL_FROM_ADDRESS="a\u001b[31m@example.com"\nMAIL_USERNAME="x\u202Ey"\n',
  );
  const r = await runCli(["doctor", file, "--offline"]);
  assert.equal(r.code, 1);
  assert.ok(!r.stdout.includes("\u001b") && !r.stdout.includes("\u202e"), JSON.stringify(r.stdout));
  const json = await runCli(["doctor", file, "--fixture", "--json", "--sweep-timeout", "1"]);
  const doc = JSON.parse(json.stdout);
  assert.ok(doc.findings.some((f: { code: string }) => f.code === "doctor.invalid-value"));
  assert.equal(doc.sweep, undefined, "no host, no sweep");
});

test("usage errors are exit 2 before anything is read", async () => {
  for (
    const args of [
      ["doctor"],
      ["doctor", "x.env", "--port-base", "40000"],
      ["doctor", "x.env", "--secret", "hunter2"],
      ["doctor", "x.env", "--framework", "cobol"],
      ["doctor", "x.env", "--to", "not an address"],
      ["doctor", "x.env", "--name", "Bad Name"],
    ]
  ) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.ok(!r.stderr.includes("hunter2"));
  }
});

test("a URL on the command line: read as a URL, its password never used nor shown", async () => {
  const r = await runCli(["doctor", "smtps://me:Pa55-w0rd-x@smtp.example.com:587", "--offline", "--json"]);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.settings.framework, "url");
  assert.deepEqual(doc.findings.map((f: { code: string }) => f.code).sort(), [
    "doctor.implicit-tls-on-starttls-port",
    "doctor.password-in-argument",
  ]);
  assert.ok(!r.stdout.includes("Pa55-w0rd-x"));
  assert.equal(doc.input.text, "smtps://me:****@smtp.example.com:587");
});

test("a password the file reads from the environment is sent only when the person names it with --secret", async () => {
  // The file names both the variable and the server: a settings file from someone else could name
  // any secret of this shell and its own host.
  const file = settingsFile(
    ".env",
    LARAVEL.replace(`MAIL_PASSWORD=${FIXTURE_DEMO_SECRET}`, "MAIL_PASSWORD=${SHELL_KEY}"),
  );
  const env = { SHELL_KEY: FIXTURE_DEMO_SECRET };
  const unnamed = await runCli(["doctor", file, "--fixture", "--json"], env);
  const doc = JSON.parse(unnamed.stdout);
  assert.equal(doc.mode, "connectivity-probe", unnamed.stderr);
  assert.equal(doc.diagnosis.mode, "connectivity-probe");
  assert.ok(doc.contacts.some((c: string) => c.includes("--secret env:SHELL_KEY")), doc.contacts.join("\n"));
  const named = await runCli(["doctor", file, "--fixture", "--json", "--secret", "env:SHELL_KEY"], env);
  const doc2 = JSON.parse(named.stdout);
  assert.equal(doc2.mode, "auth-probe", named.stderr);
  assert.equal(doc2.diagnosis.verdict.status, "pass");
  for (const out of [unnamed.stdout, unnamed.stderr, named.stdout, named.stderr]) {
    assert.ok(!out.includes(FIXTURE_DEMO_SECRET));
  }
});
