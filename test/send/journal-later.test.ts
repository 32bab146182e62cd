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
