import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { isSet, Journal, readJournal, Reservations } from "../../core/send/journal.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

function tempFile(): { file: string; done(): void } {
  const dir = makeTestDir("smtpilot-journal-");
  return { file: path.join(dir, "j.jsonl"), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test("readJournal() never resends an accepted recipient nor one attempted without an answer", async () => {
  const t = tempFile();
  const j = new Journal(t.file);
  for (const i of [0, 1, 2]) j.write({ i, status: "attempt" });
  j.write({ i: 0, status: "accepted", queueId: "Q1" });
  j.write({ i: 1, status: "rejected", code: "envelope.recipient-unknown" });
  j.write({ i: 3, status: "deferred" });
  j.close();
  // A crash tore the last line in half.
  fs.appendFileSync(t.file, '{"i":4,"status":"acc');
  const s = await readJournal(t.file, 10);
  assert.equal(s.accepted, 1);
  assert.equal(s.rejected, 1);
  assert.deepEqual(s.unknown, [2]);
  assert.equal(s.deferred, 1);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => isSet(s.done, i)), [true, true, true, false, false, false]);
  t.done();
});

test("readJournal() of a missing file is a fresh start, and a million indices take a small bitmap", async () => {
  const s = await readJournal("/nonexistent/smtpilot/journal.jsonl", 1_000_000);
  assert.equal(s.done.byteLength, 125_000);
  assert.equal(s.accepted + s.rejected + s.deferred + s.unknown.length, 0);
});

/** Hands out every recipient of `count` through Reservations on `clock`; the reservations written, in order. */
async function reserveAll(count: number, clock: () => number) {
  const { file, done } = tempFile();
  const j = new Journal(file);
  async function* list() {
    for (let i = 0; i < count; i += 5) {
      yield Array.from({ length: Math.min(5, count - i) }, (_, k) => ({ index: i + k }));
    }
  }
  const reservations = new Reservations(list(), j, { batch: 2, maxBatch: 8, now: clock });
  const handed: number[] = [];
  const reservedBefore: boolean[] = [];
  for (let r = await reservations.next(); r !== undefined; r = reservations.nextNow() ?? await reservations.next()) {
    const reserved = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
      .flatMap((e) => e.status === "reserve" ? e.is : []);
    reservedBefore.push(reserved.includes(r.index));
    handed.push(r.index);
  }
  await reservations.close();
  j.close();
  const sizes = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).is.length);
  done();
  return { handed, reservedBefore, sizes };
}

test("a fast send reserves twice as many at a time up to the cap; a slow one keeps the first size", async () => {
  // A batch handed out at once: from the third reservation on (the second is made as the first is handed
  // out), each twice the last, up to 8.
  const fast = await reserveAll(40, () => 0);
  assert.deepEqual(fast.sizes, [2, 2, 4, 8, 8, 8, 8]);
  assert.deepEqual(fast.handed, Array.from({ length: 40 }, (_, i) => i));
  assert.ok(fast.reservedBefore.every(Boolean), "each recipient only once its reservation was written");
  // A batch that lasts longer than RESERVE_FAST_MS: the size stays.
  let t = 0;
  const slow = await reserveAll(9, () => (t += 1000));
  assert.deepEqual(slow.sizes, [2, 2, 2, 2, 1]);
  assert.ok(slow.reservedBefore.every(Boolean));
});

test("a send that slows down halves its batches back to the first size: a reboot then leaves two small batches unknown", async () => {
  // Four batches handed out at once, then each lasting a second (a server slowing down, a limit reached).
  let installs = 0;
  const slowing = await reserveAll(60, () => (++installs <= 4 ? 0 : installs * 1000));
  const peak = slowing.sizes.indexOf(8);
  assert.ok(peak > 0, `grew to the cap first: ${slowing.sizes}`);
  assert.deepEqual(slowing.sizes.slice(-4), [2, 2, 2, 2], `back to the first size: ${slowing.sizes}`);
  assert.deepEqual(slowing.handed, Array.from({ length: 60 }, (_, i) => i));
  assert.ok(slowing.reservedBefore.every(Boolean));
});

test("a closed journal writes nothing more: an attempt asked for after close() is refused, never written elsewhere", async () => {
  const t = tempFile();
  const j = new Journal(t.file);
  j.write({ i: 0, status: "attempt" });
  j.close();
  // The next file opened may be given the journal's old descriptor number.
  const other = path.join(path.dirname(t.file), "other.txt");
  const fd = fs.openSync(other, "a");
  await assert.rejects(j.attemptSoon(7, "r***@example.net"), { code: "E_JOURNAL_CLOSED" });
  assert.throws(() => j.write({ i: 8, status: "attempt" }), { code: "E_JOURNAL_CLOSED" });
  fs.closeSync(fd);
  assert.equal(fs.readFileSync(other, "utf8"), "");
  assert.deepEqual((await readJournal(t.file, 10)).unknown, [0]);
  t.done();
});

test("readJournal() reads a record holding U+2028 or U+2029 whole (JSON leaves them unescaped)", async () => {
  const t = tempFile();
  const j = new Journal(t.file);
  j.write({ i: 0, status: "attempt", to: "a\u2028b@x" });
  j.write({ i: 1, status: "attempt", to: "\u2029" });
  j.write({ i: 0, status: "accepted", queueId: "Q\u2028" });
  j.close();
  const s = await readJournal(t.file, 5);
  assert.equal(s.torn, 0);
  assert.equal(s.accepted, 1);
  assert.deepEqual(s.unknown, [1]);
  t.done();
});

test("readJournal() tallies every index of the list as its records say, whatever the journal's mix", async () => {
  const statuses = ["attempt", "accepted", "rejected", "deferred"] as const;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 70 }),
      fc.array(fc.tuple(fc.nat(80), fc.constantFrom(...statuses)), { maxLength: 60 }),
      async (count, records) => {
        const t = tempFile();
        const j = new Journal(t.file);
        for (const [i, status] of records) j.write({ i, status });
        j.close();
        const s = await readJournal(t.file, count);
        t.done();
        // Each index, record by record: an answer (accepted, rejected) settles it for good, the acceptance
        // going by the last answer; an attempt after the last answer or deferral leaves it unknown.
        const expected = { unknown: [] as number[], accepted: 0, rejected: 0, deferred: 0 };
        for (let i = 0; i < count; i++) {
          const own = records.filter(([k]) => k === i).map(([, st]) => st);
          const answers = own.filter((st) => st === "accepted" || st === "rejected");
          const last = own.at(-1);
          if (last === "attempt") expected.unknown.push(i);
          else if (answers.at(-1) === "accepted") expected.accepted++;
          else if (answers.length > 0) expected.rejected++;
          else if (last === "deferred") expected.deferred++;
          assert.equal(isSet(s.done, i), last === "attempt" || answers.length > 0, `index ${i}`);
        }
        assert.deepEqual(
          { unknown: s.unknown, accepted: s.accepted, rejected: s.rejected, deferred: s.deferred },
          expected,
        );
      },
    ),
    { numRuns: 80 },
  );
});
