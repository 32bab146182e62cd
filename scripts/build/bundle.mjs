#!/usr/bin/env node
// Bundles the CLI and every dependency into one CommonJS file, dist/smtpilot.cjs (or the file
// given with --outfile): the file the benchmarks time and the single binary embeds (Node SEA
// needs CommonJS). It runs on any Node >= 24.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import path from "node:path";
import { BUNDLE_HEAD, BUNDLE_TAIL } from "../../bin/code-cache.mjs";
import {
  builtinFacades,
  commanderVariadicGuard,
  lazyBuiltinFacades,
  lazyPackageFacades,
  nodemailerNoFetch,
} from "./sea-bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const at = process.argv.indexOf("--outfile");
const outfile = at > 0 ? path.resolve(process.argv[at + 1] ?? "") : path.join(root, "dist/smtpilot.cjs");

const result = await build({
  entryPoints: [path.join(root, "cli/smtpilot.ts")],
  outfile,
  write: false,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node24",
  // --no-minify keeps the names readable, for profiling (--cpu-prof, scripts/bench/send-startup.mjs).
  minify: !process.argv.includes("--no-minify"),
  sourcemap: false,
  legalComments: "none",
  // cli/version.ts reports how this copy was built; the single binary detects itself at run time.
  define: { SMTPILOT_BUILD: JSON.stringify("bundle") },
  plugins: [commanderVariadicGuard, nodemailerNoFetch, lazyPackageFacades, lazyBuiltinFacades, builtinFacades],
  logLevel: "warning",
});
// Written aside, then renamed over the old file: a build running meanwhile (npm pack's prepack while
// the binary's build reads the bundle, in the test suite) sees one whole file or the other.
const [output] = result.outputFiles;
fs.mkdirSync(path.dirname(outfile), { recursive: true });
const partial = `${outfile}.${process.pid}.tmp`;
// Wrapped as Node wraps a CommonJS module, calling itself: the npm entry then compiles the file as it
// is, where wrapping 5 MB of source itself cost a copy of it at every start (bin/code-cache.mjs).
fs.writeFileSync(partial, `${BUNDLE_HEAD}${output.text}${BUNDLE_TAIL}`);
fs.renameSync(partial, outfile);
// On stderr: `npm pack --json` runs this (prepack) and its stdout must stay one JSON document.
console.error(`built ${path.relative(process.cwd(), outfile)}`);
