#!/usr/bin/env node
// npm's `bin` entry. The npm package (npm pack, npm install -g, npx smtpilot) ships the bundled
// build, dist/smtpilot.cjs (built by `prepack`), and no sources: it runs that, with a V8 code cache
// (bin/code-cache.mjs) so V8 neither parses nor compiles the 5 MB bundle's functions at every start.
// A checkout has the sources: it runs them through tsx, so what runs is always what was just edited.
import fs from "node:fs";
import module from "node:module";

const sources = new URL("../cli/smtpilot.ts", import.meta.url);
if (fs.existsSync(sources)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(sources.href);
} else {
  const argv = process.argv.slice(2);
  // `--version` alone runs only the bundle's top level (cli/smtpilot.ts answers it): Node's compile
  // cache holds that already, and setting up our own costs more than it saves.
  const versionOnly = argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V");
  const bundle = new URL("../dist/smtpilot.cjs", import.meta.url);
  if (versionOnly || !(await import("./code-cache.mjs")).runWithCodeCache(bundle, argv)) {
    // Node's compile cache (in the system's temporary folder, or $NODE_COMPILE_CACHE) holds compiled code only.
    module.enableCompileCache?.();
    module.createRequire(import.meta.url)("../dist/smtpilot.cjs");
  }
}
