#!/usr/bin/env node
// npm's `bin` entry. The npm package (npm pack, npm install -g, npx smtpilot) ships the bundled
// build, dist/smtpilot.cjs (built by `prepack`), and no sources: it runs that, with Node's
// compile cache on so V8 compiles the 3 MB bundle once, not at every start. A checkout has the
// sources: it runs them through tsx, so what runs is always what was just edited.
import fs from "node:fs";
import module from "node:module";

const sources = new URL("../cli/smtpilot.ts", import.meta.url);
if (fs.existsSync(sources)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(sources.href);
} else {
  // The cache (in the system's temporary folder, or $NODE_COMPILE_CACHE) holds compiled code only.
  module.enableCompileCache?.();
  module.createRequire(import.meta.url)("../dist/smtpilot.cjs");
}
