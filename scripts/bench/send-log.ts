// Benchmark: what a scale send pays to read send-log.md for its canary gate, before (the whole log
// parsed and validated: MemoryStore.sendLog) and after (the last canaryFreshnessHours only:
// sendLogSince), and what `verify --last` / `verify MESSAGE-ID` pay (lastSendLogEntry), at 100, 1,000
// and 10,000 entries, side by side in the same run. The log is written as appendSendLog writes it:
// one canary every half hour, two in three verified, so the default 24 h window holds ~80 entries
// whatever the history. Each read opens a new store (the trust check counts) and runs in turn with
// its counterpart, median of BENCH_RUNS. Prints a table; asserts nothing (the tests check answers:
// test/memory/send-log-window.test.ts).
// Run: npm run bench:send-log   (BENCH_RUNS=N, default 9; BENCH_SIZES=100,1000 to choose)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { initMemory } from "../../core/memory/init.ts";
import { BLOCK_TAGS } from "../../core/memory/layout.ts";
import { section, yamlFor } from "../../core/memory/markdown-blocks.ts";
import { openMemory } from "../../core/memory/store.ts";
import { type CanaryKey, canaryKeyFields, verifiedCanary } from "../../core/send/gates.ts";
import { sentCanaryOf } from "../../core/send/verify-send.ts";

const runs = Number(process.env.BENCH_RUNS ?? 9);
const sizes = (process.env.BENCH_SIZES ?? "100,1000,10000").split(",").map(Number);
const HOURS = 24;
const now = new Date();
const key: CanaryKey = {
  profile: "work",
  host: "smtp.example.com",
  port: 587,
  user: "me@example.com",
  from: "me@example.com",
  envelopeFrom: "me@example.com",
  messageDigest: "a".repeat(64),
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bench-sendlog-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

/** A memory folder whose send log holds `count` entries, the newest ten minutes old. */
async function folder(count: number): Promise<string> {
  const home = path.join(tmp, String(count), "smtp");
  await initMemory(home, new Date(now.getTime() - count * 1_800_000));
  const entries: Record<string, unknown>[] = [];
  for (let i = 0; entries.length < count; i++) {
    const at = i * 1_800_000;
    const canary = {
      at,
      kind: "canary",
      ...canaryKeyFields(key),
      messageId: `<c${i}@bench.example>`,
      queueId: `Q${i}`,
      recipient: "c***@example.net",
      reply: `250 2.0.0 Ok: queued as Q${i}`,
      state: "accepted",
      sendId: `s${i}`,
      recipientKey: "0123456789abcdef",
      canaryTag: `t${i}`,
    };
    entries.push(canary);
    if (i % 3 === 2 || entries.length === count) continue;
    const { messageId, sendId, profile } = canary;
    entries.push({
      at: at + 300_000,
      kind: "verify",
      profile,
      messageId,
      state: "delivered-inbox",
      sendId,
      evidence: { source: "imap", mailbox: "imap.example.net", folder: "INBOX", found: true },
    });
  }
  const shift = now.getTime() - 600_000 - Number(entries.at(-1)?.at);
  const text = entries.map((e) => _entry({ ...e, at: new Date(Number(e.at) + shift).toISOString() }));
  fs.appendFileSync(path.join(home, "send-log.md"), text.join(""));
  return home;
}

function _entry(data: Record<string, unknown>): string {
  const heading = `${String(data.at).replace("T", " ").replace(/\.\d+Z$/, "Z")} · ${data.kind} · ${data.profile}`;
  return `\n${section(heading, BLOCK_TAGS.sendLog, yamlFor(data))}`;
}

/** Milliseconds of one call of `read` on a new store. */
async function time(home: string, read: (store: ReturnType<typeof openMemory>) => Promise<unknown>): Promise<number> {
  const store = openMemory({ home });
  const t = performance.now();
  await read(store);
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const since = new Date(now.getTime() - HOURS * 3_600_000);
const reads = {
  gateFull: async (s: ReturnType<typeof openMemory>) => verifiedCanary(await s.sendLog(), key, now, HOURS),
  gateWindow: async (s: ReturnType<typeof openMemory>) => verifiedCanary(await s.sendLogSince(since), key, now, HOURS),
  verifyFull: async (s: ReturnType<typeof openMemory>) =>
    (await s.sendLog()).filter((e) => e.kind === "canary" && e.state === "accepted").at(-1),
  verifyLast: (s: ReturnType<typeof openMemory>) => sentCanaryOf(s, undefined),
  verifyOldId: (s: ReturnType<typeof openMemory>) => sentCanaryOf(s, "<c1@bench.example>"),
};

console.log(`send-log.md read by a scale send's canary gate (window ${HOURS} h) and by verify; median of ${runs}, ms`);
console.log(
  "entries  size KB  gate before  gate after  ratio   verify before  --last after  old Message-ID after",
);
for (const count of sizes) {
  const home = await folder(count);
  const kb = Math.round(fs.statSync(path.join(home, "send-log.md")).size / 1024);
  // The two reads agree before they are timed.
  const store = openMemory({ home });
  if ((await reads.gateFull(store))?.sendId !== (await reads.gateWindow(store))?.sendId) {
    throw new Error("gate differs");
  }
  const samples: Record<keyof typeof reads, number[]> = {
    gateFull: [],
    gateWindow: [],
    verifyFull: [],
    verifyLast: [],
    verifyOldId: [],
  };
  await reads.gateFull(store); // warm: the YAML parser's first use
  for (let r = 0; r < runs; r++) {
    for (const name of Object.keys(reads) as (keyof typeof reads)[]) {
      samples[name].push(await time(home, reads[name]));
    }
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])) as Record<
    keyof typeof reads,
    number
  >;
  console.log(
    `${String(count).padStart(7)}  ${String(kb).padStart(7)}  ${m.gateFull.toFixed(1).padStart(11)}  ${
      m.gateWindow.toFixed(1).padStart(10)
    }  ${(m.gateFull / m.gateWindow).toFixed(1).padStart(5)}x  ${m.verifyFull.toFixed(1).padStart(13)}  ${
      m.verifyLast.toFixed(1).padStart(12)
    }  ${m.verifyOldId.toFixed(1).padStart(20)}`,
  );
}
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
