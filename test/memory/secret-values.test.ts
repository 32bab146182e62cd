import { test } from "node:test";
import assert from "node:assert/strict";
import {
  findSecretsInProse,
  findSecretValues,
  literalInReference,
  secretShape,
} from "../../core/memory/secret-values.ts";

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
  // Google shows an app password as four groups of four letters; people paste it with the spaces.
  ["a Google app password after its name", "Gmail app password abcd efgh ijkl mnop"],
  ["a Google app password of random letters", "for the relay: xkcd qwrt zplm hvbn"],
  ["a Google app password after 'pass'", "pass = wxyz bcdf ghjk lmnp"],
  // An AWS secret access key: 40 characters of base64, without its variable name.
  ["an AWS secret access key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
  ["an AWS secret access key without a slash", "je7MtGbClwBF2Zp9Utk3rq8Hx0vYd4Ns5aWLcPoR"],
  // Each shape is tried only on text holding what it needs (core/memory/secret-values.ts): one of each.
  ["a Google refresh token", "1//0gabcdefghijklmnopqrstuvwxyz0123"],
  ["a Mailgun key", "key-0123456789abcdef0123456789abcdef"],
  ["a Slack token", "xoxb-1234567890-abcdefghij"],
  ["a fine-grained GitHub token (underscores inside)", "github_pat_11AAAAAAA0_abcdefghij_klmnopqrstuvwxyz0123"],
  ["a GitLab token", "glpat-abcdefghijklmnopqrst"],
  ["a Stripe secret key", "rk_live_abcdefghijklmnop1234"],
  ["an AWS secret access key after its name", "AWS_SECRET_ACCESS_KEY=x"],
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
  // Four short English words are not an app password.
  "this will help make sure mail goes out",
  "sent from home when done, then wait",
  // Forty hex characters are a hash (a commit, a digest), not a key; a long path is a path.
  "commit 3ef18ac2b1e0c9f4d5a6b7c8d9e0f1a2b3c4d5e6 fixed it",
  "digest 3EF18AC2B1E0C9F4D5A6B7C8D9E0F1A2B3C4D5E6",
  "ca: /var/lib/smtpilot/Journal2026/ScaleRunsAB",
  "id 123e4567-e89b-12d3-a456-426614174000",
  "a word run like abcdefghijklmnopqrstuvwxyzabcdefghijklmn",
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
    other: { secret: "cmd:echo hunter2pass" },
  });
  assert.deepEqual(found.map((f) => f.field), ["auth.secret", "imap.password", "notes", "alias", "other.secret"]);
});

const literal = [
  "cmd:echo hunter2pass",
  "cmd:/bin/echo hunter2pass",
  "cmd:printf %s hunter2pass",
  'cmd:sh -c "echo hunter2pass"',
  "cmd:smtp-helper --token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
];
for (const ref of literal) {
  test(`literalInReference() finds the secret written into ${JSON.stringify(ref.slice(0, 24))}`, () =>
    assert.ok(literalInReference(ref)));
}
for (
  const ref of ["cmd:pass show smtp/work", 'cmd:op read "op://Private/SMTP relay/password"', "cmd:echo", "env:ECHO"]
) {
  test(`literalInReference() leaves ${JSON.stringify(ref)} alone`, () =>
    assert.equal(literalInReference(ref), undefined));
}

test("findSecretsInProse() skips the blocks and reports 1-based lines", () => {
  const text = "# T\n\n```yaml smtpilot:x\nsecret: env:A\n```\n\nold password: Tr0ub4dor&3\n";
  const start = text.indexOf("```");
  const end = text.indexOf("```\n", start + 3) + 4;
  assert.deepEqual(findSecretsInProse(text, [[start, end]]).map((f) => f.line), [7]);
});
