// CI runs what a developer runs: `.ci/run` ends in `npm run check`, and `check` is format check,
// lint, type check and the tests — so a lint or type error fails CI, not only `npm test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";

test(".ci/run is valid bash and runs npm run check after installing", () => {
  assert.equal(spawnSync("bash", ["-n", ".ci/run"]).status, 0);
  const lines = fs.readFileSync(".ci/run", "utf8").split("\n").map((l) => l.trim()).filter((l) =>
    l && !l.startsWith("#")
  );
  assert.equal(lines.at(-1), "npm run check");
  assert.ok(lines.indexOf("npm ci --no-audit --no-fund") < lines.length - 1);
  for (const pkg of ["postfix", "dovecot-core", "zsh", "swaks"]) {
    assert.ok(lines.some((l) => l.startsWith(`${pkg} `) || l === pkg), `${pkg} is installed`);
  }
});

test("npm run check runs the format check, lint, type check and every test", () => {
  const check = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts
    .check!;
  const steps = check.split("&&").map((s) => s.trim());
  assert.deepEqual(steps, ["deno fmt --check", "deno lint", "tsc --noEmit -p tsconfig.json", "npm test"]);
});
