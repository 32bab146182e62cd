// The single binary's split: a small boot script, the CLI as an asset, and each lazily loaded
// package as an asset. Every asset must load on its own (only builtins outside it) and export every
// subpath the CLI imports — a broken asset would fail only when a user reaches that command — and
// the loader's lazy objects must hand out the package's own exports, on first use only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { buildSeaBundles, LAZY_BUILTINS, LAZY_PACKAGES, lazyAsset } from "../../scripts/build/sea-bundle.mjs";
import { assetLoader } from "../../scripts/build/sea-loader.mjs";
import { makeTestDir } from "../helpers/temp-dir.ts";

const root = path.resolve(import.meta.dirname, "../..");
const builtinsOnly = createRequire(import.meta.url);
const onlyBuiltins = (id: string) => {
  if (!id.startsWith("node:") && !builtinsOnly("node:module").builtinModules.includes(id)) {
    throw new Error(`asset requires ${id}, which the binary cannot load`);
  }
  return builtinsOnly(id);
};

test("the boot script is small, the CLI and every lazy package are assets that load with builtins only", async () => {
  const dir = makeTestDir("smtpilot-sea-");
  const { main, assets, lazy } = await buildSeaBundles(root, dir, { SMTPILOT_BUILD: JSON.stringify("bundle") });
  // The boot script answers --version and loads the CLI: no command, no package in it.
  assert.ok(fs.statSync(main).size < 20_000, `boot script of ${fs.statSync(main).size} bytes`);
  assert.doesNotMatch(fs.readFileSync(main, "utf8"), /require\("(?!node:)/);
  const cli = fs.readFileSync(assets.cli!, "utf8");
  const calls = [...cli.matchAll(/__smtpilotLazy\("([^"]+)",\s*"([^"]+)"(?:,\s*\[[^\]]*\])?\)/g)];
  assert.ok(calls.length >= 8, `${calls.length} lazy imports found in the CLI`);
  for (const [, pkg] of calls) {
    assert.ok(LAZY_PACKAGES.includes(pkg!) || LAZY_BUILTINS.includes(pkg!.replace(/^node:/, "")), pkg);
  }
  // V8 gets the CLI's source as a one-byte string only when it is ASCII (the build refuses other text).
  assert.doesNotMatch(cli, /[\u0080-\uffff]/);
  // Commander's variadic test builds ICU's ID_Continue set only behind the cheap test of its tail.
  const variadic = [...cli.matchAll(/ID_Continue/g)].map((m) => cli.slice(m.index - 60, m.index));
  assert.equal(variadic.length, 1);
  assert.match(variadic[0]!, /\.test\([\w$]+\)\s*&&\s*(new RegExp\(|\/)/);
  for (const [pkg, subs] of Object.entries(lazy)) {
    if (pkg.startsWith("node:")) {
      assert.ok(builtinsOnly("node:module").builtinModules.includes(pkg.slice(5)), pkg);
      continue;
    }
    const m = { exports: {} as Record<string, unknown> };
    new Function("module", "exports", "require", fs.readFileSync(assets[lazyAsset(pkg)]!, "utf8"))(
      m,
      m.exports,
      onlyBuiltins,
    );
    for (const sub of subs) assert.ok(m.exports[sub] !== undefined, `${pkg} ${sub}`);
  }
  assert.ok(Object.keys(assets).filter((a) => a.startsWith("lazy/")).length >= 6);
});

test("the cache step indexes every lazy export; a lazy object loads its package on first use and hands out its own exports", async () => {
  const dir = makeTestDir("smtpilot-sea-");
  const built = await buildSeaBundles(root, dir, { SMTPILOT_BUILD: JSON.stringify("bundle") });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(built));
  // Without --cache: only the export index (the caches need the very Node the binary embeds).
  const out = execFileSync(process.execPath, [path.join(root, "scripts/build/sea-cache.mjs"), dir], {
    encoding: "utf8",
  });
  assert.deepEqual(JSON.parse(out).caches, {});
  const index = JSON.parse(fs.readFileSync(path.join(dir, "lazy/exports.json"), "utf8"));
  for (const [pkg, subs] of Object.entries(built.lazy)) {
    for (const sub of subs) assert.ok(sub in index[pkg], `${pkg} ${sub} indexed`);
  }
  const loads: string[] = [];
  const loader = assetLoader({
    require: onlyBuiltins,
    source: (name: string) => {
      loads.push(name);
      return fs.readFileSync(path.join(dir, `${name}.js`), "utf8");
    },
    cache: () => undefined,
    exportsIndex: () => index,
  });
  const yaml = loader.lazy("yaml", ".") as { parse: (text: string) => unknown };
  assert.deepEqual(loads, [], "nothing loads before an export is used");
  assert.deepEqual(yaml.parse("a: [1, 2]"), { a: [1, 2] });
  assert.deepEqual(loads, ["lazy/yaml"]);
  const dgram = loader.lazy("node:dgram", ".") as { createSocket: unknown };
  assert.equal(dgram.createSocket, builtinsOnly("node:dgram").createSocket);
  // Imported by names only: the lazy object holds those names (each an accessor esbuild copies twice
  // more), and hands out the package's own exports.
  const named = loader.lazy("yaml", ".", ["isMap", "parse"]) as Record<string, unknown>;
  assert.deepEqual(Object.keys(named).sort(), ["isMap", "parse"]);
  assert.equal(named.parse, yaml.parse);
  assert.deepEqual(loads, ["lazy/yaml"], "the package loaded once for both objects");
  // Every named lazy object of the CLI was checked against the package's real exports, and a name it
  // does not export fails the build rather than a user's run.
  assert.ok(built.named.some(([pkg, , names]) => pkg === "tldts" && names.includes("getDomain")));
  fs.writeFileSync(
    path.join(dir, "manifest.json"),
    JSON.stringify({ ...built, named: [...built.named, ["yaml", ".", ["parse", "noSuchExport"]]] }),
  );
  const bad = spawnSync(process.execPath, [path.join(root, "scripts/build/sea-cache.mjs"), dir], { encoding: "utf8" });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /noSuchExport/);

  // Loading the CLI copies no builtin's exports: a copy reads every export's descriptor, which
  // makes Node load the modules behind its lazy exports (util's diff, parseArgs, worker threads).
  const probe = [
    `import fs from "node:fs";`,
    `import { createRequire } from "node:module";`,
    `import { assetLoader } from ${JSON.stringify(path.join(root, "scripts/build/sea-loader.mjs"))};`,
    `const dir = ${JSON.stringify(dir)};`,
    `const before = new Set(process.moduleLoadList);`,
    `assetLoader({ require: createRequire(dir + "/boot.cjs"), source: (n) => fs.readFileSync(dir + "/" + n + ".js", "utf8"),`,
    `  cache: () => undefined, exportsIndex: () => JSON.parse(fs.readFileSync(dir + "/lazy/exports.json", "utf8")) }).load("cli");`,
    `console.log(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))));`,
  ].join("\n");
  const loadedByCli: string[] = JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" }),
  );
  assert.ok(loadedByCli.includes("NativeModule net"), `the CLI loads net: ${loadedByCli.join(", ")}`);
  for (const unused of ["internal/util/diff", "internal/util/parse_args/parse_args", "worker_threads"]) {
    assert.ok(!loadedByCli.includes(`NativeModule ${unused}`), `loading the CLI loaded ${unused}`);
  }
});
