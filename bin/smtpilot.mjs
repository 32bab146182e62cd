#!/usr/bin/env node
// npm's `bin` entry. The npm package (npm pack, npm install -g, npx smtpilot) ships the bundled
// build, dist/smtpilot.cjs (built by `prepack`), and no sources: it runs that, with a V8 code cache
// (bin/code-cache.mjs) so V8 neither parses nor compiles the 5 MB bundle's functions at every start.
// A checkout has the sources: it runs them through tsx, so what runs is always what was just edited.
// Builtins by process.getBuiltinModule, not `import`: an ES module's import of a builtin reads every
// export, and node:fs's lazy ones (its streams, fs/promises, readline, watchers) then load at every
// start, whether the command needs them or not (~3 ms of CPU).
const fs = process.getBuiltinModule("node:fs");
const module = process.getBuiltinModule("node:module");
const path = process.getBuiltinModule("node:path");

const sources = new URL("../cli/smtpilot.ts", import.meta.url);
if (fs.existsSync(sources)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(sources.href);
} else {
  const argv = process.argv.slice(2);
  const { runWithCodeCache, userCacheFolder } = await import("./code-cache.mjs");
  const folder = userCacheFolder();
  // `--version` alone runs only the bundle's top level (cli/smtpilot.ts answers it): Node's compile
  // cache holds that already, and setting up our own costs more than it saves.
  const versionOnly = argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V");
  const bundle = new URL("../dist/smtpilot.cjs", import.meta.url);
  if (versionOnly || !runWithCodeCache(bundle, argv, { folder })) {
    // Node's compile cache runs what it finds and checks no owner: only inside this user's own folder
    // (bin/code-cache.mjs), never in its default place in the shared temporary folder; else none.
    if (folder) module.enableCompileCache?.(path.join(folder, "node"));
    module.createRequire(import.meta.url)("../dist/smtpilot.cjs");
  }
}
