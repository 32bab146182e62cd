// The shared line redactor on what people paste into tickets: real swaks output, openssl
// s_client, Postfix and Exim logs, application settings, smtpilot's own output. No form of the
// secret survives; what makes a transcript useful (replies, capabilities, queue ids) stays.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { LineRedactor, REDACTION, redactTranscriptText, secretForms } from "../../core/redact.ts";
import { startFixture } from "../../fixtures/index.ts";
import { swaksMissing } from "../swaks/swaks-env.ts";
import {
  APP_LOG,
  EXIM_LOG,
  OPENSSL_SESSION,
  POSTFIX_LOG,
  SAMPLE_PAYLOADS,
  SAMPLE_SECRET,
  SAMPLE_USER,
} from "./samples.ts";

/** Fails naming the first form of the secret (or a payload) left in `text`. */
function assertClean(text: string, secret = SAMPLE_SECRET, payloads = SAMPLE_PAYLOADS): void {
  for (const form of [...secretForms(secret), ...payloads]) {
    assert.ok(!text.includes(form), `${JSON.stringify(form)} survived in:\n${text}`);
  }
}

for (
  const [name, sample] of [
    ["openssl s_client", OPENSSL_SESSION],
    ["Postfix (verbose peer logging)", POSTFIX_LOG],
    ["Exim (main log and -d debug)", EXIM_LOG],
  ] as const
) {
  test(`redactTranscriptText() masks every AUTH payload and SASL response of a ${name} transcript, without being told the secret`, () => {
    const out = redactTranscriptText(sample);
    assertClean(out);
    // What makes the transcript useful is still there.
    assert.match(out, /AUTH PLAIN <redacted>/);
    assert.match(out, /334 VXNlcm5hbWU6/);
    assert.equal(out.split("\n").length, sample.split("\n").length);
  });
}

test("the EHLO capability line, replies and log fields stay as they were", () => {
  const out = redactTranscriptText(OPENSSL_SESSION + POSTFIX_LOG + EXIM_LOG);
  assert.match(out, /250-AUTH PLAIN LOGIN XOAUTH2/);
  assert.match(out, /535 5\.7\.8 Username and Password not accepted/);
  assert.match(out, /status=sent \(250 2\.0\.0 Ok: queued as 8F2A1C\)/);
  assert.match(out, /sasl_username=alice@example\.com/);
  assert.match(out, /A=plain:alice@example\.com/);
  assert.match(out, /SMTP>> 235 Authentication succeeded/);
});

test("password=, pass:, JSON passwords, URL passwords, bearer tokens and AWS secret keys are masked", () => {
  const out = redactTranscriptText(APP_LOG);
  assertClean(out);
  assert.match(out, /smtp:\/\/alice%40example\.com:<redacted>@smtp\.example\.com:587/);
  assert.match(out, /"pass":"<redacted>"/);
  assert.match(out, /Bearer <redacted>/);
  assert.match(out, /aws_access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=<redacted>/);
  // Secret references name where a secret lives; they are not secrets.
  assert.match(out, /secretRef: env:SMTP_PASSWORD/);
  assert.match(out, /--secret env:SMTP_PASSWORD/);
});

test("a value given as a secret is masked in every form, even where no rule would see it", () => {
  const hidden = `note: the old one was ${SAMPLE_SECRET} (hex ${Buffer.from(SAMPLE_SECRET).toString("hex")})`;
  const out = new LineRedactor({ secrets: [SAMPLE_SECRET] }).line(hidden);
  assertClean(out);
});

test("--mask-addresses keeps the domain and numbers each address, the same one the same way", () => {
  const r = new LineRedactor({ maskAddresses: true });
  const a = r.line(`from=<${SAMPLE_USER}>, to=<bob@example.org>`);
  const b = r.line(`sasl_username=${SAMPLE_USER}`);
  assert.equal(a, "from=<redacted-1@example.com>, to=<redacted-2@example.org>");
  assert.equal(b, "sasl_username=redacted-1@example.com");
  assert.equal(r.counts.address, 3);
});

test("the AUTH state is one line of state: a base64-looking line far from any AUTH is left alone", () => {
  const r = new LineRedactor();
  const lines = ["AUTH LOGIN", "334 VXNlcm5hbWU6", "YWxpY2U=", "235 2.7.0 ok", "MAIL FROM:<a@b.example>", "QUFBQQ=="];
  const out = lines.map((l) => r.line(l));
  assert.deepEqual(out, [
    "AUTH LOGIN",
    "334 VXNlcm5hbWU6",
    REDACTION,
    "235 2.7.0 ok",
    "MAIL FROM:<a@b.example>",
    "QUFBQQ==",
  ]);
});

test("host:port and words after an AUTH line are not taken for SASL responses", () => {
  const r = new LineRedactor();
  const out = ["AUTH CRAM-MD5", "trying 127.0.0.1:2525", "connected", "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"]
    .map((l) => r.line(l));
  assert.deepEqual(out.slice(1), ["trying 127.0.0.1:2525", "connected", "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"]);
});

/** Runs a program with `input` on stdin (asynchronously: the in-process fixture must keep serving). */
function run(program: string, args: string[], input: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.on("close", (code) => resolve({ code, out }));
    child.stdin.end(input);
  });
}

test("real swaks output (password typed at its prompt) leaves no form of the password", {
  skip: swaksMissing() ?? false,
}, async () => {
  const fx = await startFixture({ scenarios: ["auth-tempfail"] });
  try {
    const { code, out } = await run("swaks", [
      "--config",
      "--server",
      fx.host,
      "--port",
      String(fx.ports["auth-tempfail"]),
      "--tls",
      "--tls-ca-path",
      fx.caPath,
      "--auth",
      "PLAIN,LOGIN,CRAM-MD5",
      "--auth-user",
      SAMPLE_USER,
      "--quit-after",
      "AUTH",
    ], `${SAMPLE_SECRET}\n`);
    assert.equal(code, 28, out);
    // The raw output holds the password's base64 (so the check below is worth something).
    assert.ok(out.includes(Buffer.from(SAMPLE_SECRET).toString("base64")), out);
    const clean = redactTranscriptText(out);
    assertClean(clean);
    assert.match(clean, / ~> AUTH PLAIN <redacted>/);
    assert.match(clean, / ~> AUTH LOGIN/);
    assert.match(clean, /<~\* 454 4\.7\.0 Temporary authentication failure/);
  } finally {
    await fx.close();
  }
});
