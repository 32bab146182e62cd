// parseAuthResults() reads the receiver's verdicts the way Gmail, Microsoft 365 / Outlook.com,
// Fastmail and Yahoo write Authentication-Results (RFC 8601): folded across lines, comments in
// parentheses, properties after each result, several methods and signatures in one field. The
// header blocks below follow those providers' published and commonly seen formats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAuthResults } from "../../core/send/placement.ts";

const verdicts = (headers: string) => {
  const { spf, dkim, dmarc } = parseAuthResults(headers);
  return { spf, dkim, dmarc };
};

test("parseAuthResults() reads Gmail's folded header with comments (pass, pass, pass)", () => {
  const gmail = [
    "Authentication-Results: mx.google.com;",
    "       dkim=pass header.i=@example.com header.s=s1 header.b=Zd8KhzN3;",
    "       dkim=pass header.i=@amazonses.com header.s=224i4yxa5dv7c2xz3womw6peuasteono header.b=Qm7i6xXx;",
    "       spf=pass (google.com: domain of 0100018c@bounces.example.com designates 54.240.8.1 as permitted sender) smtp.mailfrom=0100018c@bounces.example.com;",
    "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com",
    "",
  ].join("\r\n");
  assert.deepEqual(verdicts(gmail), { spf: "pass", dkim: "pass", dmarc: "pass" });
  assert.equal(parseAuthResults(gmail).raw.length, 1);
});

test("parseAuthResults() reads Gmail's failures: softfail, neutral DKIM, DMARC fail", () => {
  const gmail = [
    "Authentication-Results: mx.google.com;",
    "       dkim=neutral (body hash did not verify) header.i=@example.com header.s=s1 header.b=AbC;",
    "       spf=softfail (google.com: domain of transitioning app@example.com does not designate 203.0.113.9 as permitted sender) smtp.mailfrom=app@example.com;",
    "       dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=example.com",
  ].join("\r\n");
  assert.deepEqual(verdicts(gmail), { spf: "softfail", dkim: "neutral", dmarc: "fail" });
});

test("parseAuthResults() reads Microsoft's header without authserv-id and with ';' glued to the next method", () => {
  const outlook = [
    "Authentication-Results: spf=pass (sender IP is 209.85.220.41)",
    " smtp.mailfrom=example.com; dkim=pass (signature was verified)",
    " header.d=example.com;dmarc=bestguesspass action=none",
    " header.from=example.com;compauth=pass reason=109",
    "Authentication-Results-Original: spf=fail (sender IP is 198.51.100.1) smtp.mailfrom=example.com; dkim=fail; dmarc=fail",
    "ARC-Authentication-Results: i=1; mx.microsoft.com 1; spf=none; dkim=none; dmarc=none",
  ].join("\r\n");
  assert.deepEqual(verdicts(outlook), { spf: "pass", dkim: "pass", dmarc: "bestguesspass" });
  // Only the Authentication-Results field itself counts, not its -Original or ARC- relatives.
  assert.equal(parseAuthResults(outlook).raw.length, 1);
});

test("parseAuthResults() reads Fastmail's long properties and Yahoo's dmarc=pass(p=REJECT)", () => {
  const fastmail = [
    "Authentication-Results: mx3.messagingengine.com;",
    "    dkim=pass (2048-bit rsa key sha256) header.d=example.com",
    "      header.i=@example.com header.b=AbCdEf header.a=rsa-sha256",
    "      header.s=s1 x-bits=2048;",
    "    dmarc=pass policy.published-domain-policy=reject",
    "      policy.applied-disposition=none policy.evaluated-disposition=none",
    "      (p=reject,d=none,d.eval=none) policy.policy-from=p",
    "      header.from=example.com;",
    "    iprev=pass smtp.remote-ip=192.0.2.7 (mail.example.com);",
    "    spf=pass smtp.mailfrom=bounce@example.com",
    "      smtp.helo=mail.example.com",
  ].join("\r\n");
  assert.deepEqual(verdicts(fastmail), { spf: "pass", dkim: "pass", dmarc: "pass" });
  const yahoo = "Authentication-Results: atlas-production.v2.mail.yahoo.com;\r\n dkim=pass header.i=@example.com " +
    "header.s=s1;\r\n spf=pass smtp.mailfrom=example.com;\r\n dmarc=pass(p=REJECT) header.from=example.com;";
  assert.deepEqual(verdicts(yahoo), { spf: "pass", dkim: "pass", dmarc: "pass" });
});

test("parseAuthResults() takes the topmost field (the receiver's own) before fields further down", () => {
  const headers = [
    "Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=example.com; dkim=fail header.d=example.com; dmarc=fail header.from=example.com",
    "Authentication-Results: mx.relay.example; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass header.from=example.com",
  ].join("\r\n");
  assert.deepEqual(verdicts(headers), { spf: "fail", dkim: "fail", dmarc: "fail" });
  assert.equal(parseAuthResults(headers).raw.length, 2);
});

test("parseAuthResults() reports nothing for 'none', for a missing header, and never crashes on hostile text", () => {
  assert.deepEqual(verdicts("Authentication-Results: example.org 1; none"), {
    spf: undefined,
    dkim: undefined,
    dmarc: undefined,
  });
  assert.deepEqual(parseAuthResults(""), { raw: [] });
  assert.deepEqual(parseAuthResults("Received: from x\r\nSubject: spf=pass\r\n"), { raw: [] });
  const hostile = `Authentication-Results: x; spf=pass\x1b[2J\x07 ${"A".repeat(100_000)}`;
  const parsed = parseAuthResults(hostile);
  assert.equal(parsed.spf, "pass");
  const controls = [...parsed.raw.join("")].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  assert.ok(parsed.raw.every((r) => r.length <= 600), "raw text is bounded");
  assert.deepEqual(controls, [], "raw text is printable");
});

test("parseAuthResults() trusts only the topmost field: a forged one below cannot supply a verdict", () => {
  const r = parseAuthResults(
    "Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=example.com\r\n" +
      "Authentication-Results: mx.receiver.example; dkim=pass header.d=example.com; dmarc=pass header.from=example.com\r\n",
  );
  assert.equal(r.spf, "pass");
  assert.equal(r.dkim, undefined);
  assert.equal(r.dmarc, undefined);
});
