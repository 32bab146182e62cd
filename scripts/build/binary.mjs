#!/usr/bin/env node
// Builds the standalone executable dist/smtpilot-<os>-<arch> (+ .sha256): the esbuild bundle
// (dist/smtpilot.cjs) injected into the pinned Node 24 runtime with Node's single-executable
// support (postject). Works offline with only the npm registry: the runtime for the host comes
// from the `node` dev dependency; another target's runtime is fetched with `npm pack
// node-<os>-<arch>@<version>`.
//
//   npm run build:binary                      # this machine's os/arch
//   npm run build:binary -- --target linux-arm64
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = path.join(root, "dist");
const hostRuntime = path.join(root, "node_modules/node/bin/node");
const version = execFileSync(hostRuntime, ["--version"], { encoding: "utf8" }).trim().replace(/^v/, "");
const targetArg = process.argv.indexOf("--target");
const target = targetArg > 0 ? process.argv[targetArg + 1] : `${process.platform}-${process.arch}`;
if (!/^(linux|darwin|win)-(x64|arm64)$/.test(target ?? "")) {
  console.error(`Invalid --target "${target}": expected linux-x64, linux-arm64, darwin-x64, darwin-arm64 or win-x64`);
  process.exit(2);
}
const exe = target.startsWith("win") ? ".exe" : "";
const output = path.join(dist, `smtpilot-${target}${exe}`);

execFileSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit" });

// 1. The preparation blob: made by the same Node version the binary embeds.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-sea-"));
const blob = path.join(work, "sea-prep.blob");
const sameHost = target === `${process.platform}-${process.arch}`;
fs.writeFileSync(
  path.join(work, "sea-config.json"),
  JSON.stringify({
    main: path.join(dist, "smtpilot.cjs"),
    output: blob,
    disableExperimentalSEAWarning: true,
    // V8's code cache speeds start-up but is only valid on the architecture that made it.
    useCodeCache: sameHost,
  }),
);
execFileSync(hostRuntime, ["--experimental-sea-config", path.join(work, "sea-config.json")], { stdio: "inherit" });

// 2. The runtime to inject into: ours, or the target's from the npm registry.
let runtime = hostRuntime;
if (!sameHost) {
  const pkg = `node-${target}@${version}`;
  execFileSync("npm", ["pack", pkg, "--silent", "--pack-destination", work], { stdio: "inherit" });
  const tgz = fs.readdirSync(work).find((f) => f.endsWith(".tgz"));
  execFileSync("tar", ["-xzf", path.join(work, tgz), "-C", work]);
  runtime = path.join(work, "package/bin", `node${exe}`);
}
fs.rmSync(output, { force: true });
fs.copyFileSync(runtime, output);
fs.chmodSync(output, 0o755);

// 3. Inject and fingerprint.
execFileSync(
  process.execPath,
  [
    path.join(root, "node_modules/postject/dist/cli.js"),
    output,
    "NODE_SEA_BLOB",
    blob,
    "--sentinel-fuse",
    "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
    ...(target.startsWith("darwin") ? ["--macho-segment-name", "NODE_SEA"] : []),
  ],
  { stdio: ["ignore", "ignore", "inherit"] },
);
const sha = createHash("sha256").update(fs.readFileSync(output)).digest("hex");
fs.writeFileSync(`${output}.sha256`, `${sha}  ${path.basename(output)}\n`);
fs.rmSync(work, { recursive: true, force: true });
console.log(
  `built ${path.relative(root, output)} (Node ${version}, ${(fs.statSync(output).size / 1e6).toFixed(0)} MB)`,
);
