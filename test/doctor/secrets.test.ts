// No password read from an application's settings file reaches any output, the JSON, the transcript
// or the memory folder — in any form: raw, JSON-escaped, URL-encoded, hex, base64 at any alignment,
// the AUTH PLAIN payload. Each framework's file holds a sentinel password; the doctor runs against a
// hostile server that echoes the password back in its AUTH reply; the profile line it proposes is
// run, and the saved profile checked against the same server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { splitCommand } from "../../core/secrets.ts";
import { secretForms } from "../../core/redact.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { type ScriptServer, startScriptServer } from "../helpers/script-server.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { settingsFile } from "./doctor-run.ts";

const SENTINEL = "Sntl-9f2c+Qz/Ü=x!";
const USER = "u@example.com";
const root = makeTestDir("smtpilot-doctor-secrets-");
const home = path.join(root, "smtp");
const { ca, leaf } = loopbackCert();
const caFile = path.join(root, "ca.pem");
let server: ScriptServer;
let auths = 0;
const runs: { what: string; r: CliResult }[] = [];

before(async () => {
  fs.writeFileSync(caFile, ca.certPem);
  server = await startScriptServer({
    tls: { key: leaf.keyPem, cert: leaf.certPem },
    greeting: "220 mx.test ESMTP\r\n",
    onLine: (line) => {
      if (/^EHLO/i.test(line)) return "250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n";
      if (/^AUTH PLAIN /i.test(line)) {
        auths++;
        const [, user, pw = ""] = Buffer.from(line.slice(11), "base64").toString("utf8").split("\0");
        const echo = `${pw} ${line.slice(11)} ${Buffer.from(pw).toString("base64")} ${Buffer.from(pw).toString("hex")}`;
        // The account logs in (echoing its password); any other login is refused (echoing it too).
        return user === USER
          ? `235 2.7.0 Accepted ${echo}\r\n`
          : `535-5.7.8 Bad password ${pw}\r\n535 5.7.8 ${echo}\r\n`;
      }
      if (/^QUIT/i.test(line)) return "221 bye\r\n";
      return undefined;
    },
  });
});
after(() => server.close());

/** Each framework's settings: 127.0.0.1 on the server's port with implicit TLS, the sentinel as the password. */
function files(): [string, string, string][] {
  const p = server.port;
  const url = encodeURIComponent(SENTINEL);
  return [
    [
      "laravel",
      ".env",
      `MAIL_MAILER=smtp\nMAIL_HOST=127.0.0.1\nMAIL_PORT=${p}\nMAIL_SCHEME=smtps\nMAIL_USERNAME=${USER}\nMAIL_PASSWORD="${SENTINEL}"\nMAIL_FROM_ADDRESS=${USER}\n`,
    ],
    ["symfony", ".env", `MAILER_DSN=smtps://${encodeURIComponent(USER)}:${url}@127.0.0.1:${p}\n`],
    [
      "django",
      "settings.py",
      `EMAIL_HOST = "127.0.0.1"\nEMAIL_PORT = ${p}\nEMAIL_USE_SSL = True\nEMAIL_HOST_USER = "${USER}"\nEMAIL_HOST_PASSWORD = "${SENTINEL}"\n`,
    ],
    [
      "rails",
      "smtp.yml",
      `production:\n  smtp_settings:\n    address: 127.0.0.1\n    port: ${p}\n    tls: true\n    user_name: ${USER}\n    password: "${SENTINEL}"\n`,
    ],
    [
      "nodemailer",
      ".env",
      `SMTP_HOST=127.0.0.1\nSMTP_PORT=${p}\nSMTP_SECURE=true\nSMTP_USER=${USER}\nSMTP_PASS='${SENTINEL}'\n`,
    ],
    [
      "spring",
      "application.properties",
      `spring.mail.host=127.0.0.1\nspring.mail.port=${p}\nspring.mail.username=${USER}\nspring.mail.password=${
        SENTINEL.replace("=", "\\=")
      }\nspring.mail.properties.mail.smtp.ssl.enable=true\n`,
    ],
    [
      "wordpress",
      "wp-config.php",
      `<?php\ndefine('WPMS_ON', true);\ndefine('WPMS_SMTP_HOST', '127.0.0.1');\ndefine('WPMS_SMTP_PORT', ${p});\ndefine('WPMS_SSL', 'ssl');\ndefine('WPMS_SMTP_USER', '${USER}');\ndefine('WPMS_SMTP_PASS', '${SENTINEL}');\n`,
    ],
  ];
}

