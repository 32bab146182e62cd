import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { isSet, Journal, readJournal } from "../../core/send/journal.ts";
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
