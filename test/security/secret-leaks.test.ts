// A hostile server can echo the password back in its replies. Whatever it does — quotes and
// backslashes that JSON escapes, a long reply that gets shortened, terminal escape sequences —
// no form of the secret and no raw control sequence may reach the output.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { secretForms } from "../../core/redact.ts";
import { runCli } from "../helpers/cli.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { type ScriptServer, startScriptServer } from "../helpers/script-server.ts";

const { ca, leaf } = loopbackCert();

/** An implicit-TLS auth probe of a local script server as user "u" with `secret`. */
function probeAsUser(port: number, secret: string, format: string) {
  return runCli(
    [
      "diagnose",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--tls",
      "implicit",
      "--ca",
      caFile,
      "--user",
      "u",
      "--secret",
      "env:PW",
      format,
    ],
    { PW: secret },
  );
}
let echo: ScriptServer;
let caFile = "";

before(async () => {
  const fs = await import("node:fs");
  const path = await import("node:path");
  caFile = path.join(makeTestDir("smtpilot-leak-"), "ca.pem");
  fs.writeFileSync(caFile, ca.certPem);
  echo = await startScriptServer({
    tls: { key: leaf.keyPem, cert: leaf.certPem },
    greeting: "220 mx.test \x1b[2J\x1b]0;pwned\x07\u009b31m ESMTP\r\n",
    onLine: (line) => {
      if (/^EHLO/i.test(line)) return "250-mx.test\r\n250 AUTH PLAIN\r\n";
      if (/^AUTH PLAIN /i.test(line)) {
        const decoded = Buffer.from(line.slice(11), "base64").toString("utf8").split("\0")[2] ?? "";
        // The echo comes after 250 characters of padding, so any shortening cuts through it.
        return `535-5.7.8 ${"x".repeat(250)} ${decoded}\r\n535 5.7.8 Bad password for user: ${decoded}\r\n`;
      }
      if (/^QUIT/i.test(line)) return "221 bye\r\n";
      return undefined;
    },
  });
});
after(() => echo.close());

for (const secret of ['Sup3r"Secret\\Pass', "correct-horse-battery-staple-42", "pässwörd-ünïcode-🔑"]) {
  for (const format of ["--json", "--transcript"]) {
    test(`an echoed secret never reaches the output (${format}, ${JSON.stringify(secret)})`, async () => {
      const r = await probeAsUser(echo.port, secret, format);
      assert.equal(r.code, 15, r.stderr);
      const out = r.stdout + r.stderr;
      assert.match(out, /redacted/);
      for (const form of secretForms(secret)) assert.ok(!out.includes(form), `found ${form}`);
      // No prefix of the secret either (shortened text is redacted before it is cut).
      assert.ok(!out.includes(secret.slice(0, 12)), "a prefix of the secret leaked");
      // deno-lint-ignore no-control-regex
      assert.ok(!/[\x1b\x9b\x07]/.test(out), "a raw control sequence reached the output");
    });
  }
}

test("a short secret that looks like protocol text does not break the diagnosis or the schema", async () => {
  const r = await runCli([
    "diagnose",
    "--fixture",
    "healthy-starttls",
    "--user",
    "demo",
    "--secret",
    "env:PW",
    "--json",
  ], { PW: "250" });
  assert.equal(r.code, 15, r.stderr); // the fixture refuses the password "250", nothing else fails
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "smtpilot.diagnose/1");
  assert.equal(doc.verdict.code, "auth.invalid-credentials");
  assert.ok(doc.layers.every((l: { status: string }) => ["pass", "warn", "fail", "skip"].includes(l.status)));
  assert.match(r.stderr, /shorter than/);
});

test("a secret echoed across the line-length limit leaves no prefix in the output", async () => {
  const secret = "correct-horse-battery-staple-42";
  const srv = await startScriptServer({
    tls: { key: leaf.keyPem, cert: leaf.certPem },
    greeting: "220 mx.test ESMTP\r\n",
    onLine: (line) => {
      if (/^EHLO/i.test(line)) return "250-mx.test\r\n250 AUTH PLAIN\r\n";
      if (/^AUTH PLAIN /i.test(line)) return `535 ${"x".repeat(190)}${secret}${"y".repeat(3000)}\r\n`;
      return undefined;
    },
  });
  try {
    const r = await probeAsUser(srv.port, secret, "--json");
    assert.equal(JSON.parse(r.stdout).verdict.code, "auth.protocol-error");
    assert.ok(!(r.stdout + r.stderr).includes(secret.slice(0, 6)), "a prefix of the secret leaked");
  } finally {
    await srv.close();
  }
});
