#!/usr/bin/env node
// Benchmark: messages per second classifying the bounce corpus (test/data/bounces, every file of its
// manifest), smtpilot next to Sisimai (Debian libsisimai-perl 4.25, through sisimai-driver.pl) on the
// same files in the same run; how often each agrees with what each bounce's text says (the
// manifest); and the memory large mboxes take streamed through the command (peak RSS, live heap after GC, at
// three sizes a factor 10 apart). Prints; asserts nothing.
//
// Run: npm run bench:bounce
//   BENCH_REPEAT=N     repeat the file list N times (default 10)
//   BENCH_MESSAGES=N   messages in the largest generated mbox for the memory run (default 100000, also
//                      runs N/10 and N/100; 1000000 for the million-message check, 2.6 GB of disk
//                      in the temp folder)
//
// Target (issue #16): >= 1 200 messages/s as a command (go-sisimai's published figure), faster than
// Sisimai, and memory that does not grow with the number of messages.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeMessage } from "../../core/bounce/analyze-message.ts";
import { readSources } from "../../core/bounce/read-sources.ts";
import { currentReason } from "../../core/bounce/reasons.ts";
import { CORPUS_DIR, readManifest } from "../corpus/manifest.ts";
import { runSisimai, sisimaiMissing } from "./sisimai-compare.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/smtpilot.cjs");
const repeat = Number(process.env.BENCH_REPEAT ?? 10);
const bigCount = Number(process.env.BENCH_MESSAGES ?? 100_000);

spawnSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit", cwd: root });
const rows = readManifest();
const files = [...new Set(rows.map((r) => path.join(CORPUS_DIR, r.file)))].sort();
const many = Array.from({ length: repeat }, () => files).flat();
const rate = (n, ms) => Math.round(n / (ms / 1000));
const key = (file, address) => `${path.relative(CORPUS_DIR, file).replace(/#\d+$/, "")} ${address.toLowerCase()}`;

// smtpilot, in process (parse + classify, no start-up).
let messages = 0;
const t0 = performance.now();
await readSources(
  many,
  (tree, source) => {
    analyzeMessage(tree, source);
    messages++;
  },
  () => {},
  { maxMessages: Infinity },
);
const inProcessMs = performance.now() - t0;

// smtpilot as a command (the bundle the single binary embeds), start-up and JSON output included.
const t1 = performance.now();
const run = spawnSync(process.execPath, [bundle, "bounce", "--json", ...many], { maxBuffer: 1024 * 1024 * 1024 });
const commandMs = performance.now() - t1;
if (run.status !== 0) console.log(`smtpilot bounce exited ${run.status}: ${String(run.stderr).slice(0, 300)}`);
const once = JSON.parse(
  spawnSync(process.execPath, [bundle, "bounce", "--json", ...files], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  }).stdout,
);
const ours = new Map();
for (const m of once.messages) for (const r of m.recipients) ours.set(key(m.source, r.address), r.reason);

console.log(
  `corpus: ${files.length} files, ${once.summary.messages} messages, ${rows.length} recipients in the manifest, ${
    new Set(rows.map((r) => r.family)).size
  } families; repeated ${repeat}x`,
);
console.log("");
console.log("tool                          messages   msg/s in process   msg/s as a command   agrees with the text");
const agree = (reasons) => rows.filter((r) => reasons.get(`${r.file} ${r.address.toLowerCase()}`) === r.reason).length;
const pct = (n) => `${n}/${rows.length} = ${((n / rows.length) * 100).toFixed(1)} %`;
console.log(
  `smtpilot bounce               ${String(messages).padStart(8)}   ${
    String(rate(messages, inProcessMs)).padStart(16)
  }   ${String(rate(messages, commandMs)).padStart(18)}   ${pct(agree(ours))}`,
);

const missing = sisimaiMissing();
if (missing) {
  console.log(`Sisimai: ${missing} — smtpilot alone`);
} else {
  const theirs = runSisimai(many);
  const n = many.length;
  const map = new Map();
  for (const c of runSisimai(files).recipients) map.set(key(c.file, c.address), currentReason(c.reason) ?? c.reason);
  console.log(
    `Sisimai 4.25 (libsisimai-perl) ${String(n).padStart(7)}   ${
      String(rate(n, theirs.seconds * 1000)).padStart(16)
    }   ${String(rate(n, theirs.wallMs)).padStart(18)}   ${pct(agree(map))} (its 4.x names mapped to 5's)`,
  );
  console.log(
    `ratio (command): smtpilot is ${(rate(messages, commandMs) / rate(n, theirs.wallMs)).toFixed(1)}x Sisimai`,
  );
}

// Memory: large mboxes streamed through the command, at three sizes a factor 10 apart. Peak RSS
// (/usr/bin/time) and the live heap after a full collection at exit (a probe loaded before the
// CLI): neither may follow the message count. Peak RSS rises until V8's young generation reaches
// its ceiling (its size grows with the bytes that survived collections, a run's length), then stays.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bench-bounce-"));
try {
  const sample = fs.readFileSync(path.join(CORPUS_DIR, "postfix/user-unknown.eml"), "latin1").replace(
    /^From /gm,
    ">From ",
  );
  const one = `From MAILER-DAEMON Thu Nov  5 10:00:00 2026\n${sample}\n`;
  const block = one.repeat(1000);
  const probe = path.join(tmp, "probe.mjs");
  fs.writeFileSync(
    probe,
    `process.on("exit", () => { globalThis.gc(); process.stderr.write("live-heap " + process.memoryUsage().heapUsed + "\\n"); });\n`,
  );
  const mb = (bytes) => `${Math.round(bytes / 1024 / 1024)} MB`;
  console.log("");
  console.log("memory: messages   mbox      peak RSS   live heap after GC   msg/s as a command");
  for (const count of [bigCount / 100, bigCount / 10, bigCount]) {
    // Written a block at a time: the largest file never exists as one string.
    const src = path.join(tmp, `${count}.mbox`);
    const fd = fs.openSync(src, "w");
    for (let i = 0; i < Math.floor(count / 1000); i++) fs.writeSync(fd, block);
    if (count % 1000) fs.writeSync(fd, one.repeat(count % 1000));
    fs.closeSync(fd);
    const t = performance.now();
    const r = spawnSync(
      "/usr/bin/time",
      ["-f", "%M", process.execPath, "--expose-gc", "--import", probe, bundle, "bounce", "--json", src],
      { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" },
    );
    const ms = performance.now() - t;
    const kb = Number(/(\d+)\s*$/.exec(r.stderr ?? "")?.[1]);
    const live = Number(/live-heap (\d+)/.exec(r.stderr ?? "")?.[1]);
    console.log(
      `        ${String(count).padStart(8)}   ${mb(fs.statSync(src).size).padStart(7)}   ${
        (Number.isFinite(kb) ? mb(kb * 1024) : "unknown").padStart(8)
      }   ${(Number.isFinite(live) ? mb(live) : "unknown").padStart(18)}   ${String(rate(count, ms)).padStart(18)}${
        r.status === 0 ? "" : `  (exit ${r.status})`
      }`,
    );
    fs.rmSync(src);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
