// Every append is whole or absent: a write the disk cuts short is an error (E_MEMORY_WRITE), what it
// left is taken back, and an entry an earlier failure left torn never makes a file unreadable nor
// swallows the next record.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { appendUnlocked } from "../../core/memory/atomic-file.ts";
import { initMemory } from "../../core/memory/init.ts";
import { inspectMemory } from "../../core/memory/inspect.ts";
import { TORN_MARK } from "../../core/memory/markdown-blocks.ts";
import { openMemory } from "../../core/memory/store.ts";
import { bootId, isSet, Journal, readJournal, Reservations } from "../../core/send/journal.ts";
import { limitWrites } from "../helpers/small-disk.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

async function fresh() {
  const home = path.join(makeTestDir("smtpilot-torn-"), "smtp");
  await initMemory(home, new Date("2026-12-01T10:00:00Z"));
  return { home, store: openMemory({ home }) };
}

const isWriteError = (err: Error & { code?: string; errno?: string; restored?: boolean }) =>
  err.code === "E_MEMORY_WRITE" && err.errno === "ENOSPC" && err.restored === true;

test("appendUnlocked(): a write the disk cuts short fails with E_MEMORY_WRITE and leaves the file as it was", () => {
  const dir = makeTestDir("smtpilot-torn-");
  const file = path.join(dir, "log.jsonl");
  fs.writeFileSync(file, '{"a":1}\n');
  const lift = limitWrites(dir, 10);
  try {
    assert.throws(() => appendUnlocked(file, `${JSON.stringify({ b: "x".repeat(100) })}\n`), isWriteError);
  } finally {
    lift();
  }
  assert.equal(fs.readFileSync(file, "utf8"), '{"a":1}\n');
});

test("appendSendLog() on a full disk throws E_MEMORY_WRITE and the send log stays readable", async () => {
  const { home, store } = await fresh();
  await store.appendSendLog({ kind: "canary", profile: "work", queueId: "Q1" });
  const before = fs.readFileSync(store.path("sendLog"), "utf8");
  await store.settings(); // read before the disk fills: memory.md is not what is being tested
  const lift = limitWrites(home, 500);
  try {
    await store.appendSendLog({ kind: "canary", profile: "work", queueId: "Q2", reply: "x".repeat(300) });
    await assert.rejects(store.appendSendLog({ kind: "canary", profile: "work", queueId: "Q3" }), isWriteError);
  } finally {
    lift();
  }
  assert.ok(fs.readFileSync(store.path("sendLog"), "utf8").startsWith(before));
  assert.deepEqual((await store.sendLog()).map((e) => e.queueId), ["Q1", "Q2"]);
});

test("a send-log entry torn by an earlier failure is skipped and reported, and the next append is whole", async () => {
  const { store } = await fresh();
  await store.appendSendLog({ kind: "canary", profile: "work", queueId: "Q1" });
  await store.appendSendLog({ kind: "canary", profile: "work", queueId: "Q2" });
  // What a version that ignored short writes left: the second entry cut in its block.
  const file = store.path("sendLog");
  const text = fs.readFileSync(file, "utf8");
  const cut = text.lastIndexOf("queueId: Q2");
  fs.writeFileSync(file, text.slice(0, cut + 8));
  const tornLine = text.slice(0, text.lastIndexOf("```yaml")).split("\n").length;

  const log = await store.readLog("sendLog");
  assert.deepEqual(log.entries.map((e) => e.queueId), ["Q1"]);
  assert.deepEqual(log.torn, [tornLine]);
  const warnings = (await inspectMemory(store)).warnings.map((w) => `${w.code}:${w.file}`);
  assert.ok(warnings.includes("memory.entry-torn:send-log.md"), warnings.join(", "));
  assert.ok(!warnings.some((w) => w.startsWith("memory.file-invalid")), warnings.join(", "));

  await store.appendSendLog({ kind: "canary", profile: "work", queueId: "Q3" });
  assert.deepEqual((await store.sendLog()).map((e) => e.queueId), ["Q1", "Q3"]);
  assert.ok(fs.readFileSync(file, "utf8").includes(TORN_MARK));
  assert.deepEqual((await store.readLog("sendLog")).torn, [tornLine]);
});

test("a send-log entry cut inside its opening fence does not swallow the next entry", async () => {
  const { store } = await fresh();
  await store.appendSendLog({ kind: "canary", profile: "work", queueId: "Q1" });
  fs.appendFileSync(store.path("sendLog"), "\n## 2026-12-01 10:00:00Z · canary\n\n```ya");
  await store.appendSendLog({ kind: "canary", profile: "work", queueId: "Q2" });
  assert.deepEqual((await store.sendLog()).map((e) => e.queueId), ["Q1", "Q2"]);
});

