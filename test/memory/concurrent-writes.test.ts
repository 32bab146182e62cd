// Two real smtpilot processes write the same memory folder at once: appends to send-log.md and a
// journal, and read-modify-write profile additions. Nothing may be lost, torn or interleaved.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { initMemory } from "../../core/memory/init.ts";
import { openMemory } from "../../core/memory/store.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-race-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const worker = path.join(import.meta.dirname, "append-worker.ts");

function run(home: string, id: string, entries: number, profiles: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, home, id, String(entries), String(profiles)], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

test("two processes appending and adding profiles at once lose no entry, line or profile", async () => {
  const home = path.join(root, "smtp");
  await initMemory(home);
  const ENTRIES = 120;
  const PROFILES = 12;
  const codes = await Promise.all([run(home, "1", ENTRIES, PROFILES), run(home, "2", ENTRIES, PROFILES)]);
  assert.deepEqual(codes, [0, 0]);
  const store = openMemory({ home });

  const log = await store.sendLog();
  assert.equal(log.length, 2 * ENTRIES);
  for (const id of ["1", "2"]) {
    const mine = log.filter((e) => e.profile === `w${id}`).map((e) => e.queueId);
    // Each process's entries arrive whole and in its own order.
    assert.deepEqual(mine, Array.from({ length: ENTRIES }, (_, i) => `${id}-${i}`));
  }

  const journal = await store.journal("race");
  assert.equal(journal.length, 2 * ENTRIES);
  const raw = fs.readFileSync(path.join(home, "journal", "race.jsonl"), "utf8").trimEnd().split("\n");
  assert.equal(raw.length, 2 * ENTRIES, "every line is one whole record");

  const names = (await store.profiles()).map((p) => p.profile.name).sort();
  assert.equal(names.length, 2 * PROFILES);
  assert.equal(fs.readdirSync(home).filter((f) => /\.(?:lock|tmp|stale)$/.test(f)).length, 0);
});

test("a lock left by a process that died is taken over", async () => {
  const home = path.join(root, "stale");
  await initMemory(home);
  // A pid that cannot be running: the kernel's pid_max is below 2^22 on Linux.
  fs.writeFileSync(path.join(home, "send-log.md.lock"), `4194304999 ${os.hostname()} ${Date.now()} dead\n`);
  await openMemory({ home, lockTimeoutMs: 3000 }).appendSendLog({ kind: "dry-run" });
  assert.equal((await openMemory({ home }).sendLog()).length, 1);
});

test("a lock held by a live process makes a writer give up with E_MEMORY_LOCKED after its timeout", async () => {
  const home = path.join(root, "held");
  await initMemory(home);
  fs.writeFileSync(path.join(home, "send-log.md.lock"), `${process.pid} ${os.hostname()} ${Date.now()} me\n`);
  await assert.rejects(
    openMemory({ home, lockTimeoutMs: 300 }).appendSendLog({ kind: "dry-run" }),
    (err: Error & { code?: string; exitCode?: number }) => err.code === "E_MEMORY_LOCKED" && err.exitCode === 3,
  );
  fs.rmSync(path.join(home, "send-log.md.lock"));
});
