// The single binary's split: a small main script, and each lazily loaded package as an asset.
// Every asset must load on its own (only builtins outside it) and export every subpath the
// CLI imports — a broken asset would fail only when a user reaches that command.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { buildSeaBundles, LAZY_PACKAGES } from "../../scripts/build/sea-bundle.mjs";
import { makeTestDir } from "../helpers/temp-dir.ts";

test("the binary's main script stays small and every lazy package's asset loads with what the CLI imports", async () => {
  const dir = makeTestDir("smtpilot-sea-");
  const root = path.resolve(import.meta.dirname, "../..");
  const { main, assets } = await buildSeaBundles(root, dir, { SMTPILOT_BUILD: JSON.stringify("bundle") });
  assert.ok(fs.statSync(main).size < 1_200_000, `main script of ${fs.statSync(main).size} bytes`);
  const text = fs.readFileSync(main, "utf8");
  const calls = [...text.matchAll(/__smtpilotLazy\("([^"]+)","([^"]+)"\)/g)];
  assert.ok(calls.length >= 8, `${calls.length} lazy imports found in the main script`);
  const builtinsOnly = createRequire(import.meta.url);
  const onlyBuiltins = (id: string) => {
    if (!id.startsWith("node:") && !builtinsOnly("node:module").builtinModules.includes(id)) {
      throw new Error(`asset requires ${id}, which the binary cannot load`);
    }
    return builtinsOnly(id);
  };
  for (const [name, file] of Object.entries(assets)) {
    const m = { exports: {} as Record<string, unknown> };
    new Function("module", "exports", "require", "__filename", "__dirname", fs.readFileSync(file, "utf8") as string)(
      m,
      m.exports,
      onlyBuiltins,
      name,
      "/",
    );
    const pkg = name.replace(/^lazy\//, "").replace(/\.cjs$/, "").replace("__", "/");
    assert.ok(LAZY_PACKAGES.includes(pkg), pkg);
    // Each subpath the main script asks for is exported.
    for (const call of calls) {
      if (call[1] === pkg) assert.ok(m.exports[call[2]!] !== undefined, `${pkg} ${call[2]}`);
    }
  }
  assert.ok(Object.keys(assets).length >= 6);
});
