// Journal.writeLater(): an answer waits for the next write, so a scale send costs one journal
// write per message — and an attempt can never wait. A crash that loses waiting answers leaves
// their recipients attempted-without-answer: reported, never resent.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Journal, readJournal } from "../../core/send/journal.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const dir = makeTestDir("smtpilot-journal-later-");
let n = 0;
const lines = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];

test("an answer written later goes out with the next attempt, in order, in the same write", () => {
  const file = path.join(dir, `j${++n}.jsonl`);
  const j = new Journal(file);
  j.write({ i: 0, status: "attempt" });
  j.writeLater({ i: 0, status: "accepted", queueId: "Q1" });
  assert.deepEqual(lines(file).map((e) => `${e.i}:${e.status}`), ["0:attempt"], "the answer waits");
  j.write({ i: 1, status: "attempt" });
  assert.deepEqual(lines(file).map((e) => `${e.i}:${e.status}`), ["0:attempt", "0:accepted", "1:attempt"]);
  j.writeLater({ i: 1, status: "rejected", code: "envelope.size-exceeded" });
  j.close();
  assert.deepEqual(lines(file).map((e) => `${e.i}:${e.status}`), [
    "0:attempt",
    "0:accepted",
    "1:attempt",
    "1:rejected",
  ]);
});

test("an attempt is never written later", () => {
  const j = new Journal(path.join(dir, `j${++n}.jsonl`));
  assert.throws(() => j.writeLater({ i: 0, status: "attempt" }));
  j.close();
});

test("answers lost in a crash leave their recipients attempted without an answer: never resent", async () => {
  const file = path.join(dir, `j${++n}.jsonl`);
  const j = new Journal(file);
  j.write({ i: 0, status: "attempt" });
  j.writeLater({ i: 0, status: "accepted" });
  j.write({ i: 1, status: "attempt" });
  j.writeLater({ i: 1, status: "accepted" });
  // No close(): the process died here.
  const state = await readJournal(file, 3);
  assert.equal(state.accepted, 1);
  assert.deepEqual(state.unknown, [1]);
});

test("a long run of refusals without attempts is written out in bounded pieces", () => {
  const file = path.join(dir, `j${++n}.jsonl`);
  const j = new Journal(file);
  for (let i = 0; i < 2000; i++) {
    j.writeLater({ i, status: "rejected", code: "envelope.recipient-unknown", reply: "x".repeat(60) });
  }
  assert.ok(lines(file).length > 0, "some were written before close");
  j.close();
  assert.equal(lines(file).length, 2000);
});

/** Counts fs.writeSync calls (the journal's appends) while `body` runs; a `fail` error is thrown by the first. */
async function countingWrites<T>(body: () => Promise<T>, fail?: NodeJS.ErrnoException): Promise<[T, number]> {
  const real = fs.writeSync;
  let calls = 0;
  fs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    calls++;
    if (fail && calls === 1) throw fail;
    return (real as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  try {
    return [await body(), calls];
  } finally {
    fs.writeSync = real;
  }
}

test("attempts made in one turn of the event loop are written in one append, each resolved only once it is written", async () => {
  const file = path.join(dir, `j${++n}.jsonl`);
  const j = new Journal(file);
  j.write({ i: 0, status: "attempt" });
  j.writeLater({ i: 0, status: "accepted" });
  const [, writes] = await countingWrites(async () => {
    const written: number[] = [];
    const all = [1, 2, 3].map((i) => j.attemptSoon(i, `r${i}@x`).then(() => written.push(i)));
    // Nothing is on record yet, so nothing may be sent yet.
    assert.deepEqual(lines(file).map((e) => `${e.i}:${e.status}`), ["0:attempt"]);
    assert.deepEqual(written, []);
    await Promise.all(all);
    // Each message was let go only with its attempt (and the waiting answer) on record.
    assert.deepEqual(lines(file).map((e) => `${e.i}:${e.status}`), [
      "0:attempt",
      "0:accepted",
      "1:attempt",
      "2:attempt",
      "3:attempt",
    ]);
    assert.deepEqual(written, [1, 2, 3]);
  });
  assert.equal(writes, 1, "one append for the three attempts and the answer");
  // The next turn's attempts get a write of their own.
  await j.attemptSoon(4, "r4@x");
  assert.equal(lines(file).at(-1)?.i, 4);
  j.close();
});

test("a shared append that fails lets none of its messages go, and the journal stops", async () => {
  const file = path.join(dir, `j${++n}.jsonl`);
  const j = new Journal(file);
  j.write({ i: 0, status: "attempt" });
  const full = Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
  await countingWrites(async () => {
    const outcomes = await Promise.allSettled([1, 2].map((i) => j.attemptSoon(i, `r${i}@x`)));
    assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "rejected"]);
  }, full);
  assert.ok(j.failure, "the journal stopped");
  await assert.rejects(j.attemptSoon(3, "r3@x"), "no attempt is taken after a failure");
  j.close();
  assert.deepEqual(lines(file).map((e) => `${e.i}:${e.status}`), ["0:attempt"], "no attempt line was left behind");
  const state = await readJournal(file, 4);
  assert.deepEqual(state.unknown, [0], "only the message that left is unknown; 1-3 are sent by a rerun");
});

test("attempts still waiting when the journal closes are never written, and their messages never leave", async () => {
  const file = path.join(dir, `j${++n}.jsonl`);
  const j = new Journal(file);
  const waiting = j.attemptSoon(0, "r0@x");
  j.close();
  await assert.rejects(waiting);
  assert.deepEqual(lines(file), []);
});

test("the lines a list send writes for each message are the records writeLater and write make", async () => {
  const file = path.join(dir, `j${++n}.jsonl`);
  const j = new Journal(file);
  const to = 'q"u\\o\u00e9***@x';
  await j.attemptSoon(0, to);
  j.write({ i: 1, status: "attempt", to });
  j.acceptedLater(0, 'Q"1');
  j.writeLater({ i: 1, status: "accepted", queueId: 'Q"1' });
  j.acceptedLater(2, undefined);
  j.writeLater({ i: 3, status: "accepted" });
  j.close();
  const [a0, a1, q0, q1, q2, q3] = lines(file).map(({ t, ...rest }) => (assert.match(t, /^\d{4}-/), rest));
  assert.deepEqual(a0, { ...a1, i: 0 });
  assert.deepEqual(q0, { ...q1, i: 0 });
  assert.deepEqual(q2, { ...q3, i: 2 });
  assert.deepEqual(Object.keys(q0), ["i", "status", "queueId"]);
});
