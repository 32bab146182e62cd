// The npm package as `npm pack` builds it and users install it: it carries the bundled build
// (dist/smtpilot.cjs, built by `prepack`), the bin that runs it, the plugin types and docs — no
// sources, tests, CI, build scripts or peers' configurations, and no dependency to fetch (the
// bundle holds them). The tarball is installed with `npm install -g` into a private prefix, and
// run through `npx` with a private cache, both offline: each runs the bundle, not tsx.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = process.cwd();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-pack-"));
const prefix = path.join(tmp, "prefix");
// The bin's `#!/usr/bin/env node` finds the Node 24 the tests run on first, as on a user's machine.
// Its caches go to a cache folder of the test's own ($XDG_CACHE_HOME), not the user's ~/.cache.
const cacheHome = path.join(tmp, "xdg-cache");
const env = {
  ...process.env,
  XDG_CACHE_HOME: cacheHome,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
};
let tarball = "";
let files: string[] = [];
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

before(() => {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { encoding: "utf8", stdio: "pipe" });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  files = info!.files.map((f) => f.path);
  tarball = path.join(tmp, info!.filename);
  const quiet = ["--offline", "--no-audit", "--no-fund", "--loglevel=error"];
  execFileSync("npm", ["install", "-g", "--prefix", prefix, ...quiet, tarball], { env, stdio: "pipe" });
});

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: tmp, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test("npm pack ships the bundle, its bin, types and docs, and no sources, tests, CI or scripts", () => {
  for (const needed of ["bin/smtpilot.mjs", "dist/smtpilot.cjs", "types/plugin.d.ts", "types/plugin.mjs"]) {
    assert.ok(files.includes(needed), needed);
  }
  assert.ok(files.includes("docs/plugins.md"));
  const unwanted = files.filter((f) =>
    /^(test|\.ci|scripts|cli|core|plugins|fixtures|node_modules)\//.test(f) ||
    (/\.(ts|mts|cts)$/.test(f) && !f.endsWith(".d.ts")) || f === "tsconfig.json" ||
    (f.startsWith("dist/") && f !== "dist/smtpilot.cjs")
  );
  assert.deepEqual(unwanted, []);
});

test("the package needs nothing from the registry: the bundle holds every dependency", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, unknown>;
  for (const field of ["dependencies", "optionalDependencies", "peerDependencies"]) {
    assert.equal(pkg[field], undefined, field);
  }
  const installed = path.join(prefix, "lib/node_modules/smtpilot");
  assert.ok(fs.existsSync(path.join(installed, "dist/smtpilot.cjs")));
  assert.equal(fs.existsSync(path.join(installed, "node_modules")), false, "no dependency installed (no tsx)");
});

test("npm install -g of the tarball runs the bundle: --version, fixture --list, diagnose --fixture", async () => {
  const bin = path.join(prefix, "bin/smtpilot");
  const version = await run(bin, ["--version"]);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^smtpilot \d+\.\d+\.\d+ \(node v24\.[^)]*, bundle\)\n$/);
  const list = await run(bin, ["fixture", "--list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(JSON.parse(list.stdout).scenarios.length > 0);
  const diagnosed = await run(bin, ["diagnose", "--fixture", "cert-expired", "--json"]);
  assert.equal(diagnosed.code, 13, diagnosed.stderr);
  assert.equal(JSON.parse(diagnosed.stdout).verdict.code, "tls.cert-expired");
  const usage = await run(bin, ["diagnose", "--tls", "bogus"]);
  assert.equal(usage.code, 2, usage.stderr);
});

test("the installed package runs again from its code cache, and imports a plugin file with no warning", async () => {
  const bin = path.join(prefix, "bin/smtpilot");
  // The second run of a command reads the cache its first run made (bin/code-cache.mjs).
  for (let i = 0; i < 2; i++) {
    const diagnosed = await run(bin, ["diagnose", "--fixture", "cert-expired", "--json"]);
    assert.equal(diagnosed.code, 13, diagnosed.stderr);
    assert.equal(JSON.parse(diagnosed.stdout).verdict.code, "tls.cert-expired");
  }
  // A plugin file is imported by the entry's own import(): no experimental vm loader, no warning on stderr.
  const plugin = path.join(root, "examples/plugins/oneline-reporter.mjs");
  for (let i = 0; i < 2; i++) {
    const r = await run(bin, ["--plugin", plugin, "diagnose", "--fixture", "cert-expired", "--reporter", "oneline"]);
    assert.equal(r.code, 13, r.stderr);
    assert.match(r.stdout, /tls\.cert-expired/);
    assert.doesNotMatch(r.stderr, /Warning/);
  }
});

test("the code cache holds compiled code only: no secret a run resolved or sent lands in it", async () => {
  const bin = path.join(prefix, "bin/smtpilot");
  const folder = path.join(cacheHome, `smtpilot-code-cache-${process.getuid?.()}`);
  const started = Date.now() - 1000;
  // A password from the environment, resolved, then sent in AUTH (and refused: the fixture's own
  // demo password is a literal of the bundle, so of its compiled code too — not a secret of the run).
  const secret = `pack-${crypto.randomBytes(9).toString("base64url")}`;
  const args = ["diagnose", "--fixture", "healthy-starttls", "--json", "--user", "demo", "--secret", "env:PACK_PW"];
  for (let i = 0; i < 2; i++) {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(bin, [...args, ...(i === 1 ? ["--timeout", "20"] : [])], {
        cwd: tmp,
        env: { ...env, PACK_PW: secret },
        timeout: 120_000,
      }, (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }));
    });
    assert.equal(r.code, 15, r.stderr); // auth.invalid-credentials: the secret went out in AUTH
  }
  const made = fs.readdirSync(folder).filter((f) => f.endsWith("-diagnose.v8"))
    .map((f) => path.join(folder, f)).filter((f) => fs.statSync(f).mtimeMs >= started);
  assert.ok(made.length > 0, "the runs made a cache");
  const forms = [secret, ...[`\0demo\0${secret}`, secret].map((s) => Buffer.from(s).toString("base64"))];
  for (const file of made) {
    const bytes = fs.readFileSync(file);
    for (const form of forms) assert.equal(bytes.includes(form), false, `${form.slice(0, 3)}… in ${file}`);
  }
});

test("npx of the tarball runs the bundle too", async () => {
  const cache = path.join(tmp, "npm-cache");
  const r = await run("npm", [
    "exec",
    "--yes",
    "--offline",
    "--cache",
    cache,
    "--package",
    tarball,
    "--",
    "smtpilot",
    "--version",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /, bundle\)\n$/);
});

test("a checkout's bin runs the sources (through tsx), never a bundle left over from a build", async () => {
  const r = await run(process.execPath, [path.join(root, "bin/smtpilot.mjs"), "--version"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /, from source\)\n$/);
});
