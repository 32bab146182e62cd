#!/usr/bin/env node
// Benchmark: start-up of the single binary (and the bundle) next to bare `node -e 0` (the same
// Node 24 the binary embeds) and `swaks --version`, in the same run. Prints medians; asserts
// nothing. Target (issue #3): `smtpilot --version` and `smtpilot diagnose --help` within 1.5x of
// bare `node -e 0`. Run: npm run bench:startup   (BENCH_RUNS=N to change the sample count)
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runs = Number(process.env.BENCH_RUNS ?? 21);
const binary = path.join(root, "dist", `smtpilot-${process.platform}-${process.arch}`);
const node24 = path.join(root, "node_modules/node/bin/node");
execFileSync(process.execPath, [path.join(root, "scripts/build/binary.mjs")], { stdio: "inherit" });

function median(cmd, args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: "ignore" });
    samples.push(performance.now() - t0);
    if (r.status !== 0) return undefined;
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const base = median(node24, ["-e", "0"]);
const rows = [
  ["node -e 0 (Node 24, reference)", node24, ["-e", "0"]],
  ["smtpilot --version (binary)", binary, ["--version"]],
  ["smtpilot diagnose --help (binary)", binary, ["diagnose", "--help"]],
  ["smtpilot --version (bundle on node)", node24, [path.join(root, "dist/smtpilot.cjs"), "--version"]],
  ["swaks --version", "swaks", ["--version"]],
];
console.log(`\n${"command".padEnd(40)} ${"median".padStart(9)} ${"x node".padStart(8)}   (${runs} runs each)`);
for (const [name, cmd, args] of rows) {
  if (cmd === "swaks" && spawnSync("swaks", ["--version"]).error) {
    console.log(`${name.padEnd(40)} ${"n/a".padStart(9)}   (apt-get install swaks)`);
    continue;
  }
  const ms = median(cmd, args);
  console.log(
    `${name.padEnd(40)} ${ms === undefined ? "failed".padStart(9) : `${ms.toFixed(1)} ms`.padStart(9)} ${
      ms === undefined ? "" : (ms / base).toFixed(2).padStart(8)
    }`,
  );
}
console.log(
  `target: binary rows within 1.5x of node -e 0; binary size ${(fs.statSync(binary).size / 1e6).toFixed(0)} MB`,
);
