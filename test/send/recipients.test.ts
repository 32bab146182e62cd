// Reading a recipient list: one message per mailbox (case folded, the first spelling kept), every
// line bounded while streaming (a file with no newline is refused by its line number, not gathered
// until the runtime gives up), and errors that carry line numbers and reasons as data — the lines'
// text only for a person at the command line.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { MAX_LIST_LINE_BYTES, RecipientListError } from "../../core/send/list-lines.ts";
import { MailboxSet } from "../../core/send/mailbox-set.ts";
import { readRecipients, recipientsDigest, scanList, scanRecipients } from "../../core/send/recipients.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { b, listFile, MESSAGE, useSendBed } from "./send-fixture.ts";

useSendBed();

const dir = makeTestDir("smtpilot-list-");
const write = (name: string, text: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

test("MailboxSet keeps one entry per mailbox across its growth, case folded", () => {
  const set = new MailboxSet();
  for (let i = 0; i < 20_000; i++) assert.equal(set.add(`user${i}@example.com`), true);
  for (let i = 0; i < 20_000; i += 7) assert.equal(set.add(`USER${i}@example.com`), false);
  assert.equal(set.size, 20_000);
  assert.equal(set.add("user20000@example.com"), true);
});

test("scanRecipients folds repeated mailboxes; readRecipients yields the first spelling, indices in order", async () => {
  const file = write(
    "dups.txt",
    "\uFEFFAnn@Example.COM\r\nbob@example.com\r\n# note\r\nann@example.com\r\n\r\nBOB@EXAMPLE.COM\r\n",
  );
  const scan = await scanRecipients(file);
  assert.equal(scan.count, 2);
  assert.equal(scan.duplicates, 2);
  const read = [];
  for await (const r of readRecipients(file)) read.push([r.index, r.address, r.line]);
  assert.deepEqual(read, [[0, "Ann@example.com", 1], [1, "bob@example.com", 2]]);
  // The same pass counts each distinct recipient's domain (what the bulk check sorts by provider).
  assert.deepEqual([...scan.domains], [["example.com", 2]]);
  assert.equal(scan.uncountedDomains, 0);
});

test("invalid lines are data: line numbers and reasons, their text apart", async () => {
  const file = write("bad.txt", "ok@example.com\nPASSWORD=hunter2-secret\nno-at-all\n");
  const scan = await scanRecipients(file);
  assert.equal(scan.invalidCount, 2);
  assert.deepEqual(scan.invalid.map((i) => i.line), [2, 3]);
  assert.ok(scan.invalid.every((i) => !JSON.stringify(i).includes("hunter2")), "no line text in the problems");
  assert.match(scan.invalidValues[0] ?? "", /hunter2/);
  const e = new RecipientListError(file, scan.invalid, scan.invalidCount);
  assert.ok(!e.message.includes("hunter2") && /line 2/.test(e.message));
});

test("a line longer than the bound is refused by number as soon as it is crossed", async () => {
  const long = write("long.txt", `a@example.com\n${"x".repeat(MAX_LIST_LINE_BYTES + 1)}@example.com\n`);
  await assert.rejects(scanRecipients(long), (err: RecipientListError) => {
    assert.equal(err.code, "E_USAGE");
    assert.deepEqual(err.problems.map((p) => p.line), [2]);
    assert.ok(!err.message.includes("xxxx"), "the content is not quoted");
    return true;
  });
});

test("a 600 MB list with no newline is a usage error naming line 1 (exit 2), never a RangeError", async () => {
  // Sparse: 600 MB of NUL bytes that take no disk space.
  const huge = path.join(b().dir, "huge.list");
  fs.closeSync(fs.openSync(huge, "w"));
  fs.truncateSync(huge, 600 * 1024 * 1024);
  const r = await b().cli(["preflight", "--profile", "lab", "--to-list", huge, ...MESSAGE, "--json"]);
  assert.equal(r.code, 2, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.error.code, "E_USAGE");
  assert.match(doc.error.message, /line 1\b/);
  assert.doesNotMatch(r.stderr, /RangeError|internal error/);
  assert.ok(!r.stdout.includes("\\u0000") && !r.stderr.includes("\0"), "no content quoted");
});

test("at the command line the invalid lines are quoted for the person who gave the file", async () => {
  const file = listFile("typo.txt", ["ok@smtpilot.test", "typo.smtpilot.test"]);
  const r = await b().cli(["preflight", "--profile", "lab", "--to-list", file, ...MESSAGE, "--json"]);
  assert.equal(r.code, 2);
  assert.match(JSON.parse(r.stdout).error.message, /line 2 "typo\.smtpilot\.test": it has no @domain/);
});

test("the list's lines a read at a time are the lines decoded one by one: broken UTF-8, CR, BOM, across reads", async () => {
  const { listLineBatches } = await import("../../core/send/list-lines.ts");
  // Bytes that matter to a line splitter and a UTF-8 decoder: LF, CR, spaces, a BOM, a truncated and a whole
  // multi-byte sequence, a lone continuation byte, plain address characters.
  const pieces = [[0x0a], [0x0d, 0x0a], [0x20], [0xef, 0xbb, 0xbf], [0xe2, 0x82], [0xe2, 0x82, 0xac], [0x80], [
    0x61,
    0x40,
    0x62,
  ]];
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: pieces.length - 1 }), { maxLength: 60_000 }),
      async (picks) => {
        const bytes = Buffer.from(picks.flatMap((p) => pieces[p] as number[]));
        const file = write("bytes.txt", bytes);
        const expected: [number, string][] = [];
        let start = 0;
        for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
          expected.push([expected.length + 1, bytes.subarray(start, nl).toString("utf8").trim()]);
          start = nl + 1;
        }
        if (start < bytes.length) expected.push([expected.length + 1, bytes.subarray(start).toString("utf8").trim()]);
        if (expected[0]?.[1].charCodeAt(0) === 0xfeff) expected[0][1] = expected[0][1].slice(1);
        const got: [number, string][] = [];
        for await (const { first, texts } of listLineBatches(file)) texts.forEach((t, k) => got.push([first + k, t]));
        assert.deepEqual(got, expected);
      },
    ),
    { numRuns: 25 },
  );
});

