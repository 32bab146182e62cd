// dist/smtpilot.cjs's builtin imports (scripts/build/sea-bundle.mjs: builtinFacades, lazyBuiltinFacades,
// as bundle.mjs uses them): an import of node:child_process or node:dgram loads nothing until a
// function of it is called, then behaves as the builtin does; an import of another builtin by names
// hands out the builtin's own functions, with no per-file copy of its exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { builtinFacades, lazyBuiltinFacades, lazyPackageFacades } from "../../scripts/build/sea-bundle.mjs";
import { makeTestDir } from "../helpers/temp-dir.ts";

/** Bundles `entry` into `outfile` as dist/smtpilot.cjs is bundled (CommonJS for Node 24), with `plugins`. */
async function bundleFor(entry: string, outfile: string, plugins: Plugin[]): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    logLevel: "silent",
    plugins,
  });
}

test("the bundle loads node:child_process and node:dgram on first use only, and they work as the builtins", async () => {
  const dir = makeTestDir("smtpilot-bundle-facades-");
  const entry = path.join(dir, "entry.mjs");
  fs.writeFileSync(
    entry,
    `import cp from "node:child_process";
import { execFile } from "node:child_process";
import dgram from "node:dgram";
import fs, { readFileSync } from "node:fs";
import { promisify } from "node:util";
const loaded = (id) => process.moduleLoadList.includes("NativeModule " + id);
const report = { before: [loaded("child_process"), loaded("dgram")] };
report.sameFs = readFileSync === process.getBuiltinModule("node:fs").readFileSync && fs === process.getBuiltinModule("node:fs");
execFile(process.execPath, ["-e", "process.stdout.write('from execFile')"], (err, out) => {
  report.execFile = err ? String(err) : out;
  report.after = [loaded("child_process"), loaded("dgram")];
  report.spawn = cp.spawnSync(process.execPath, ["-e", "process.stdout.write('from spawnSync')"]).stdout.toString();
  const socket = dgram.createSocket("udp4");
  socket.bind(0, "127.0.0.1", () => {
    report.dgram = socket.address().port > 0;
    socket.close();
    // execFile's util.promisify.custom survives the facade: { stdout, stderr }, not stdout alone.
    promisify(execFile)(process.execPath, ["-e", "process.stdout.write('promised')"]).then((r) => {
      report.promisified = r;
      process.stdout.write(JSON.stringify(report));
    });
  });
});
`,
  );
  const outfile = path.join(dir, "out.cjs");
  await bundleFor(entry, outfile, [lazyBuiltinFacades, builtinFacades]);
  const text = fs.readFileSync(outfile, "utf8");
  assert.doesNotMatch(text, /__toESM\(require\("node:fs"\)\)/, "node:fs copied into the importer");
  const r = spawnSync(process.execPath, [outfile], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    before: [false, false],
    sameFs: true,
    execFile: "from execFile",
    after: [true, true], // Node's child_process loads dgram itself
    spawn: "from spawnSync",
    dgram: true,
    promisified: { stdout: "promised", stderr: "" },
  });
});

test("the bundle evaluates the YAML library when a name imported from it is first used, not when its importer loads", async () => {
  const dir = makeTestDir("smtpilot-bundle-lazy-package-");
  const entry = path.join(dir, "entry.mjs");
  fs.writeFileSync(
    entry,
    `import { Document, parseDocument } from "yaml";
const report = { before: globalThis.yamlEvaluated === true };
report.parsed = parseDocument("a: 1").toJS();
report.after = globalThis.yamlEvaluated === true;
report.written = new Document({ b: 2 }).toString();
process.stdout.write(JSON.stringify(report));
`,
  );
  const outfile = path.join(dir, "out.cjs");
  // The package, as the facade's require() finds it: one that says when it is evaluated.
  const marked = {
    name: "marked-yaml",
    setup(b: import("esbuild").PluginBuild) {
      b.onResolve(
        { filter: /^yaml$/ },
        (args) => args.kind === "require-call" ? { path: "yaml", namespace: "marked-yaml" } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "marked-yaml" }, () => ({
        contents: `globalThis.yamlEvaluated = true;\nmodule.exports = require(${
          JSON.stringify(path.join(process.cwd(), "node_modules/yaml/dist/index.js"))
        });\n`,
        loader: "js",
        resolveDir: process.cwd(),
      }));
    },
  };
  await bundleFor(entry, outfile, [lazyPackageFacades, marked]);
  const r = spawnSync(process.execPath, [outfile], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { before: false, parsed: { a: 1 }, after: true, written: "b: 2\n" });
});
