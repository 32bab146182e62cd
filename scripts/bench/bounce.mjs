#!/usr/bin/env node
// Benchmark: messages per second classifying the bounce corpus (test/data/bounces), smtpilot next
// to Sisimai (Debian libsisimai-perl, through scripts/bench/sisimai-driver.pl) on the same files in
// the same run, and the agreement between their reasons. Prints a table; asserts nothing.
// Run: npm run bench:bounce   (BENCH_REPEAT=N repeats the file list N times, default 20)
//
// Target (issue #10): faster than Sisimai, and the same reason for at least 95 % of the recipients
// where Sisimai's reason exists in our vocabulary.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeMessage } from "../../core/bounce/analyze-message.ts";
import { readSources } from "../../core/bounce/read-sources.ts";
import { compare, runSisimai, sisimaiMissing } from "./sisimai-compare.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/smtpilot.cjs");
const repeat = Number(process.env.BENCH_REPEAT ?? 20);

/** Every corpus file (messages and mboxes), sorted. */
export function corpusFiles(dir = path.join(root, "test/data/bounces")) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(?:eml|mbox)$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

spawnSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit", cwd: root });
process.chdir(root);
const files = corpusFiles();
const many = Array.from({ length: repeat }, () => files).flat();

// smtpilot, in process (parse + classify, no start-up).
let messages = 0;
const t0 = performance.now();
await readSources(many, (tree, source) => {
  analyzeMessage(tree, source);
  messages++;
}, () => {});
const inProcessMs = performance.now() - t0;

// smtpilot, as a command (the bundle the single binary embeds), start-up included.
const t1 = performance.now();
const run = spawnSync(process.execPath, [bundle, "bounce", "--json", ...many], { maxBuffer: 512 * 1024 * 1024 });
const commandMs = performance.now() - t1;
const once = JSON.parse(
  spawnSync(process.execPath, [bundle, "bounce", "--json", ...files], { encoding: "utf8" }).stdout,
);
if (run.status !== 0) console.log(`smtpilot bounce exited ${run.status}`);

const ours = once.messages.flatMap((m) =>
  m.recipients.map((r) => ({ file: m.source, address: r.address, reason: r.reason }))
);
const rate = (n, ms) => (n / (ms / 1000)).toFixed(0).padStart(8);
console.log(
  `corpus: ${files.length} files, ${once.summary.messages} messages, ${ours.length} recipients; repeated ${repeat}x`,
);
console.log("");
console.log("tool                          messages    msg/s (in-process)   msg/s (command, start-up included)");
console.log(
  `smtpilot bounce              ${String(messages).padStart(9)}   ${rate(messages, inProcessMs)}             ${
    rate(messages, commandMs)
  }`,
);

const missing = sisimaiMissing();
if (missing) {
  console.log(`Sisimai: ${missing} — showing smtpilot alone`);
} else {
  const theirs = runSisimai(many);
  const n = theirs.recipients.length;
  console.log(
    `Sisimai 4 (libsisimai-perl)  ${String(n).padStart(9)}   ${rate(n, theirs.seconds * 1000)}             ${
      rate(n, theirs.wallMs)
    }`,
  );
  const a = compare(ours, runSisimai(files).recipients);
  console.log("");
  console.log(`agreement: ${a.agreed}/${a.compared} recipients = ${(a.rate * 100).toFixed(1)} % (target >= 95 %)`);
  console.log(
    `not compared: ${a.oursOnly.length} where our reason has no Sisimai 4 name, ${a.theirsOnly.length} where Sisimai's is outside our vocabulary, ${a.unmatched.length} found by one tool only`,
  );
  for (const d of a.disagreements) console.log(`  differs  ${d.key}: ours ${d.ours}, Sisimai ${d.sisimai}`);
  for (const d of a.oursOnly) console.log(`  ours-only ${d.key}: ours ${d.ours}, Sisimai ${d.sisimai}`);
  for (const d of a.theirsOnly) console.log(`  theirs-only ${d.key}: ours ${d.ours}, Sisimai ${d.sisimai}`);
  for (const d of a.unmatched) console.log(`  one tool ${d.key}: ours ${d.ours ?? "-"}, Sisimai ${d.sisimai ?? "-"}`);
}
