/**
 * DKIM keys (type, size, testing, revoked, syntax) and signature
 * verification of messages signed by nodemailer, an independent signer:
 * valid, body changed, header changed, wrong key, Ed25519 keys.
 */
import assert from "node:assert/strict";
import { createHash, createSign, generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import nodemailer from "nodemailer";
import { auditDkimKeys, parseDkimKey } from "../../core/domain/dkim-key.ts";
import { canonicalBody, dkimSignatures, splitMessage, verifyDkim } from "../../core/domain/dkim-verify.ts";
import { fakeDns } from "./fake-dns.ts";

const _rsa = (bits: number) => generateKeyPairSync("rsa", { modulusLength: bits });
const _p = (k: ReturnType<typeof _rsa>) => k.publicKey.export({ format: "der", type: "spki" }).toString("base64");

test("parseDkimKey() measures RSA and Ed25519 keys and flags testing and revoked keys", () => {
  assert.equal(parseDkimKey(`v=DKIM1; k=rsa; p=${_p(_rsa(1024))}`, "s", "n").bits, 1024);
  const ed = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const edKey = parseDkimKey(`v=DKIM1; k=ed25519; p=${ed.toString("base64")}`, "s", "n");
  assert.equal(edKey.bits, 256);
  assert.deepEqual(edKey.problems, []);
  assert.equal(parseDkimKey("v=DKIM1; t=y:s; p=", "s", "n").revoked, true);
  assert.equal(parseDkimKey("v=DKIM1; t=y:s; p=", "s", "n").testing, true);
  assert.equal(parseDkimKey("k=dsa; p=AAAA", "s", "n").problems.length, 1);
});

test("auditDkimKeys() grades key sizes and says when it guessed", async () => {
  const dns = fakeDns({
    "a._domainkey.example.com": { TXT: [[`v=DKIM1; p=${_p(_rsa(512))}`]] },
    "b._domainkey.example.com": { TXT: [`v=DKIM1; p=${_p(_rsa(1024))}`] },
    "c._domainkey.example.com": { TXT: [`v=DKIM1; p=${_p(_rsa(2048))}`] },
  });
  const r = await auditDkimKeys(dns, "example.com", ["a", "b", "c", "d"], false);
  assert.deepEqual(r.findings.map((f) => f.code), ["dkim.key-too-short", "dkim.key-weak", "dkim.key-found"]);
  const none = await auditDkimKeys(dns, "example.com", ["x"], true);
  assert.deepEqual(none.findings.map((f) => [f.code, f.severity]), [["dkim.selectors-guessed", "info"], [
    "dkim.not-found",
    "warning",
  ]]);
  const asked = await auditDkimKeys(dns, "example.com", ["x"], false);
  assert.equal(asked.findings[0]?.severity, "error");
});

test("canonicalBody() follows RFC 6376 §3.4.3 and §3.4.4 for empty and trailing lines", () => {
  assert.equal(canonicalBody("", "simple"), "\r\n");
  assert.equal(canonicalBody("", "relaxed"), "");
  assert.equal(canonicalBody(" C \r\nD \t E\r\n\r\n\r\n", "relaxed"), " C\r\nD E\r\n");
  assert.equal(canonicalBody(" C \r\nD \t E\r\n\r\n\r\n", "simple"), " C \r\nD \t E\r\n");
});

async function _signed(key: ReturnType<typeof _rsa>["privateKey"], domain = "example.com"): Promise<string> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await t.sendMail({
    from: `a@${domain}`,
    to: "b@example.net",
    subject: "Quarterly   report",
    text: "Line one  \nLine two\n\n\n",
    dkim: {
      domainName: domain,
      keySelector: "s1",
      privateKey: key.export({ format: "pem", type: "pkcs8" }).toString(),
    },
  });
  return (info.message as Buffer).toString();
}

test("a key restricted to h=sha1 is unusable (RFC 8301), and a signature its h= does not allow fails", async () => {
  const key = _rsa(2048);
  const dns = fakeDns({
    "old._domainkey.example.com": { TXT: [`v=DKIM1; h=sha1; k=rsa; p=${_p(key)}`] },
    "both._domainkey.example.com": { TXT: [`v=DKIM1; h=sha1:sha256; k=rsa; p=${_p(key)}`] },
  });
  const r = await auditDkimKeys(dns, "example.com", ["old", "both"], false);
  assert.deepEqual(r.findings.map((f) => f.code), ["dkim.hash-unusable", "dkim.key-found"]);
  assert.ok(!r.findings[0]?.fix?.includes("h="), "the fix drops h=");
  const m = splitMessage((await _signed(key.privateKey)).replace(/s=s1/, "s=old"));
  const [sig] = dkimSignatures(m.headers);
  assert.ok(sig);
  assert.equal((await verifyDkim(dns, m.headers, m.body, sig)).result, "fail");
});

test("verifyDkim() passes a nodemailer signature and fails changed bodies, headers and keys", async () => {
  const key = _rsa(2048);
  const dns = fakeDns({ "s1._domainkey.example.com": { TXT: [[`v=DKIM1; k=rsa; p=${_p(key)}`]] } });
  const check = async (text: string) => {
    const m = splitMessage(text);
    const [sig] = dkimSignatures(m.headers);
    assert.ok(sig);
    return (await verifyDkim(dns, m.headers, m.body, sig)).result;
  };
  const text = await _signed(key.privateKey);
  assert.equal(await check(text), "pass");
  assert.equal(await check(text.replace(/\n/g, "\r\n")), "pass");
  assert.equal(await check(text.replace("Line two", "Line 2")), "body-hash-mismatch");
  assert.equal(await check(text.replace("Quarterly", "Yearly")), "fail");
  assert.equal(await check(await _signed(_rsa(2048).privateKey)), "fail");
  assert.equal(await check((await _signed(key.privateKey, "other.example")).replace(/s=s1/, "s=s1")), "no-key");
});

test("verifyDkim() checks simple/simple signatures built by the RFC 6376 recipe", async () => {
  const key = _rsa(2048);
  const body = "Hi there\r\n\r\n\r\n";
  const bh = createHash("sha256").update("Hi there\r\n").digest("base64");
  const head =
    `DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=example.com; s=s1;\r\n h=From:Subject; bh=${bh}; b=`;
  const signedData = "From: a@example.com\r\nSubject:  Hello  \r\n" + head;
  const b = createSign("sha256").update(signedData).sign(key.privateKey).toString("base64");
  const message = `${head}${b.slice(0, 40)}\r\n ${
    b.slice(40)
  }\r\nFrom: a@example.com\r\nSubject:  Hello  \r\n\r\n${body}`;
  const dns = fakeDns({ "s1._domainkey.example.com": { TXT: [[`v=DKIM1; p=${_p(key)}`]] } });
  const check = async (text: string) => {
    const m = splitMessage(text);
    const [sig] = dkimSignatures(m.headers);
    assert.ok(sig);
    return (await verifyDkim(dns, m.headers, m.body, sig)).result;
  };
  assert.equal(await check(message), "pass");
  assert.equal(await check(message.replace("Subject:  Hello  ", "Subject: Hello")), "fail");
});
