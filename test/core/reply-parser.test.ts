import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_LINE_BYTES, MAX_REPLY_LINES, ReplyParser } from "../../core/smtp/reply-parser.ts";

const feed = (text: string | Buffer) => {
  const p = new ReplyParser();
  const replies = p.push(Buffer.isBuffer(text) ? text : Buffer.from(text, "latin1"));
  return { p, replies };
};

const valid: { name: string; input: string; codes: number[]; enhanced?: string }[] = [
  { name: "single line", input: "220 mail.example.com ESMTP\r\n", codes: [220] },
  { name: "multi-line EHLO", input: "250-mail.example.com\r\n250-SIZE 100\r\n250 STARTTLS\r\n", codes: [250] },
  { name: "bare LF line ends", input: "250 ok\n354 go\n", codes: [250, 354] },
  { name: "code without text", input: "250\r\n", codes: [250] },
  { name: "enhanced code", input: "550 5.1.1 <x@y>: User unknown\r\n", codes: [550], enhanced: "5.1.1" },
];

for (const c of valid) {
  test(`ReplyParser parses ${c.name}`, () => {
    const { p, replies } = feed(c.input);
    assert.equal(p.violation, undefined);
    assert.deepEqual(replies.map((r) => r.code), c.codes);
    if (c.enhanced) assert.equal(replies[0]?.enhanced, c.enhanced);
  });
}

const invalid: { name: string; input: string | Buffer; kind: string }[] = [
  { name: "non-numeric code", input: "2x0 hello\r\n", kind: "not-a-reply" },
  { name: "another protocol", input: "SSH-2.0-OpenSSH_9.2p1\r\n", kind: "not-a-reply" },
  { name: "a line longer than the limit", input: `220 ${"a".repeat(MAX_LINE_BYTES + 10)}\r\n`, kind: "line-too-long" },
  { name: "an endless line without CRLF", input: `220 ${"a".repeat(MAX_LINE_BYTES + 10)}`, kind: "line-too-long" },
  { name: "endless continuation lines", input: "250-x\r\n".repeat(MAX_REPLY_LINES + 5), kind: "too-many-lines" },
  { name: "codes changing mid-reply", input: "250-x\r\n251 y\r\n", kind: "inconsistent-code" },
];

for (const c of invalid) {
  test(`ReplyParser reports ${c.kind} for ${c.name}`, () => {
    const { p } = feed(c.input);
    assert.equal(p.violation?.kind, c.kind);
  });
}

test("ReplyParser splits a reply across arbitrary chunk boundaries", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 20 }), (cuts) => {
      const text = Buffer.from("250-mail.example.com\r\n250-PIPELINING\r\n250 SIZE 1000\r\n220 ready\r\n");
      const p = new ReplyParser();
      const codes: number[] = [];
      let at = 0;
      for (const cut of cuts) {
        codes.push(...p.push(text.subarray(at, Math.min(text.length, at + cut))).map((r) => r.code));
        at = Math.min(text.length, at + cut);
      }
      codes.push(...p.push(text.subarray(at)).map((r) => r.code));
      assert.deepEqual(codes, [250, 220]);
    }),
  );
});

test("ReplyParser keeps its buffer bounded for any byte stream", () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 4096 }), { maxLength: 40 }), (chunks) => {
      const p = new ReplyParser();
      for (const c of chunks) p.push(Buffer.from(c));
      // Whatever waits for a line end stays under the limit, violation or not.
      assert.ok(p.pendingBytes <= MAX_LINE_BYTES);
    }),
    { numRuns: 200 },
  );
});

/** What a parser made of `chunks`: its replies and its violation, if any. */
const parsed = (chunks: Buffer[]) => {
  const p = new ReplyParser();
  const replies = chunks.flatMap((c) => p.push(c));
  // What waits for a line end matters until a violation; after one, nothing more is read.
  return { replies, violation: p.violation, pending: p.violation ? undefined : p.pendingText };
};

test("ReplyParser reads a chunk of whole lines (decoded at once) as it reads the same bytes one at a time", () => {
  // Lines of replies, near-replies and junk, with CR, bare LF and bytes that are not UTF-8.
  const line = fc.oneof(
    fc.constantFrom("250 2.0.0 Ok: queued as 4XyZ", "354 End data with <CR><LF>.<CR><LF>", "250-PIPELINING", "250"),
    fc.constantFrom(
      "550 5.1.1 <u@x>: unknown",
      "2x0 nope",
      "25",
      "250\tx",
      "421-a",
      "250 \u00e9\u4e2d",
      "250 a\u0001b\u200bc",
      "",
    ),
    fc.string({ maxLength: 30 }),
  );
  const bytes = fc.oneof(
    line.map((l) => Buffer.from(l, "utf8")),
    fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
    // A reply whose text holds any bytes: controls, invisible characters, broken UTF-8.
    fc.tuple(fc.constantFrom("250 ", "250-", "550 5.1.1 "), fc.uint8Array({ maxLength: 12 }))
      .map(([code, a]) => Buffer.concat([Buffer.from(code), Buffer.from(a)])),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(bytes, fc.constantFrom("\r\n", "\n")), { maxLength: 12 }), (lines) => {
      const whole = Buffer.concat(lines.flatMap(([b, eol]) => [b, Buffer.from(eol)]));
      const oneByOne = [...whole].map((b) => Buffer.from([b]));
      assert.deepEqual(parsed([whole]), parsed(oneByOne));
    }),
    { numRuns: 500 },
  );
});
