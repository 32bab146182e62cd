// The npm package's V8 code cache (bin/code-cache.mjs): a command's first run leaves a cache of what it
// compiled, later runs of that command read it, and the cache is only ever read from a folder and a
// file nobody else can write — V8 runs what a code cache holds. Run on a small CommonJS "bundle" that
// prints what a bundle relies on (require, __filename, its exports object) and imports a module the
// way a plugin file is imported (the entry's importer, cli/smtpilot.ts).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.cwd();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-code-cache-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const cacheModule = pathToFileURL(path.join(root, "bin/code-cache.mjs")).href;

const bundle = path.join(tmp, "bundle.cjs");
const plugin = path.join(tmp, "plugin.mjs");
fs.writeFileSync(plugin, "export const name = 'from a plugin file';\n");
fs.writeFileSync(
  bundle,
  `const path = require("node:path");
function greet(who) { return "hello " + who; }
const importer = globalThis[Symbol.for("smtpilot.entry-import")];
importer(${JSON.stringify(pathToFileURL(plugin).href)}).then((m) => {
  process.stdout.write(JSON.stringify({ greet: greet(path.basename(__filename)), plugin: m.name, exports: typeof exports }));
  process.exit(0);
});
`,
);

/** A bundle that ends as a usage error does (exit 2). */
const usageBundle = path.join(tmp, "usage.cjs");
fs.writeFileSync(usageBundle, "function usage() { process.exit(2); }\nusage();\n");

/** Runs the bundle through runWithCodeCache with the cache in `folder`: its output, parsed, and the cache it started from. */
function runBundle(
  folder: string | undefined,
  argv: string[],
  file = bundle,
): { ran: boolean; out: Record<string, unknown>; from: string; rejected: boolean } {
  const script = `import(${JSON.stringify(cacheModule)}).then((m) => {
    const ran = m.runWithCodeCache(${JSON.stringify(pathToFileURL(file).href)}, ${JSON.stringify(argv)}, {
      folder: ${folder === undefined ? "m.cacheFolder(" + JSON.stringify(tmp) + ")" : JSON.stringify(folder)},
      report: (r) => process.stderr.write(JSON.stringify(r)),
    });
    if (!ran) { process.stdout.write("{}"); }
  });`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  const cache = JSON.parse(r.stderr || "{}") as { from?: string; rejected?: boolean };
  return { ran: "greet" in out, out, from: cache.from ?? "", rejected: cache.rejected === true };
}

function cacheFiles(folder: string): string[] {
  return fs.readdirSync(folder).filter((f) => f.endsWith(".v8")).sort();
}

test("a command's first run leaves its cache (mode 0600), a later run reads it, another command gets its own", () => {
  const folder = path.join(tmp, "own");
  fs.mkdirSync(folder, { mode: 0o700 });
  const first = runBundle(folder, ["--home", "/somewhere", "send", "--json"]);
  assert.deepEqual(first.out, { greet: "hello bundle.cjs", plugin: "from a plugin file", exports: "object" });
  assert.equal(first.from, "none");
  const [file] = cacheFiles(folder);
  assert.match(file ?? "", /-send\.v8$/, "named by the command word, not --home's value");
  const cache = path.join(folder, file as string);
  assert.equal(fs.statSync(cache).mode & 0o777, 0o600);
  const written = fs.readFileSync(cache);
  assert.ok(written.length > 100);
  // The same command with the same options: read (V8 takes it), not made again.
  const again = runBundle(folder, ["send", "--json"]);
  assert.deepEqual([again.out, again.from, again.rejected], [first.out, "own", false]);
  assert.deepEqual(fs.readFileSync(cache), written);
  // Other options (a canary, then a list): made again, holding both.
  runBundle(folder, ["send", "--canary"]);
  assert.match(fs.readFileSync(cache, "latin1").split("\n")[0] ?? "", /^smtpilot-code-cache\/1 json canary$/);
  // Another command's first run starts from the cache there is (the same bundle), then gets its own.
  const status = runBundle(folder, ["status"]);
  assert.deepEqual([status.from, status.rejected], ["seed", false]);
  assert.equal(cacheFiles(folder).length, 2);
  assert.equal(runBundle(folder, ["status"]).from, "own");
});

