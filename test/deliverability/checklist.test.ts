/**
 * The received canary's checklist on messages signed by a real DKIM signer
 * (mailauth's dkimSign, keys generated here) and judged by a real verifier
 * (mailauth's authenticate, as a receiving MX runs it), its
 * Authentication-Results and a Postfix-worded Received field on top: each
 * line's code and status, and which provider rules they meet.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { authenticate, dkimSign, sealMessage } from "mailauth";
import { mailauthResolver, readReceivedCopy } from "../../core/deliverability/received-copy.ts";
import { buildChecklist, type Checklist } from "../../core/deliverability/checklist.ts";
import { fakeDns, type FakeName } from "../domain/fake-dns.ts";

function rsaKey(bits: number) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const p = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  return { pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), txt: `v=DKIM1; k=rsa; p=${p}` };
}

const k2048 = rsaKey(2048);
const k1024 = rsaKey(1024);
const ZONE: Record<string, FakeName> = {
  "s2048._domainkey.shop.test": { TXT: [k2048.txt] },
  "s1024._domainkey.shop.test": { TXT: [k1024.txt] },
  "s2048._domainkey.esp.test": { TXT: [k2048.txt] },
  "shop.test": { TXT: ["v=spf1 ip4:192.0.2.10 -all"] },
  "bounce.esp.test": { TXT: ["v=spf1 ip4:192.0.2.10 -all"] },
  "_dmarc.shop.test": { TXT: ["v=DMARC1; p=none"] },
};
const dns = fakeDns(ZONE);

const HEAD = [
  "From: Shop <news@shop.test>",
  "To: canary@inbox.test",
  "Subject: News",
  "Date: " + new Date().toUTCString().replace("GMT", "+0000"),
  "Message-ID: <abc123@shop.test>",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
];
const ONE_CLICK = [
  "List-Unsubscribe: <https://shop.test/u/1>, <mailto:u@shop.test>",
  "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
];

/** Signs, then plays the receiver: authenticate() and a Received field with Postfix's TLS wording. */
async function received(opts: {
  extra?: string[];
  key?: { pem: string; selector: string; domain: string };
  /** Header fields the signer leaves out of h=. */
  unsigned?: string[];
  mailFrom?: string;
  tls?: boolean;
}): Promise<Buffer> {
  const raw = [...HEAD, ...(opts.extra ?? []), "", "Hello.", ""].join("\r\n");
  const key = opts.key ?? { pem: k2048.pem, selector: "s2048", domain: "shop.test" };
  const names = raw.split("\r\n\r\n")[0]!.split("\r\n").map((l) => l.slice(0, l.indexOf(":")))
    .filter((n) => !(opts.unsigned ?? []).includes(n.toLowerCase()));
  const signature = {
    signingDomain: key.domain,
    selector: key.selector,
    privateKey: key.pem,
    algorithm: "rsa-sha256",
    canonicalization: "relaxed/relaxed",
    headerList: names.join(":"),
  };
  // mailauth signs what signatureData lists (the top-level fields alone sign nothing).
  const signed = await dkimSign(raw, { ...signature, signatureData: [signature] });
  const message = signed.signatures + raw;
  const mailFrom = opts.mailFrom ?? "bounce@shop.test";
  const auth = await authenticate(message, {
    ip: "192.0.2.10",
    helo: "mail.shop.test",
    sender: mailFrom,
    mta: "mx.inbox.test",
    resolver: mailauthResolver(dns),
    disableBimi: true,
  });
  const rcvd = `Received: from mail.shop.test (mail.shop.test [192.0.2.10])\r\n` +
    (opts.tls === false ? "" : `\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n`) +
    `\tby mx.inbox.test (Postfix) with ${opts.tls === false ? "ESMTP" : "ESMTPS"} id 4Q1\r\n` +
    `\tfor <canary@inbox.test>; ${new Date().toUTCString().replace("GMT", "+0000")}\r\n`;
  return Buffer.from(`Return-Path: <${mailFrom}>\r\n${auth.headers}${rcvd}${message}`);
}

const statusOf = (c: Checklist, code: string) => c.lines.filter((l) => l.code === code).map((l) => l.status);
const check = async (source: Buffer, folder: "inbox" | "spam" = "inbox") =>
  buildChecklist(await readReceivedCopy(source, dns), { folder });

