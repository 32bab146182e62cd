#!/usr/bin/env node
// Prepares the single binary's assets after sea-bundle-cli.mjs built them into DIR:
//   DIR/lazy/exports.json  the export names of each lazy package (so that the CLI's imports of it
//                          cost nothing until one is used) — always;
//   DIR/<asset>.cache      a V8 code cache per asset — with --cache, which must run on the very
//                          Node binary the executable embeds (a cache is only valid for the V8
//                          version, flags and architecture that made it).
// The caches are made after the code ran, so they hold the functions a run uses, not only the top
// level: every asset is loaded (its module code runs), then the CLI diagnoses a fixture server
// (started from BUNDLE in a child process, so that the fixture's own code stays out of the caches)
// the way `smtpilot diagnose` is most often run. If the fixture cannot start, the caches are made
// anyway, from the loaded code alone, and a note says so.
//
//   node scripts/build/sea-cache.mjs DIR [--cache --bundle dist/smtpilot.cjs]
//
// Prints one JSON line: {"caches": {asset: bytes}, "warmed": true|false, "note"?: "..."}.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { assetLoader } from "./sea-loader.mjs";
import { lazyAsset } from "./sea-bundle.mjs";

const dir = path.resolve(process.argv[2] ?? "");
const withCache = process.argv.includes("--cache");
const at = process.argv.indexOf("--bundle");
const bundle = at > 0 ? path.resolve(process.argv[at + 1] ?? "") : undefined;
const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));

const scripts = new Map();
const index = {};
const loader = assetLoader({
  require: createRequire(path.join(dir, "boot.cjs")),
  source: (name) => fs.readFileSync(path.join(dir, `${name}.js`), "utf8"),
  cache: () => undefined,
  exportsIndex: () => index,
  onScript: (name, script) => scripts.set(name, script),
});

// 1. The export names of each lazy package (as its bundle really exports them) and builtin (as this
// Node, the one the binary embeds or the same version, exports it).
const require = createRequire(import.meta.url);
for (const [pkg, subs] of Object.entries(manifest.lazy)) {
  const exported = pkg.startsWith("node:") ? { ".": require(pkg) } : loader.load(lazyAsset(pkg));
  index[pkg] = {};
  for (const sub of subs) {
    const value = exported[sub];
    index[pkg][sub] = value !== null && typeof value === "object"
      ? Object.getOwnPropertyNames(value).map((n) => [n, Object.getOwnPropertyDescriptor(value, n).enumerable])
      : null;
  }
}
fs.writeFileSync(path.join(dir, "lazy/exports.json"), JSON.stringify(index));
// A lazy object made for the names an import clause reads (sea-bundle.mjs) must find each of them
// among the package's exports: a name misread would be an undefined binding at run time, so it fails
// the build here instead.
for (const [pkg, sub, names] of manifest.named ?? []) {
  const exported = index[pkg][sub];
  const missing = exported ? names.filter((n) => !exported.some(([name]) => name === n)) : [];
  if (missing.length > 0) {
    process.stderr.write(`${pkg} (${sub}) has no export named ${missing.join(", ")}, which the CLI imports\n`);
    process.exit(1);
  }
}

const result = { caches: {}, warmed: false };
if (withCache) {
  const cli = loader.load("cli");
  try {
    result.warmed = await warmUp(cli);
  } catch (err) {
    result.note = `no warm-up run (${String(err?.message ?? err).split("\n")[0]}): caches hold the loaded code only`;
  }
  for (const [name, script] of scripts) {
    const file = path.join(dir, `${name}.cache`);
    fs.writeFileSync(file, script.createCachedData());
    result.caches[name] = fs.statSync(file).size;
  }
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

/** Runs the CLI's most common command against a fixture in a child process; true when it passed. */
async function warmUp(cli) {
  if (!bundle) throw new Error("no --bundle to start the fixture from");
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-warm-"));
  const fixture = await startFixture(bundle, home);
  try {
    // An empty memory folder: the builder's own memory (and the plugins it lists) stays out of the build.
    process.env.SMTPILOT_HOME = path.join(home, "memory");
    process.env.SMTPILOT_WARM_SECRET = fixture.info.demo.password;
    const probe = [
      "diagnose",
      "--host",
      "127.0.0.1",
      "--port",
      String(fixture.info.ports["healthy-starttls"]),
      "--tls",
      "starttls",
      "--ca",
      fixture.info.caPath,
      "--user",
      fixture.info.demo.user,
      "--secret",
      "env:SMTPILOT_WARM_SECRET",
      "--from",
      "warm@smtpilot.test",
      "--to",
      "up@smtpilot.test",
    ];
    // The report goes nowhere: this process's stdout carries the result line.
    const write = process.stdout.write;
    process.stdout.write = (_chunk, encoding, callback) => {
      (typeof encoding === "function" ? encoding : callback)?.();
      return true;
    };
    let codes;
    try {
      codes = [await cli.main(probe), await cli.main([...probe, "--json"])];
    } finally {
      process.stdout.write = write;
      process.exitCode = undefined;
    }
    if (codes.some((c) => c !== 0)) throw new Error(`the warm-up probe exited with ${codes.join(", ")}`);
    return true;
  } finally {
    fixture.child.kill("SIGINT");
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Starts `smtpilot fixture --json` from the bundle; resolves once it printed its ports. */
function startFixture(file, home) {
  const child = spawn(process.execPath, [file, "fixture", "--json"], {
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, SMTPILOT_HOME: path.join(home, "memory") },
  });
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the fixture did not start within 120 s"));
    }, 120_000);
    child.stdout.on("data", (d) => {
      text += d;
      try {
        const info = JSON.parse(text);
        clearTimeout(timer);
        resolve({ child, info });
      } catch { /* wait for the rest */ }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the fixture exited with ${code}`));
    });
  });
}
