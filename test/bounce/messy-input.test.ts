import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import fc from "fast-check";
import { analyzeMessage, type BounceMessage } from "../../core/bounce/analyze-message.ts";
import { MessageSplitter } from "../../core/bounce/message-splitter.ts";

function analyze(bytes: Buffer, chunk = 4096): BounceMessage[] {
  const out: BounceMessage[] = [];
  const s = new MessageSplitter("mem", (root, source) => out.push(analyzeMessage(root, source)));
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
  s.end();
  return out;
}

const SAMPLE = fs.readFileSync("test/data/bounces/postfix/user-unknown.eml");
const summary = (m: BounceMessage[]) =>
  m.map((x) => [x.kind, x.originalMessageId, x.recipients.map((r) => [r.address, r.reason, r.status, r.diagnostic])]);

test("bounce reads the same bounce alike with LF, CRLF and lone CR line ends, in chunks of any size", () => {
  const lf = SAMPLE.toString("latin1").replace(/\r\n?/g, "\n");
  const expected = summary(analyze(Buffer.from(lf, "latin1")));
  assert.equal(expected[0]?.[0], "dsn");
  for (const ending of ["\r\n", "\r"]) {
    for (const chunk of [1, 7, 4096]) {
      assert.deepEqual(
        summary(analyze(Buffer.from(lf.replace(/\n/g, ending), "latin1"), chunk)),
        expected,
        `${JSON.stringify(ending)} ${chunk}`,
      );
    }
  }
});

test("bounce still reads a bounce cut off in the middle of its returned part", () => {
  const text = SAMPLE.toString("latin1");
  const cut = text.slice(0, text.indexOf("Content-Description: Undelivered Message") + 30);
  const [m] = analyze(Buffer.from(cut, "latin1"));
  assert.equal(m?.kind, "dsn");
  assert.equal(m?.recipients[0]?.reason, "userunknown");
});

test("bounce streams a 200 MB attachment in bounded memory and still reads the report", () => {
  const head = Buffer.from(
    "From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n" +
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n--B\nContent-Type: text/plain\n\n' +
      "The mail system\n\n<big@example.net>: host mx said: 552 5.2.2 mailbox full\n\n--B\n" +
      "Content-Type: message/delivery-status\n\nReporting-MTA: dns; example.org\n\nFinal-Recipient: rfc822; big@example.net\n" +
      "Action: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 mailbox full\n\n--B\nContent-Type: message/rfc822\n\n" +
      'Message-ID: <huge@example.org>\nContent-Type: multipart/mixed; boundary="C"\n\n--C\nContent-Type: application/pdf\n' +
      "Content-Transfer-Encoding: base64\n\n",
  );
  const line = Buffer.from(`${"QUJD".repeat(19)}\n`); // 77 bytes, like base64 MIME lines
  const block = Buffer.concat(Array.from({ length: 13_000 }, () => line)); // ~1 MB
  const out: BounceMessage[] = [];
  const s = new MessageSplitter("huge", (root, source) => out.push(analyzeMessage(root, source)));
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = 0;
  s.push(head);
  for (let i = 0; i < 200; i++) {
    s.push(block);
    if (i % 20 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
  }
  s.push(Buffer.from("--C--\n--B--\n"));
  s.end();
  assert.equal(out[0]?.kind, "dsn");
  assert.equal(out[0]?.originalMessageId, "<huge@example.org>");
  assert.equal(out[0]?.recipients[0]?.reason, "mailboxfull");
  assert.ok(peak < 64 * 1024 * 1024, `heap grew by ${Math.round(peak / 1e6)} MB while reading 200 MB`);
});

test("bounce survives a 10 MB line without line ends, and binary garbage, without throwing", () => {
  const [m] = analyze(Buffer.alloc(10 * 1024 * 1024, 0x41));
  assert.equal(m?.kind, "not-bounce");
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
      analyze(Buffer.from(bytes), 97);
    }),
    { numRuns: 300 },
  );
});

test("bounce survives hostile MIME: endless nesting, thousands of parts, boundaries that never close", () => {
  let nested = 'From: MAILER-DAEMON@x\nContent-Type: multipart/mixed; boundary="b0"\n\n';
  for (let i = 0; i < 50; i++) nested += `--b${i}\nContent-Type: multipart/mixed; boundary="b${i + 1}"\n\n`;
  assert.doesNotThrow(() => analyze(Buffer.from(nested)));
  let many = 'From: MAILER-DAEMON@x\nContent-Type: multipart/report; report-type=delivery-status; boundary="z"\n\n';
  for (let i = 0; i < 5000; i++) many += `--z\nContent-Type: text/plain\n\npart ${i}\n`;
  const [m] = analyze(Buffer.from(many));
  assert.ok(m);
});

test("bounce decodes encoded-word and 8-bit headers and quoted-printable, base64 and Latin-1 parts", () => {
  const [m] = analyze(fs.readFileSync("test/data/bounces/providers/broken-mime-encoded-8bit.eml"));
  assert.equal(m?.recipients[0]?.address, "müller@beispiel.example");
  assert.equal(m?.originalMessageId, "<gruesse-koeln@example.org>");
});

test("bounce names a complaint's recipient from the returned message when Original-Rcpt-To is missing", () => {
  const arf = fs.readFileSync("test/data/bounces/providers/arf-complaint.eml", "latin1").replace(
    /^Original-Rcpt-To:.*\n/m,
    "",
  );
  const [m] = analyze(Buffer.from(arf, "latin1"));
  assert.equal(m?.kind, "feedback");
  assert.deepEqual(m?.recipients.map((r) => [r.address, r.reason]), [["annoyed@mailbox.example", "feedback"]]);
});