test("a signed, aligned, one-click canary passes every line and meets Gmail's, Yahoo's and Outlook.com's bulk rules", async () => {
  const c = await check(await received({ extra: ONE_CLICK }));
  for (const line of c.lines) assert.equal(line.status, "pass", `${line.code}: ${line.summary}`);
  for (const p of c.providers) assert.deepEqual(p.missed, [], p.provider);
  const key = c.lines.find((l) => l.code === "canary.dkim-key");
  assert.match(key!.summary, /d=shop\.test s=s2048 a=rsa-sha256 2048-bit key/);
});

test("List-Unsubscribe left out of h= fails coverage and one-click, and Gmail's one-click rule is missed", async () => {
  const c = await check(await received({ extra: ONE_CLICK, unsigned: ["list-unsubscribe", "list-unsubscribe-post"] }));
  assert.deepEqual(statusOf(c, "canary.dkim-coverage"), ["fail"]);
  assert.deepEqual(statusOf(c, "canary.one-click-unsubscribe"), ["fail"]);
  assert.deepEqual(statusOf(c, "canary.dkim"), ["pass"]);
  const gmail = c.providers.find((p) => p.provider === "gmail")!;
  assert.deepEqual(gmail.missed, ["gmail.one-click-unsubscribe"]);
});

test("no List-Unsubscribe warns, an http one or a wrong Post value fails", async () => {
  assert.deepEqual(statusOf(await check(await received({})), "canary.one-click-unsubscribe"), ["warn"]);
  const http = await check(await received({ extra: ["List-Unsubscribe: <http://shop.test/u/1>", ONE_CLICK[1]!] }));
  assert.deepEqual(statusOf(http, "canary.one-click-unsubscribe"), ["fail"]);
  const post = await check(await received({ extra: [ONE_CLICK[0]!, "List-Unsubscribe-Post: yes"] }));
  assert.deepEqual(statusOf(post, "canary.one-click-unsubscribe"), ["fail"]);
});

test("a 1024-bit key warns; a signature by another domain with an unaligned envelope fails alignment", async () => {
  const weak = await check(await received({ key: { pem: k1024.pem, selector: "s1024", domain: "shop.test" } }));
  assert.deepEqual(statusOf(weak, "canary.dkim-key"), ["warn"]);
  assert.match(weak.lines.find((l) => l.code === "canary.dkim-key")!.summary, /1024-bit/);
  const esp = await check(
    await received({ key: { pem: k2048.pem, selector: "s2048", domain: "esp.test" }, mailFrom: "b@bounce.esp.test" }),
  );
  assert.deepEqual(statusOf(esp, "canary.alignment"), ["fail"]);
  assert.deepEqual(statusOf(esp, "canary.dmarc"), ["fail"]);
  assert.deepEqual(statusOf(esp, "canary.dkim"), ["pass"]);
  assert.deepEqual(statusOf(esp, "canary.return-path"), ["warn"]);
  for (const p of esp.providers) assert.ok(p.missed.includes(`${p.provider}.dmarc-alignment`), p.provider);
});

test("no TLS on the last hop fails canary.tls and Gmail's TLS rule; spam fails canary.folder", async () => {
  const c = await check(await received({ tls: false }), "spam");
  assert.deepEqual(statusOf(c, "canary.tls"), ["fail"]);
  assert.deepEqual(statusOf(c, "canary.folder"), ["fail"]);
  assert.ok(c.providers.find((p) => p.provider === "gmail")!.missed.includes("gmail.tls"));
});

test("a message without any Authentication-Results says so (none), not pass", async () => {
  const raw = [...HEAD, "", "Hi", ""].join("\r\n");
  const c = await check(Buffer.from(raw));
  assert.deepEqual(statusOf(c, "canary.spf"), ["none"]);
  assert.deepEqual(statusOf(c, "canary.dkim"), ["none"]);
  assert.deepEqual(statusOf(c, "canary.dkim-coverage"), ["none"]);
  assert.deepEqual(statusOf(c, "canary.from"), ["pass"]);
});