test("a bundle as bundle.mjs writes it (wrapped, calling itself) runs alike from the cache and as a plain module", async () => {
  const { BUNDLE_HEAD, BUNDLE_TAIL } = await import(cacheModule) as { BUNDLE_HEAD: string; BUNDLE_TAIL: string };
  const wrapped = path.join(tmp, "wrapped.cjs");
  // What the bundle relies on, and whether the arguments the entry handed over outlive its top level.
  const body = fs.readFileSync(bundle, "utf8").replace(
    "exports: typeof exports",
    'exports: typeof exports, left: typeof globalThis[Symbol.for("smtpilot.bundle-arguments")]',
  );
  fs.writeFileSync(wrapped, `${BUNDLE_HEAD}${body}${BUNDLE_TAIL}`);
  const expected = { greet: "hello wrapped.cjs", plugin: "from a plugin file", exports: "object", left: "undefined" };
  const folder = path.join(tmp, "wrapped");
  fs.mkdirSync(folder, { mode: 0o700 });
  const first = runBundle(folder, ["send"], wrapped);
  assert.deepEqual([first.out, first.from], [expected, "none"]);
  const again = runBundle(folder, ["send"], wrapped);
  assert.deepEqual([again.out, again.from, again.rejected], [expected, "own", false]);
  // Required as a module (Node's loader, the fallback without a cache folder): the module wrapper's arguments.
  const plain = spawnSync(process.execPath, [
    "-e",
    `globalThis[Symbol.for("smtpilot.entry-import")] = (u) => import(u);
    require(${JSON.stringify(wrapped)});`,
  ], { encoding: "utf8" });
  assert.equal(plain.status, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout), expected);
});

test("a cache file another user could write is never read: it is replaced by this user's own", () => {
  const folder = path.join(tmp, "loose");
  fs.mkdirSync(folder, { mode: 0o700 });
  runBundle(folder, ["verify"]);
  const cache = path.join(folder, cacheFiles(folder)[0] as string);
  // A cache V8 would take, but group- and world-writable: not read, so made again (a new file, 0600).
  fs.chmodSync(cache, 0o666);
  const before = fs.statSync(cache).ino;
  const loose = runBundle(folder, ["verify"]);
  assert.deepEqual([loose.out.greet, loose.from], ["hello bundle.cjs", "none"], "nor taken as another's seed");
  assert.notEqual(fs.statSync(cache).ino, before, "the writable file was used");
  assert.equal(fs.statSync(cache).mode & 0o777, 0o600);
  // The same file, this user's alone: read, and left as it is.
  const kept = fs.statSync(cache).ino;
  runBundle(folder, ["verify"]);
  assert.equal(fs.statSync(cache).ino, kept);
});

test("a cache V8 refuses (damaged, another build) changes nothing but the speed, and is made again", () => {
  const folder = path.join(tmp, "damaged");
  fs.mkdirSync(folder, { mode: 0o700 });
  runBundle(folder, ["doctor"]);
  const cache = path.join(folder, cacheFiles(folder)[0] as string);
  fs.writeFileSync(cache, "smtpilot-code-cache/1 \n" + "x".repeat(4096), { mode: 0o600 });
  const damaged = runBundle(folder, ["doctor"]);
  assert.deepEqual([damaged.out.greet, damaged.from, damaged.rejected], ["hello bundle.cjs", "own", true]);
  assert.ok(fs.statSync(cache).size !== 4096 + 23);
});

test("a link or a folder another user could write is no cache folder: the caller runs the bundle its own way", async () => {
  const { cacheFolder } = await import(cacheModule) as { cacheFolder: (base: string) => string | undefined };
  const uid = process.getuid?.() as number;
  const own = path.join(tmp, "base-own");
  fs.mkdirSync(own);
  assert.equal(cacheFolder(own), path.join(own, `smtpilot-code-cache-${uid}`));
  assert.equal(fs.statSync(path.join(own, `smtpilot-code-cache-${uid}`)).mode & 0o777, 0o700);
  const loose = path.join(tmp, "base-loose");
  fs.mkdirSync(path.join(loose, `smtpilot-code-cache-${uid}`), { recursive: true, mode: 0o777 });
  fs.chmodSync(path.join(loose, `smtpilot-code-cache-${uid}`), 0o777);
  assert.equal(cacheFolder(loose), undefined);
  const linked = path.join(tmp, "base-link");
  fs.mkdirSync(linked);
  fs.symlinkSync(path.join(own, `smtpilot-code-cache-${uid}`), path.join(linked, `smtpilot-code-cache-${uid}`));
  assert.equal(cacheFolder(linked), undefined);
  // A base others may write without the sticky bit ($XDG_CACHE_HOME set to such a folder): another user
  // could rename our folder away and put theirs in its place after the check.
  const open = path.join(tmp, "base-open");
  fs.mkdirSync(open);
  fs.chmodSync(open, 0o777);
  assert.equal(cacheFolder(open), undefined);
  fs.chmodSync(open, 0o1777); // sticky, like /tmp: only the owner may rename what is in it
  assert.equal(cacheFolder(open), path.join(open, `smtpilot-code-cache-${uid}`));
  // No folder: runWithCodeCache runs nothing, so bin/smtpilot.mjs runs the bundle with no cache.
  const base = path.join(tmp, "base-run");
  fs.mkdirSync(path.join(base, `smtpilot-code-cache-${uid}`), { recursive: true });
  fs.chmodSync(path.join(base, `smtpilot-code-cache-${uid}`), 0o777);
  const script = `import(${JSON.stringify(cacheModule)}).then((m) => process.stdout.write(String(
    m.runWithCodeCache(${JSON.stringify(pathToFileURL(bundle).href)}, ["send"], { folder: m.cacheFolder(${
    JSON.stringify(base)
  }) }))))`;
  assert.equal(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }), "false");
});