test("a list's digest is the same whether its text is hashed at once or a read at a time", async () => {
  const addresses = Array.from({ length: 12_000 }, (_, i) => `person.${i}@example${i % 7}.test`);
  const file = write("many.txt", `${addresses.join("\n")}\n`);
  const seen: string[] = [];
  const scan = await scanList(file, (text) => seen.push(text));
  assert.ok(seen.length > 1, "the text came in several pieces");
  assert.equal(seen.join(""), `${addresses.join("\n")}\n`);
  assert.equal(scan.digest, recipientsDigest(addresses));
});

test("MailboxSet folds case exactly as toLowerCase does, ASCII or not", () => {
  const cased = fc.mapToConstant(
    { num: 26, build: (v) => String.fromCharCode(0x41 + v) },
    { num: 26, build: (v) => String.fromCharCode(0x61 + v) },
    { num: 8, build: (v) => ["İ", "i", "ß", "Σ", "σ", "ς", "Ä", "ä"][v] as string },
    { num: 4, build: (v) => ["@", ".", "[", "`"][v] as string },
  );
  fc.assert(
    fc.property(fc.string({ unit: cased, maxLength: 12 }), fc.string({ unit: cased, maxLength: 12 }), (a, b) => {
      const set = new MailboxSet();
      set.add(a);
      assert.equal(set.add(b), a.toLowerCase() !== b.toLowerCase());
    }),
    { numRuns: 3000 },
  );
});

test("the bound on a list's lines is counted in bytes, ASCII or not, and names the first line past it", async () => {
  const { listLineBatches } = await import("../../core/send/list-lines.ts");
  const bound = 6;
  // A short line of some bytes each (ASCII, a two- or three-byte character, a truncated sequence, a lone
  // continuation byte, a CR), LF after it, sometimes none at the end of the file; many, so reads split them.
  const piece = fc.constantFrom([0x61], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xe2, 0x82], [0x80], [0x0d]);
  const lineBytes = fc.array(piece, { maxLength: 4 }).map((ps) => ps.flat());
  await fc.assert(
    fc.asyncProperty(
      fc.array(lineBytes, { minLength: 1, maxLength: 20_000 }),
      fc.boolean(),
      async (lines, lastEnded) => {
        const bytes = Buffer.from(lines.flatMap((l, k) => (k < lines.length - 1 || lastEnded ? [...l, 0x0a] : l)));
        const file = write("bound.txt", bytes);
        const firstTooLong = lines.findIndex((l) => l.length > bound);
        const got = await (async () => {
          for await (const _ of listLineBatches(file, bound)) { /* read to the end */ }
        })().then(() => undefined, (e: RecipientListError) => e);
        if (firstTooLong < 0) assert.equal(got, undefined);
        else assert.deepEqual(got?.problems.map((p) => p.line), [firstTooLong + 1]);
      },
    ),
    { numRuns: 30 },
  );
});