test("Journal: an attempt the disk cuts short throws E_MEMORY_WRITE, is taken back, and nothing more is written", async () => {
  const dir = makeTestDir("smtpilot-torn-");
  const file = path.join(dir, "scale.jsonl");
  const lift = limitWrites(dir, 60);
  const j = new Journal(file);
  try {
    j.write({ i: 0, status: "attempt" });
    j.writeLater({ i: 0, status: "accepted" });
    const size = fs.statSync(file).size;
    assert.throws(() => j.write({ i: 1, status: "attempt" }), isWriteError);
    assert.equal(fs.statSync(file).size, size, "the torn bytes were taken back");
    assert.throws(
      () => j.write({ i: 2, status: "attempt" }),
      (err: Error & { code?: string }) => err.code === "E_MEMORY_WRITE",
    );
    assert.equal(j.failure && (j.failure as Error & { code?: string }).code, "E_MEMORY_WRITE");
  } finally {
    lift();
  }
  j.close(); // never throws
  const s = await readJournal(file, 3);
  // Index 0: its answer was lost with the failed write, so it reads as attempted — never resent.
  assert.deepEqual(s.unknown, [0]);
  assert.equal(isSet(s.done, 1), false, "index 1 was never sent: a rerun sends it");
  assert.equal(s.torn, 0);
});

test("readJournal() skips a torn line, keeps a record glued to it, and a new Journal starts on a line of its own", async () => {
  const dir = makeTestDir("smtpilot-torn-");
  const file = path.join(dir, "scale.jsonl");
  // As journals written before this fix could end: a line torn at a page boundary, the next run's record glued on.
  fs.writeFileSync(
    file,
    '{"i":0,"status":"attempt","t":"x"}\n{"i":0,"status":"accepted","t":"x"}\n{"i":1,"status":"att' +
      '{"i":2,"status":"attempt","t":"x"}\n{"i":3,"status":"acc',
  );
  let s = await readJournal(file, 5);
  assert.equal(s.accepted, 1);
  assert.deepEqual(s.unknown, [2], "the glued record still guards its recipient");
  assert.equal(s.torn, 2);
  assert.equal(isSet(s.done, 1), false);
  assert.equal(isSet(s.done, 3), false);

  const j = new Journal(file);
  j.write({ i: 3, status: "attempt" });
  j.close();
  s = await readJournal(file, 5);
  assert.deepEqual(s.unknown, [2, 3]);
  assert.equal(s.torn, 2);
});

test("a reservation is on disk before its recipients are handed out; after a reboot, reserved without an answer is unknown", async () => {
  const dir = makeTestDir("smtpilot-torn-");
  const file = path.join(dir, "scale.jsonl");
  const j = new Journal(file);
  const handed: number[] = [];
  async function* list() {
    yield [{ index: 0 }, { index: 1 }];
    yield [{ index: 2 }, { index: 3 }, { index: 4 }];
  }
  const reservations = new Reservations(list(), j, { batch: 3 });
  for (let r = await reservations.next(); r !== undefined; r = reservations.nextNow() ?? await reservations.next()) {
    // Each recipient comes only after a reservation naming it was written.
    const reserved = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
      .filter((e) => e.status === "reserve").flatMap((e) => e.is);
    assert.ok(reserved.includes(r.index), `index ${r.index} reserved before it was handed out`);
    handed.push(r.index);
    if (r.index === 1) {
      j.write({ i: 1, status: "attempt" });
      j.write({ i: 0, status: "attempt" });
      j.writeLater({ i: 0, status: "accepted" });
    }
  }
  await reservations.close();
  j.close();
  assert.deepEqual(handed, [0, 1, 2, 3, 4]);
  // The same boot: what was reserved but never attempted was never sent, and a rerun sends it.
  let s = await readJournal(file, 5);
  assert.equal(s.accepted, 1);
  assert.deepEqual(s.unknown, [1]);
  assert.deepEqual([2, 3, 4].map((i) => isSet(s.done, i)), [false, false, false]);
  // Written in another boot: an attempt line may have been lost with the reboot, so every reserved
  // index without an answer is unknown — never resent.
  const other = fs.readFileSync(file, "utf8").replaceAll(`"boot":"${bootId()}"`, '"boot":"0000000000000000"');
  fs.writeFileSync(file, other);
  s = await readJournal(file, 5);
  assert.equal(s.accepted, 1);
  assert.deepEqual(s.unknown, [1, 2, 3, 4]);
});