test("two From fields, a malformed Message-ID and an unparsable Date fail their lines", async () => {
  const raw = ["From: a@shop.test", "From: b@shop.test", "Message-ID: nope", "Date: yesterday-ish", "", "x", ""]
    .join("\r\n");
  const c = await check(Buffer.from(raw));
  assert.deepEqual(statusOf(c, "canary.from"), ["fail"]);
  assert.deepEqual(statusOf(c, "canary.message-id"), ["fail"]);
  assert.deepEqual(statusOf(c, "canary.date"), ["fail"]);
});

test("ARC from a forwarder: the forwarder seals (mailauth), the final receiver's arc=pass and the chain are the canary.arc line", async () => {
  const arcKey = rsaKey(2048);
  const forwarderDns = fakeDns({ ...ZONE, "arc._domainkey.fwd.test": { TXT: [arcKey.txt] } });
  const first = await received({ extra: ONE_CLICK });
  // The forwarder (a mailing list) verifies what it got, rewrites the Subject (breaking DKIM), and seals
  // the result with the verdicts it saw on arrival.
  const arrival = await authenticate(first, {
    ip: "192.0.2.10",
    helo: "mail.shop.test",
    sender: "bounce@shop.test",
    mta: "fwd.test",
    resolver: mailauthResolver(forwarderDns),
    disableBimi: true,
  });
  assert.ok(arrival.arc && arrival.arc.authResults);
  const rewritten = first.toString("latin1").replace("Subject: News", "Subject: [list] News");
  const sealHeaders = await sealMessage(rewritten, {
    signingDomain: "fwd.test",
    selector: "arc",
    privateKey: arcKey.pem,
    authResults: arrival.arc.authResults,
    cv: "none",
  });
  const forwarded = Buffer.from(sealHeaders.toString("latin1") + rewritten);
  const final = await authenticate(forwarded, {
    ip: "198.51.100.7",
    helo: "fwd.test",
    sender: "list-bounces@fwd.test",
    mta: "mx.final.test",
    resolver: mailauthResolver(forwarderDns),
    disableBimi: true,
  });
  const source = Buffer.from(final.headers + forwarded.toString("latin1"));
  const c = buildChecklist(await readReceivedCopy(source, forwarderDns), { folder: "inbox" });
  const arc = c.lines.find((l) => l.code === "canary.arc")!;
  assert.equal(arc.status, "pass", arc.summary);
  assert.match(arc.evidence.join(" "), /i=1 d=fwd\.test cv=none/);
  assert.deepEqual(statusOf(c, "canary.dkim"), ["fail"]); // the Subject changed after signing
});

test("the last hop's evidence masks the recipient, as the send log masks recipients", async () => {
  const c = await check(await received({}));
  const tls = c.lines.find((l) => l.code === "canary.tls")!;
  assert.ok(!tls.evidence.join(" ").includes("canary@inbox.test"), tls.evidence.join(" "));
  assert.match(tls.evidence.join(" "), /for <c\S*@inbox\.test>/);
});

test("hostile copies: control characters are made printable; of 300 signatures 5 are looked up and shown", async () => {
  const esc = Buffer.from(
    "From: \x1b[31m<a@shop.test>\r\nAuthentication-Results: x; spf=pass smtp.mailfrom=b\x1b]0;pwn\x07@shop.test\r\n" +
      "List-Unsubscribe: <https://shop.test/\u202eu>\r\n\r\nx",
  );
  const c = await check(esc);
  // deno-lint-ignore no-control-regex
  for (const l of c.lines) assert.doesNotMatch(`${l.summary}${l.evidence.join("")}`, /[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  const raw = [...HEAD, "", "x", ""].join("\r\n");
  const sigs = Array.from(
    { length: 300 },
    (_, i) => ({ signingDomain: `d${i}.test`, selector: "s", privateKey: k1024.pem }),
  );
  const many = (await dkimSign(raw, { ...sigs[0]!, signatureData: sigs })).signatures;
  const counted = fakeDns({});
  const copy = await readReceivedCopy(Buffer.from(many + raw), counted);
  assert.equal(copy.dkim.length, 5);
  assert.ok(counted.queries.length > 0 && counted.queries.length <= 5, `${counted.queries.length} DNS queries`);
  const c2 = buildChecklist(copy, { folder: "inbox" });
  assert.equal(c2.lines.filter((l) => l.code === "canary.dkim-key").length, 5);
});
