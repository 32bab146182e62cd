// What a server, a certificate, a bounce or a person's flag says never reaches the terminal with
// a control character (ESC, the one-byte CSI U+009B), a bidi override or isolate (U+202E, U+2066)
// or an invisible character in it: text output replaces them with `·`. With --json the value is
// kept and those characters are written as \uXXXX escapes, so JSON.parse gives them back.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createFixtureCa, daysFromNow, issueCert } from "../../fixtures/certs.ts";
import { jsonSafe, sanitize, terminalSafe } from "../../core/printable.ts";
import { runCli } from "../helpers/cli.ts";
import { startScriptServer } from "../helpers/script-server.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const dir = makeTestDir("smtpilot-terminal-");
/** A CSI that clears the screen, a right-to-left override, an isolate, a zero-width space and a bell. */
const HOSTILE = "a\u009b2Jb\u202Egnp.exe\u2066c\u200Bd\u001b[31me\u0007";
/** What must never be written raw on a terminal. */
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff]/;

function assertSafe(text: string): void {
  const m = UNSAFE.exec(text);
  assert.equal(m, null, `U+${m?.[0].charCodeAt(0).toString(16)} at ${m?.index} in ${JSON.stringify(text)}`);
}

test("sanitize(), terminalSafe() and jsonSafe() replace or escape every unsafe character, and only those", () => {
  assert.equal(sanitize(HOSTILE), "a·2Jb·gnp.exe·c·d·[31me·");
  assert.equal(terminalSafe(`${HOSTILE}\n\tnext`), "a·2Jb·gnp.exe·c·d·[31me·\n\tnext");
  assert.equal(terminalSafe("אב\u200fג zwj👨\u200d👩"), "אב\u200fג zwj👨\u200d👩");
  assert.equal(sanitize("pay\u200dpal\u00ad.com"), "pay·pal·.com");
  const json = jsonSafe(JSON.stringify({ v: HOSTILE }));
  assertSafe(json);
  assert.equal(JSON.parse(json).v, HOSTILE);
});

test("a certificate subject with controls and bidi overrides is shown escaped, kept in --json", async () => {
  const ca = createFixtureCa();
  const leaf = issueCert(ca, {
    commonName: `mx.${HOSTILE}`,
    sans: { dns: ["localhost"], ip: ["127.0.0.1"] },
    notBefore: daysFromNow(-1),
    notAfter: daysFromNow(30),
  });
  const caFile = path.join(dir, "ca.pem");
  fs.writeFileSync(caFile, ca.certPem);
  const server = await startScriptServer({
    tls: { key: leaf.keyPem, cert: leaf.certPem },
    greeting: "220 mx ESMTP\r\n",
    onLine: (
      line,
    ) => (/^EHLO/i.test(line) ? "250-mx\r\n250 8BITMIME\r\n" : /^QUIT/i.test(line) ? "221 bye\r\n" : undefined),
  });
  try {
    const args = ["diagnose", "--host", "127.0.0.1", "--port", String(server.port), "--tls", "implicit"];
    const text = await runCli([...args, "--ca", caFile]);
    assert.equal(text.code, 0, text.stderr);
    assertSafe(text.stdout);
    // OpenSSL itself writes ESC and BEL as \1B and \07; the C1, bidi and invisible characters are ours to replace.
    assert.match(text.stdout, /CN=mx\.a·2Jb·gnp\.exe·c·d\\1B\[31me\\07/);
    const json = await runCli([...args, "--ca", caFile, "--json"]);
    assertSafe(json.stdout);
    const tls = JSON.parse(json.stdout).layers.find((l: { id: string }) => l.id === "tls");
    assert.ok(tls.facts.certificate.subject.includes(`mx.${HOSTILE.slice(0, 17)}`), tls.facts.certificate.subject);
  } finally {
    await server.close();
  }
});

test("a server reply with controls and bidi overrides reaches the terminal escaped", async () => {
  const server = await startScriptServer({
    greeting: `220 mx.example ESMTP ${HOSTILE}\r\n`,
    onLine: (line) =>
      /^EHLO/i.test(line)
        ? `250-mx.example ${HOSTILE}\r\n250 8BITMIME\r\n`
        : /^QUIT/i.test(line)
        ? "221 bye\r\n"
        : undefined,
  });
  try {
    const r = await runCli([
      "diagnose",
      "--host",
      "127.0.0.1",
      "--port",
      String(server.port),
      "--tls",
      "none",
      "--transcript",
    ]);
    assertSafe(r.stdout);
    assertSafe(r.stderr);
    assert.match(r.stdout, /ESMTP a·2Jb·gnp\.exe·c·d·\[31me·/);
  } finally {
    await server.close();
  }
});

test("DSN fields (recipient, action, remote MTA, diagnostic) with bidi overrides are shown escaped", async () => {
  const original = fs.readFileSync("test/data/bounces/postfix/blocklisted-client.eml", "utf8");
  const hostile = original
    .replace("Diagnostic-Code: smtp; 554 5.7.1", `Diagnostic-Code: smtp; 554 5.7.1 ${HOSTILE}`)
    .replace("Remote-MTA: dns; 127.0.0.1", `Remote-MTA: dns; mx${HOSTILE}`)
    .replace("Action: failed", `Action: failed${HOSTILE}`)
    .replace("Final-Recipient: rfc822; blocked@rcpt.test", `Final-Recipient: rfc822; blo\u202Eked@rcpt.test`);
  assert.notEqual(hostile, original);
  const file = path.join(dir, "hostile-dsn.eml");
  fs.writeFileSync(file, hostile);
  const r = await runCli(["bounce", file]);
  assert.equal(r.code, 0, r.stderr);
  assertSafe(r.stdout);
  assert.match(r.stdout, /blo·ked@rcpt\.test/);
  const json = await runCli(["bounce", file, "--json"]);
  assertSafe(json.stdout);
  assert.match(JSON.stringify(JSON.parse(json.stdout).messages), /\u202E/);
});

test("recipes refuses a --user with a bidi override or control character (it would be copied into a shell)", async () => {
  for (const user of ["me\u202Eevil@example.com", "me\u001b[2J@example.com", "me\u200B@example.com"]) {
    const r = await runCli(["recipes", "--host", "smtp.example.com", "--user", user, "--secret", "env:X"]);
    assert.equal(r.code, 2, r.stdout);
    assertSafe(r.stderr);
  }
});

test("recipes prints a file path with a bidi override escaped, and keeps it in --json", async () => {
  const ca = `/tmp/ca${HOSTILE}.pem`;
  const text = await runCli(["recipes", "--host", "smtp.example.com", "--ca", ca]);
  assert.equal(text.code, 0, text.stderr);
  assertSafe(text.stdout);
  for (const format of [["--json"], ["--format", "json"]]) {
    const json = await runCli(["recipes", "--host", "smtp.example.com", "--ca", ca, ...format]);
    assert.equal(json.code, 0, json.stderr);
    assertSafe(json.stdout);
    assert.ok(JSON.stringify(JSON.parse(json.stdout)).includes(JSON.stringify(ca).slice(1, -1)));
  }
});
