#!/usr/bin/env node
// Builds a release into dist/ (or --out DIR): the single binary for every target in
// scripts/build/targets.mjs, the bundle (dist/smtpilot.cjs, for machines that have Node >= 24),
// and SHA256SUMS over all of them, checkable with `sha256sum -c SHA256SUMS`.
//
//   npm run release
//   node scripts/build/release.mjs --out /tmp/release --targets linux-x64,win-x64
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { binaryName, TARGETS } from "./targets.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function option(name) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const out = path.resolve(option("--out") ?? path.join(root, "dist"));
const targets = option("--targets")?.split(",") ?? TARGETS;
const unknown = targets.filter((t) => !TARGETS.includes(t));
if (unknown.length > 0) {
  console.error(`smtpilot release: unknown target ${unknown.join(", ")}: expected some of ${TARGETS.join(", ")}`);
  process.exit(2);
}

for (const target of targets) {
  const r = spawnSync(
    process.execPath,
    [path.join(root, "scripts/build/binary.mjs"), "--target", target, "--out", out],
    { stdio: "inherit" },
  );
  // binary.mjs already said why in one line.
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const files = ["smtpilot.cjs", ...targets.map(binaryName)];
const sums = files.map((f) =>
  `${createHash("sha256").update(fs.readFileSync(path.join(out, f))).digest("hex")}  ${f}\n`
);
fs.writeFileSync(path.join(out, "SHA256SUMS"), sums.join(""));
console.log(`release in ${path.relative(process.cwd(), out) || "."}: ${files.join(", ")}, SHA256SUMS`);
