// Deno smoke suite: the same sources run with `deno run` (Deno from the npm package), against
// fixtures served by the Deno process itself. Deno reports an expired certificate with a
// different error code than Node; the diagnosis must still say tls.cert-expired.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { appOnlyOAuthThrough } from "../oauth/oauth-runtimes.ts";

const deno = path.join(process.cwd(), "node_modules/.bin/deno");

function denoRun(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(deno, ["run", "-A", "cli/smtpilot.ts", ...args], {
      env: { ...process.env, NO_COLOR: "1", ...env },
      timeout: 90_000,
    }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The suites `deno test` runs below; they are type-checked here with the entry point. */
const CORE_SUITES = ["test/core/", "test/knowledge/"];
const OAUTH_SUITES = ["test/oauth/", "test/secrets/keyring.test.ts"];

test("deno check passes on the entry point and on the suites run under deno test", () => {
  // One pass over the modules they share (most of core/), instead of one per `deno test` run.
  execFileSync(deno, ["check", "cli/smtpilot.ts", ...CORE_SUITES, ...OAUTH_SUITES], { stdio: "pipe" });
});

const cases: { name: string; args: string[]; code: number; verdict: string }[] = [
  {
    name: "an auth probe over STARTTLS",
    args: [
      "--fixture",
      "healthy-starttls",
      "--user",
      "demo",
      "--secret",
      "env:PW",
      "--from",
      "a@smtpilot.test",
      "--to",
      "b@smtpilot.test",
    ],
    code: 0,
    verdict: "pass",
  },
  { name: "implicit TLS detected by --tls auto", args: ["--fixture", "healthy-implicit"], code: 0, verdict: "pass" },
  {
    name: "a mode mismatch",
    args: ["--fixture", "healthy-implicit", "--tls", "starttls"],
    code: 13,
    verdict: "tls.mode-mismatch",
  },
  { name: "an expired certificate", args: ["--fixture", "cert-expired"], code: 13, verdict: "tls.cert-expired" },
  {
    name: "a wrong password",
    args: ["--fixture", "auth-invalid", "--user", "demo", "--secret", "env:PW"],
    code: 15,
    verdict: "auth.invalid-credentials",
  },
];

for (const c of cases) {
  test(`deno run: ${c.name} ends ${c.verdict}`, async () => {
    const r = await denoRun(["diagnose", ...c.args, "--json"], { PW: FIXTURE_DEMO_SECRET });
    assert.equal(r.code, c.code, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.verdict.status === "pass" ? "pass" : doc.verdict.code, c.verdict);
  });
}

test("the core and knowledge unit suites pass under deno test", () => {
  execFileSync(deno, ["test", "-A", "--quiet", "--no-check", ...CORE_SUITES], {
    stdio: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
});

test("deno run: plugins load in every export form, and broken ones are named with their file and syntax error position", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-deno-plugins-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files: Record<string, string> = {
    "exports.cjs":
      "module.exports = { name: 'cjs', version: '1', setup(api) { api.addReporter({ name: 'cjs', render: (r) => `cjs ${r.verdict.status}\\n` }); } };",
    "typed.ts":
      "const v: string = '1';\nexport default { name: 'ts', version: v, setup(api: any): void { console.log('to stderr'); } };",
    "syntax.mjs": "export default {\n  name: 'x',\n  setup() { let a = ; }\n};\n",
    "function.mjs": "export default function setup() {}",
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const plugins = Object.keys(files).flatMap((name) => ["--plugin", path.join(dir, name)]);
  const r = await denoRun([...plugins, "diagnose", "--fixture", "healthy-starttls", "--reporter", "cjs"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "cjs pass\n");
  const lines = r.stderr.trim().split("\n");
  assert.ok(lines.includes("to stderr"), r.stderr);
  assert.match(lines.find((l) => l.includes("syntax.mjs")) ?? "", /E_PLUGIN_IMPORT.*line 3, column 21/);
  assert.match(lines.find((l) => l.includes("function.mjs")) ?? "", /E_PLUGIN_INVALID/);
});

test("the OAuth grants, an OAuth profile's run and keyring:NAME pass under deno test", () => {
  execFileSync(deno, ["test", "-A", "--quiet", "--no-check", ...OAUTH_SUITES], {
    stdio: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
});

test("deno run: an app-only OAuth profile checked end to end", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-deno-oauth-"));
  try {
    await appOnlyOAuthThrough(denoRun, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
