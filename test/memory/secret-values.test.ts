import { test } from "node:test";
import assert from "node:assert/strict";
import { findSecretsInProse, findSecretValues, secretShape } from "../../core/memory/secret-values.ts";

const secrets: [string, string][] = [
  ["a private key", "-----BEGIN OPENSSH PRIVATE KEY-----"],
  ["a Google access token", "ya29.a0AfB_byC1234567890abcdefghijklmnop"],
  ["a JSON web token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpM"],
  ["a SendGrid key", "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"],
  // SES derives its SMTP password as base64(0x04 ‖ HMAC-SHA256): 44 characters starting with B.
  ["an SES SMTP password", Buffer.concat([Buffer.from([4]), Buffer.alloc(32, 0x5a)]).toString("base64")],
  ["a URL with a password", "smtp://app:Hunter2-pass@relay.example:587"],
  ["a password after its name", "password: Tr0ub4dor&3"],
  ["a token after its name", "api_key=sk-test-abcdef012345"],
  ["a GitHub token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
];
for (const [name, text] of secrets) {
  test(`secretShape() recognises ${name}`, () => assert.ok(secretShape(`note: ${text} end`), text));
}

const harmless = [
  "secret: env:SMTP_PASSWORD",
  "password: <your app password>",
  "token = ${SMTP_TOKEN}",
  "Never put a password or token in these files.",
  "DKIM p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwJ8Y0mBw3yZ7q0nK8a2vX9s3",
  "Message-ID: <20261201.4ABC@mail.example.com>",
  "queued as 4Q2Z8J3y1Kz5",
  "see https://support.google.com/mail/?p=BadCredentials",
  "secret: cmd:pass show smtp/work",
];
for (const text of harmless) {
  test(`secretShape() leaves ${JSON.stringify(text.slice(0, 40))} alone`, () =>
    assert.equal(secretShape(text), undefined));
}

test("findSecretValues() wants references in secret-named fields and names the path", () => {
  const found = findSecretValues({
    name: "x",
    auth: { user: "me", secret: "hunter2" },
    imap: { password: 123456 },
    smtp: { token: "env:OK_TOKEN" },
    notes: "app password abcd efgh ijkl mnop",
    alias: "abcd efgh ijkl mnop",
  });
  assert.deepEqual(found.map((f) => f.field), ["auth.secret", "imap.password", "alias"]);
});

test("findSecretsInProse() skips the blocks and reports 1-based lines", () => {
  const text = "# T\n\n```yaml smtpilot:x\nsecret: env:A\n```\n\nold password: Tr0ub4dor&3\n";
  const start = text.indexOf("```");
  const end = text.indexOf("```\n", start + 3) + 4;
  assert.deepEqual(findSecretsInProse(text, [[start, end]]).map((f) => f.line), [7]);
});