test("making a cache removes those untouched for a week (of bundles since replaced), and only those", () => {
  const folder = path.join(tmp, "prune");
  fs.mkdirSync(folder, { mode: 0o700 });
  const stale = path.join(folder, "1-2-3-4-v24.0.0-x64-send.v8");
  const recent = path.join(folder, "1-2-3-5-v24.0.0-x64-send.v8");
  for (const f of [stale, recent]) fs.writeFileSync(f, "smtpilot-code-cache/1 \n", { mode: 0o600 });
  const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
  fs.utimesSync(stale, weekAgo, weekAgo);
  runBundle(folder, ["domain"]);
  assert.equal(fs.existsSync(stale), false);
  assert.equal(fs.existsSync(recent), true);
  assert.equal(cacheFiles(folder).filter((f) => f.endsWith("-domain.v8")).length, 1);
});

test("the entry never leaves Node's compile cache in the shared temporary folder, even when another user took its folder", () => {
  const uid = process.getuid?.() as number;
  // A package laid out as npm installs it: bin/ and a bundle, no sources next to them.
  const pkg = path.join(tmp, "pkg");
  fs.mkdirSync(path.join(pkg, "dist"), { recursive: true });
  fs.cpSync(path.join(root, "bin"), path.join(pkg, "bin"), { recursive: true });
  fs.writeFileSync(
    path.join(pkg, "dist/smtpilot.cjs"),
    'process.stdout.write("ran " + process.argv.slice(2).join(" "));\n',
  );
  const run = (home: string, shared: string, args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(pkg, "bin/smtpilot.mjs"), ...args], {
      encoding: "utf8",
      env: { ...process.env, HOME: home, XDG_CACHE_HOME: "", TMPDIR: shared, NODE_COMPILE_CACHE: "" },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `ran ${args.join(" ")}`);
  };
  // Another user made both cache folders first (world-writable): refused, and the bundle runs with no cache.
  const shared = path.join(tmp, "shared-tmp");
  const home = path.join(tmp, "home-taken");
  for (const base of [shared, path.join(home, ".cache")]) {
    fs.mkdirSync(path.join(base, `smtpilot-code-cache-${uid}`), { recursive: true });
    fs.chmodSync(path.join(base, `smtpilot-code-cache-${uid}`), 0o777);
  }
  for (const args of [["--version"], ["status"]]) run(home, shared, args);
  assert.equal(fs.existsSync(path.join(shared, "node-compile-cache")), false, "Node's cache in the shared folder");
  // A home of one's own: both caches in ~/.cache, none in the shared folder.
  const own = path.join(tmp, "home-own");
  fs.mkdirSync(own);
  for (const args of [["--version"], ["status"]]) run(own, shared, args);
  const folder = path.join(own, ".cache", `smtpilot-code-cache-${uid}`);
  assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
  assert.ok(fs.existsSync(path.join(folder, "node")), "Node's compile cache inside the user's own folder");
  assert.ok(cacheFiles(folder).some((f) => f.endsWith("-status.v8")));
  assert.equal(fs.existsSync(path.join(shared, "node-compile-cache")), false);
});

test("a usage error (exit 2) leaves no cache file: a typo is no command worth one", () => {
  const folder = path.join(tmp, "usage");
  fs.mkdirSync(folder, { mode: 0o700 });
  const script = `import(${JSON.stringify(cacheModule)}).then((m) => {
    m.runWithCodeCache(${JSON.stringify(pathToFileURL(usageBundle).href)}, ["bogus"], { folder: ${
    JSON.stringify(folder)
  } });
  });`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 2, r.stderr);
  assert.deepEqual(cacheFiles(folder), []);
});
