// SMTP URLs as each library reads them: the same scheme means different TLS modes to Symfony,
// Django's readers and Nodemailer, and the password is never kept — only that there is one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isNonSmtpUrl, isSmtpUrl, parseSmtpUrl, type UrlDialect, urlPassword } from "../../core/doctor/smtp-url.ts";

const CASES: [string, UrlDialect, { host: string; port?: number; tls: string }][] = [
  ["smtps://u:p@smtp.example.com:587", "symfony", { host: "smtp.example.com", port: 587, tls: "implicit" }],
  ["smtp://u:p@smtp.example.com:465", "symfony", { host: "smtp.example.com", port: 465, tls: "implicit" }],
  ["smtp://smtp.example.com", "symfony", { host: "smtp.example.com", port: 465, tls: "implicit" }],
  ["smtp://localhost", "symfony", { host: "localhost", port: 25, tls: "starttls-if-offered" }],
  ["smtp://u:p@smtp.example.com:587?auto_tls=false", "symfony", { host: "smtp.example.com", port: 587, tls: "none" }],
  ["smtp://smtp.example.com:587?require_tls=true", "symfony", { host: "smtp.example.com", port: 587, tls: "starttls" }],
  ["ses+smtp://AKIA:s@default?region=us-east-1", "symfony", {
    host: "email-smtp.us-east-1.amazonaws.com",
    port: 465,
    tls: "implicit",
  }],
  ["gmail+smtp://me%40gmail.com:p@default", "symfony", { host: "smtp.gmail.com", port: 465, tls: "implicit" }],
  ["postmark+smtp://ID@default", "symfony", { host: "smtp.postmarkapp.com", port: 587, tls: "starttls-if-offered" }],
  ["smtps://u:p@smtp.example.com:465", "django", { host: "smtp.example.com", port: 465, tls: "starttls" }],
  ["smtp+ssl://u:p@smtp.example.com:465", "django", { host: "smtp.example.com", port: 465, tls: "implicit" }],
  ["smtp://smtp.example.com:587", "django", { host: "smtp.example.com", port: 587, tls: "none" }],
  ["smtp://smtp.example.com:587?tls=True", "django", { host: "smtp.example.com", port: 587, tls: "starttls" }],
  ["smtps://u:p@smtp.example.com", "nodemailer", { host: "smtp.example.com", port: 465, tls: "implicit" }],
  ["smtp://u:p@smtp.example.com", "nodemailer", { host: "smtp.example.com", port: 587, tls: "starttls-if-offered" }],
  ["submission://smtp.example.com", "generic", { host: "smtp.example.com", port: 587, tls: "starttls" }],
  ["submissions://smtp.example.com", "generic", { host: "smtp.example.com", port: 465, tls: "implicit" }],
  ["smtp://[::1]:2525", "generic", { host: "::1", port: 2525, tls: "starttls-if-offered" }],
];

for (const [url, dialect, want] of CASES) {
  test(`${dialect} reads ${url} as ${want.tls} to ${want.host}:${want.port}`, () => {
    const got = parseSmtpUrl(url, dialect);
    assert.ok(isSmtpUrl(got), JSON.stringify(got));
    assert.deepEqual({ host: got.host, port: got.port ?? got.defaultPort, tls: got.tls }, want);
  });
}

test("the password is masked, kept out of the result, and given only to a settings: reference", () => {
  const url = "smtp://user%40x.com:p%2Fa@ss+w0rd@smtp.example.com:587?verify_peer=0";
  const got = parseSmtpUrl(url, "symfony");
  assert.ok(isSmtpUrl(got));
  assert.equal(got.user, "user@x.com");
  assert.equal(got.hasPassword, true);
  assert.equal(got.masked, "smtp://user%40x.com:****@smtp.example.com:587?verify_peer=0");
  assert.equal(got.verifyOff, "verify_peer=0");
  assert.ok(!JSON.stringify(got).includes("ss+w0rd"));
  assert.equal(urlPassword("smtp://u:p%2Fa+b@h:1"), "p/a+b");
  assert.equal(urlPassword("smtp://u@h:1"), undefined);
});

test("transports that are not SMTP are named for what they do; unknown schemes are problems", () => {
  assert.ok(isNonSmtpUrl(parseSmtpUrl("null://null", "symfony")));
  assert.ok(isNonSmtpUrl(parseSmtpUrl("consolemail://", "django")));
  assert.match(String((parseSmtpUrl("http://x", "generic") as { problem?: string }).problem), /scheme http/);
  assert.match(String((parseSmtpUrl("acme+smtp://u:p@default", "symfony") as { problem?: string }).problem), /acme/);
});