/** Every form the sentinel could take: redaction's forms, hex, and the AUTH PLAIN payload. */
function forms(): string[] {
  const hex = Buffer.from(SENTINEL, "utf8").toString("hex");
  const plain = Buffer.from(`\0${USER}\0${SENTINEL}`).toString("base64");
  return [...secretForms(SENTINEL), hex, hex.toUpperCase(), plain, SENTINEL.slice(0, 12)];
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]
  );
}

async function run(what: string, args: string[]): Promise<CliResult> {
  const r = await runCli(["--home", home, ...args]);
  runs.push({ what, r });
  return r;
}

test("no password from any framework's file leaks into output, JSON, transcript or the memory folder", async () => {
  assert.equal((await run("init", ["init"])).code, 0);
  for (const [framework, name, content] of files()) {
    const file = settingsFile(name, content);
    const common = [file, "--port", String(server.port), "--ca", caFile, "--sweep-timeout", "1", "--name", framework];
    const json = await run(`${framework} --json`, ["doctor", ...common, "--json"]);
    assert.equal(json.code, 0, `${framework}: ${json.stderr}`);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.settings.framework, framework);
    assert.equal(doc.mode, "auth-probe");
    assert.equal(doc.diagnosis.verdict.status, "pass");
    assert.ok(doc.diagnosis.transcript.some((e: { text: string }) => /^AUTH PLAIN <redacted>/.test(e.text)), framework);
    const refused = await run(`${framework} refused`, ["doctor", ...common, "--user", "x@example.com"]);
    assert.equal(refused.code, 15, refused.stderr);
    await run(`${framework} offline`, ["doctor", file, "--offline"]);
    // The profile line the doctor proposes keeps the reference; saving and checking it works.
    const command = splitCommand(doc.next.command ?? "");
    assert.deepEqual(command.slice(0, 3), ["smtpilot", "profile", "add"], doc.next.text);
    const secret = command[command.indexOf("--secret") + 1] ?? "";
    assert.match(secret, framework === "laravel" || framework === "nodemailer" ? /^dotenv:/ : /^settings:/);
    assert.equal((await run(`${framework} profile add`, [...command.slice(1), "--json"])).code, 0);
    const check = await run(`${framework} profile check`, ["profile", "check", framework, "--json"]);
    assert.equal(JSON.parse(check.stdout).report.verdict.status, "pass", check.stderr);
  }
  // The server was handed the password and echoed it every time: the sweep looked at real danger.
  assert.equal(auths, files().length * 3);

  const leaks: string[] = [];
  for (const { what, r } of runs) {
    for (const f of forms()) {
      if (r.stdout.includes(f)) leaks.push(`${what}: stdout holds ${JSON.stringify(f)}`);
      if (r.stderr.includes(f)) leaks.push(`${what}: stderr holds ${JSON.stringify(f)}`);
    }
  }
  for (const file of filesUnder(home)) {
    const text = fs.readFileSync(file, "utf8");
    for (const f of forms()) {
      if (text.includes(f)) leaks.push(`${path.relative(home, file)} holds ${JSON.stringify(f)}`);
    }
  }
  assert.deepEqual(leaks, []);
});

test("settings: references resolve each syntax's literal, refuse an environment read, and sit outside the memory", async () => {
  const { parseSecretRef, resolveSecret } = await import("../../core/secrets.ts");
  for (const [framework, name, content] of files()) {
    const file = settingsFile(name, content);
    const key = {
      laravel: "MAIL_PASSWORD",
      symfony: "MAILER_DSN:password",
      django: "EMAIL_HOST_PASSWORD",
      rails: "production.smtp_settings.password",
      nodemailer: "SMTP_PASS",
      spring: "spring.mail.password",
      wordpress: "WPMS_SMTP_PASS",
    }[framework];
    assert.equal(await resolveSecret(parseSecretRef(`settings:${file}#${key}`)), SENTINEL, framework);
  }
  const env = settingsFile("application.properties", "spring.mail.password=${MAIL_PW}\n");
  await assert.rejects(
    resolveSecret(parseSecretRef(`settings:${env}#spring.mail.password`)),
    (e: { code?: string; message?: string }) =>
      e.code === "E_SECRET_SETTINGS_NOT_LITERAL" && /env:MAIL_PW/.test(e.message ?? ""),
  );
  assert.equal(await resolveSecret(parseSecretRef(`settings:${env}#absent.key`)), undefined);
  fs.mkdirSync(home, { recursive: true });
  const inside = path.join(home, "app.properties");
  fs.writeFileSync(inside, "spring.mail.password=x\n");
  await assert.rejects(
    resolveSecret(parseSecretRef(`settings:${inside}#spring.mail.password`), { memoryHome: home }),
    (e: { code?: string }) => e.code === "E_SECRET_IN_MEMORY",
  );
  fs.rmSync(inside);
});
