#!/usr/bin/env node
// Benchmark: start-up of the single binary, the bundle and the npm package next to bare
// `node -e 0` (the same Node 24 the binary embeds) and `swaks --version`, in the same run. The
// commands take turns, sample by sample, so machine load weighs on all of them alike. The npm
// package is this checkout as users get it: `npm pack` (which bundles), then `npm install -g` of the
// tarball into a temporary prefix. Prints median wall time, mean CPU time (steady under load), their
// ratios to node and the load average; asserts nothing.
// Run: npm run bench:startup   (BENCH_RUNS=N to change the sample count)
//
// Targets (issue 21): `smtpilot --version` (binary) within 1.2x of `node -e 0`; the npm package
// starts like the bundle (it runs it), not like the sources through tsx.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { childrenCpuMs } from "./child-cpu.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runs = Number(process.env.BENCH_RUNS ?? 21);
const binary = path.join(root, "dist", `smtpilot-${process.platform}-${process.arch}`);
const node24 = path.join(root, "node_modules/node/bin/node");
execFileSync(process.execPath, [path.join(root, "scripts/build/binary.mjs")], { stdio: "inherit" });

// The npm package, installed from its tarball into a prefix of its own (no network: it has no dependency).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bench-startup-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, PATH: `${path.dirname(node24)}${path.delimiter}${process.env.PATH ?? ""}` };
const [packed] = JSON.parse(
  execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: root, encoding: "utf8", stdio: "pipe" }),
);
execFileSync("npm", [
  "install",
  "-g",
  "--prefix",
  tmp,
  "--offline",
  "--no-audit",
  "--no-fund",
  path.join(tmp, packed.filename),
], {
  env,
  stdio: "ignore",
});
const installed = path.join(tmp, "bin/smtpilot");

const hasSwaks = !spawnSync("swaks", ["--version"]).error;
const bundle = path.join(root, "dist/smtpilot.cjs");
const sources = path.join(root, "bin/smtpilot.mjs");
const rows = [
  ["node -e 0 (Node 24, reference)", node24, ["-e", "0"]],
  ["smtpilot --version (binary)", binary, ["--version"]],
  ["smtpilot diagnose --help (binary)", binary, ["diagnose", "--help"]],
  ["smtpilot --version (bundle on node)", node24, [bundle, "--version"]],
  ["smtpilot diagnose --help (bundle on node)", node24, [bundle, "diagnose", "--help"]],
  ["smtpilot --version (npm install -g)", installed, ["--version"]],
  ["smtpilot diagnose --help (npm install -g)", installed, ["diagnose", "--help"]],
  ["smtpilot --version (sources through tsx)", node24, [sources, "--version"]],
  ["smtpilot diagnose --help (sources, tsx)", node24, [sources, "diagnose", "--help"]],
  ...(hasSwaks ? [["swaks --version", "swaks", ["--version"]]] : []),
];

// One warm-up round (the npm package's first start fills Node's compile cache), then the samples.
const samples = rows.map(() => []);
const cpu = rows.map(() => 0);
const failed = new Set();
for (let i = 0; i <= runs; i++) {
  rows.forEach(([, cmd, args], k) => {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: "ignore", env });
    if (r.status !== 0) failed.add(k);
    if (i > 0) {
      samples[k].push(performance.now() - t0);
      cpu[k] += (childrenCpuMs() - cpu0) / runs;
    }
  });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const base = median(samples[0]);

console.log(`\nload average: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} cores)`);
console.log(
  `${"command".padEnd(44)} ${"median".padStart(9)} ${"x node".padStart(8)} ${"CPU".padStart(9)} ${
    "x node".padStart(8)
  }   (${runs} runs each, interleaved)`,
);
rows.forEach(([name], k) => {
  const ms = median(samples[k]);
  if (failed.has(k)) return console.log(`${name.padEnd(44)} ${"failed".padStart(9)}`);
  console.log(
    `${name.padEnd(44)} ${`${ms.toFixed(1)} ms`.padStart(9)} ${(ms / base).toFixed(2).padStart(8)} ${
      `${cpu[k].toFixed(1)} ms`.padStart(9)
    } ${(cpu[k] / cpu[0]).toFixed(2).padStart(8)}`,
  );
});
if (!hasSwaks) console.log(`${"swaks --version".padEnd(44)} ${"n/a".padStart(9)}   (apt-get install swaks)`);
console.log(
  `target: binary --version within 1.2x of node -e 0; the npm package like the bundle. Binary ${
    (fs.statSync(binary).size / 1e6).toFixed(0)
  } MB, npm tarball ${(packed.size / 1e6).toFixed(1)} MB`,
);
