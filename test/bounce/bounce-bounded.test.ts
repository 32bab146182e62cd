// Issue 16, "Speed and scale": `smtpilot bounce` must read a million-message mbox in memory that does
// not grow with the number of messages. Proved without timing: the command runs on N and on 10N
// generated messages, in a child whose old generation is capped small, and reports the live heap
// after a full collection once everything was read. A command that kept anything per message (a
// result, a record for the summary, a dedupe key, a slice of a chunk) would keep ~10x as much at
// 10N — failing the cap, or the comparison of the two live heaps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI_ENTRY } from "../helpers/cli.ts";

const N = 2_000;
/**
 * Growth of the live heap allowed between N and 10N messages: ~55 bytes a message over the 18 000
 * more. Measured: 0.1 MB without any retention; keeping only each message's source and kind adds
 * 1.8 MB, keeping each result overflows the 40 MB old generation at 10N.
 */
const SLACK_BYTES = 1024 * 1024;
/**
 * A small old generation (a per-message result fails it at 10N); a small young one, so the run does
 * not lean on V8 growing it; bytecode kept, so the longer run does not come out lighter only because
 * V8 flushed the code of functions it stopped calling (4.7 MB, more than the slack).
 */
const NODE_FLAGS = ["--expose-gc", "--no-flush-bytecode", "--max-old-space-size=40", "--max-semi-space-size=1"];

/** Writes an mbox of `count` copies of a Postfix DSN; returns its path. */
function mbox(dir: string, count: number): string {
  const sample = fs.readFileSync("test/data/bounces/postfix/user-unknown.eml", "latin1").replace(/^From /gm, ">From ");
  const file = path.join(dir, `${count}.mbox`);
  const block = `From MAILER-DAEMON Thu Nov  5 10:00:00 2026\n${sample}\n`.repeat(1000);
  const fd = fs.openSync(file, "w");
  for (let i = 0; i < count / 1000; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  return file;
}

/** Runs `bounce --json FILE` under a small heap; stdout goes to a file. Returns the summary and the live heap. */
async function run(dir: string, file: string): Promise<{ summary: unknown; liveHeap: number }> {
  // Loaded before the CLI: when the process exits, a full collection, then the bytes still alive.
  const probe = path.join(dir, "probe.mjs");
  fs.writeFileSync(
    probe,
    `process.on("exit", () => { globalThis.gc(); process.stderr.write("live-heap " + process.memoryUsage().heapUsed + "\\n"); });\n`,
  );
  const out = path.join(dir, "out.json");
  const fd = fs.openSync(out, "w");
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, "--import", probe, CLI_ENTRY, "bounce", "--json", file],
    { stdio: ["ignore", fd, "pipe"] },
  );
  fs.closeSync(fd);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  const [code] = await once(child, "close");
  // A run that ran out of heap died by a signal (code null) before printing its live heap.
  assert.equal(code, 0, `bounce on ${path.basename(file)}: exit ${code}: ${stderr.slice(-300)}`);
  const live = /live-heap (\d+)/.exec(stderr);
  assert.ok(live, `no live-heap line: ${stderr.slice(-300)}`);
  return {
    summary: JSON.parse(fs.readFileSync(out, "utf8")).summary,
    liveHeap: Number(live[1]),
  };
}

test("bounce --json reads 10x the messages with the same live heap, under a 40 MB old generation", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bounce-bounded-"));
  try {
    const small = await run(dir, mbox(dir, N));
    const large = await run(dir, mbox(dir, 10 * N));
    assert.deepEqual(small.summary, {
      messages: N,
      byKind: { dsn: N, bounce: 0, feedback: 0, autoreply: 0, "not-bounce": 0 },
      recipients: N,
      hard: N,
      errors: 0,
    });
    assert.equal((large.summary as { messages: number }).messages, 10 * N);
    assert.ok(
      large.liveHeap - small.liveHeap < SLACK_BYTES,
      `live heap ${small.liveHeap} bytes after ${N} messages, ${large.liveHeap} after ${10 * N}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
