// The npm package as `npm pack` builds it: it carries what `bin/smtpilot.mjs` runs (the
// TypeScript sources, through tsx) and the plugin types and docs, and none of the tests, CI,
// build scripts, peers' configurations or build output. The packed copy is unpacked and run.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = process.cwd();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-pack-"));
const pkg = path.join(tmp, "package");
let files: string[] = [];
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

before(() => {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { encoding: "utf8", stdio: "pipe" });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  files = info!.files.map((f) => f.path);
  execFileSync("tar", ["-xzf", path.join(tmp, info!.filename), "-C", tmp]);
  // The dependencies an `npm install` would bring, without the network.
  fs.symlinkSync(path.join(root, "node_modules"), path.join(pkg, "node_modules"), "dir");
});

test("npm pack ships the sources, types and docs, and no tests, CI, scripts or build output", () => {
  for (
    const needed of ["bin/smtpilot.mjs", "cli/smtpilot.ts", "types/plugin.d.ts", "types/plugin.mjs", "docs/plugins.md"]
  ) {
    assert.ok(files.includes(needed), needed);
  }
  const unwanted = files.filter((f) =>
    /^(test|\.ci|scripts|dist|node_modules)\//.test(f) || /\.test\.ts$/.test(f) || f === "tsconfig.json"
  );
  assert.deepEqual(unwanted, []);
});

test("every relative import in the packed sources resolves inside the package", () => {
  const missing: string[] = [];
  for (const file of files.filter((f) => /\.(ts|mjs|js|cjs)$/.test(f) && !f.endsWith(".d.ts"))) {
    const text = fs.readFileSync(path.join(pkg, file), "utf8");
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!));
      if (!files.includes(target)) missing.push(`${file} -> ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

function runPacked(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(pkg, "bin/smtpilot.mjs"), ...args],
      { cwd: tmp, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

test("the packed bin runs from the unpacked package: --version, fixture --list, diagnose --fixture", async () => {
  const version = await runPacked(["--version"]);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^smtpilot \d+\.\d+\.\d+ \(node v24\./);
  const list = await runPacked(["fixture", "--list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(JSON.parse(list.stdout).scenarios.length > 0);
  const run = await runPacked(["diagnose", "--fixture", "cert-expired", "--json"]);
  assert.equal(run.code, 13, run.stderr);
  assert.equal(JSON.parse(run.stdout).verdict.code, "tls.cert-expired");
});
