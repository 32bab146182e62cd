// Smoke suite for the single executable: builds dist/smtpilot-<os>-<arch> with the real build
// script, then runs it from an empty folder with a PATH that has no node, as a user would.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { waitUntil } from "../helpers/wait-until.ts";
import { appOnlyOAuthThrough } from "../oauth/oauth-runtimes.ts";

const root = process.cwd();
const binary = path.join(root, "dist", `smtpilot-${process.platform}-${process.arch}`);
const empty = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bin-"));

after(() => fs.rmSync(empty, { recursive: true, force: true }));

before(() => {
  execFileSync(process.execPath, ["scripts/build/binary.mjs"], { stdio: "ignore" });
});

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      binary,
      args,
      { cwd: empty, env: { PATH: "/usr/bin:/bin", ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

test("the binary's checksum file matches it", () => {
  const [sum] = fs.readFileSync(`${binary}.sha256`, "utf8").split(/\s+/);
  assert.equal(sum, createHash("sha256").update(fs.readFileSync(binary)).digest("hex"));
});

test("the binary prints its version without node on PATH", async () => {
  const r = await run(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^smtpilot \d+\.\d+\.\d+ \(node v24\.\d+\.\d+, [a-z0-9]+-[a-z0-9]+, single binary\)\n$/);
});

test("the binary runs a healthy auth probe against its own fixture", async () => {
  const r = await run(["diagnose", "--fixture", "healthy-starttls", "--user", "demo", "--secret", "env:PW", "--json"], {
    PW: FIXTURE_DEMO_SECRET,
  });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "smtpilot.diagnose/1");
  assert.equal(doc.layers.find((l: { id: string }) => l.id === "auth").status, "pass");
});

test("the binary starts with a full-size young generation and V8 accepts every code cache it loads", async () => {
  // A preload (NODE_OPTIONS still reaches the binary) reports the young generation V8 started with.
  const probe = path.join(empty, "young.cjs");
  fs.writeFileSync(
    probe,
    `const s = require("node:v8").getHeapSpaceStatistics().find((x) => x.space_name === "new_space");
process.stderr.write("young " + s.space_size + "\\n");`,
  );
  const r = await run(["diagnose", "--fixture", "healthy-starttls", "--json"], {
    SMTPILOT_TIMING: "1",
    NODE_OPTIONS: `--require ${probe}`,
  });
  assert.equal(r.code, 0, r.stderr);
  const young = Number(/^young (\d+)$/m.exec(r.stderr)?.[1]);
  // 16 MB from the start (SEA_EXEC_ARGV): a probe never stops for a scavenge; V8's default is 1 MB.
  assert.ok(young >= 16 * 2 ** 20, `young generation ${young} bytes`);
  const timing = JSON.parse(/^smtpilot: timing (\{.*\})$/m.exec(r.stderr)?.[1] ?? "{}");
  const assets = timing.assets as { asset: string; cache: string }[];
  // The CLI and the fixture's lazily loaded packages, each compiled from its build-time cache.
  assert.ok(assets.some((a) => a.asset === "cli") && assets.some((a) => a.asset.startsWith("lazy/")), r.stderr);
  assert.deepEqual(assets.filter((a) => a.cache !== "accepted"), []);
});

test("the binary exits with the failing layer's code", async () => {
  const r = await run(["diagnose", "--fixture", "cert-expired"]);
  assert.equal(r.code, 13);
  assert.match(r.stdout, /tls\.cert-expired/);
});

test("the binary loads a user plugin", async () => {
  const r = await run([
    "--plugin",
    path.join(root, "examples/plugins/oneline-reporter.mjs"),
    "diagnose",
    "--fixture",
    "healthy-implicit",
    "--reporter",
    "oneline",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PASS/);
});

test("the binary reports a broken plugin and keeps working", async () => {
  const bad = path.join(empty, "bad.mjs");
  fs.writeFileSync(bad, "export default { name: 'bad', setup() { throw new Error('nope'); } };");
  const r = await run(["--plugin", bad, "diagnose", "--fixture", "healthy-starttls"]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /bad.*E_PLUGIN_SETUP/);
});

test("the binary lists fixture scenarios and prints completions", async () => {
  const list = await run(["fixture", "--list", "--json"]);
  assert.equal(list.code, 0);
  assert.ok(JSON.parse(list.stdout).scenarios.some((s: { name: string }) => s.name === "healthy-starttls"));
  const bash = await run(["completions", "bash"]);
  assert.equal(bash.code, 0);
  assert.match(bash.stdout, /complete -F _smtpilot smtpilot/);
});

test("the binary loads a .cjs plugin written as module.exports and a .ts plugin in erasable TypeScript", async () => {
  const cjs = path.join(empty, "plain.cjs");
  fs.writeFileSync(
    cjs,
    "module.exports = { name: 'plain', version: '1', setup(api) { api.addReporter({ name: 'plain', render: () => 'cjs ok\\n' }); } };",
  );
  const ts = path.join(empty, "typed.ts");
  fs.writeFileSync(
    ts,
    [
      "interface Options { suffix: string }",
      "type Report = { verdict: { status: string } };",
      "const options: Options = { suffix: '!' };",
      "export default {",
      "  name: 'typed', version: '1',",
      "  setup(api: { addReporter(r: { name: string; render(r: Report): string }): void }): void {",
      "    api.addReporter({ name: 'typed', render: (r: Report): string => `ts ${r.verdict.status}${options.suffix}\\n` });",
      "  },",
      "} satisfies { name: string; version: string };",
    ].join("\n"),
  );
  const r = await run([
    "--plugin",
    cjs,
    "--plugin",
    ts,
    "diagnose",
    "--fixture",
    "healthy-starttls",
    "--reporter",
    "typed",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "ts pass!\n");
  assert.equal(r.stderr, "");
});

test("the binary refuses a .ts plugin with an enum (not erasable), naming the file, line and column", async () => {
  const file = path.join(empty, "with-enum.ts");
  fs.writeFileSync(file, "export default { name: 'e', version: '1', setup() {} };\nenum Level { Low, High }\n");
  const r = await run(["--plugin", file, "diagnose", "--fixture", "healthy-starttls", "--json"]);
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.stdout).verdict.status, "pass");
  const line = r.stderr.trim();
  assert.match(line, /E_PLUGIN_IMPORT/);
  assert.ok(line.includes(file), line);
  assert.match(line, /line 2, column 1\b/);
  assert.match(line, /enum/);
});

test("the binary names a syntax error's line and column and refuses a folder without its own build paths", async () => {
  const bad = path.join(empty, "syntax.mjs");
  fs.writeFileSync(bad, "export default {\n  name: 'x',\n  setup() { let a = ; }\n};\n");
  const folder = path.join(empty, "folder.mjs");
  fs.mkdirSync(folder, { recursive: true });
  const r = await run(["--plugin", bad, "--plugin", folder, "diagnose", "--fixture", "healthy-starttls"]);
  assert.equal(r.code, 0);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines.find((l) => l.includes("syntax.mjs")) ?? "", /line 3, column 21/);
  assert.ok(lines.some((l) => l.includes(folder) && l.includes("E_PLUGIN_IMPORT")), r.stderr);
  assert.ok(!r.stderr.includes(root) && !r.stderr.includes("smtpilot.cjs"), r.stderr);
});

test("the binary serves MCP on stdio: initialize, tools/list, a tool call, then a clean exit when stdin ends", async () => {
  const { spawn } = await import("node:child_process");
  const child = spawn(binary, ["--home", empty, "mcp"], { cwd: empty, env: { PATH: "/usr/bin:/bin" } });
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  child.stdout.on("data", (d) => {
    buffer += d;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      lines.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
  });
  const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
  const reply = async (id: number) => {
    await waitUntil(() => lines.some((l) => l.id === id), { child, what: `reply ${id}` });
    return lines.find((l) => l.id === id) as { result?: Record<string, unknown> };
  };
  send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "smoke", version: "1" } },
  });
  assert.equal(((await reply(1)).result?.serverInfo as { name: string }).name, "smtpilot");
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
  send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
  const tools = (await reply(2)).result?.tools as { name: string }[];
  assert.ok(tools.some((t) => t.name === "send_canary"));
  send({
    jsonrpc: "2.0",
    id: 3,
    method: "tools/call",
    params: { name: "explain", arguments: { reply: ["421 4.7.0 Try again later"] } },
  });
  const call = (await reply(3)).result as { structuredContent: { schema: string } };
  assert.equal(call.structuredContent.schema, "smtpilot.explain/1");
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  child.stdin.end();
  assert.equal(await exited, 0);
});

test("the binary loads its lazily embedded packages: init and status (yaml), draft (nodemailer), preflight gates (tldts)", async () => {
  const home = path.join(empty, "home");
  assert.equal((await run(["--home", home, "init"])).code, 0);
  const status = await run(["--home", home, "status", "--json"]);
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).schema, "smtpilot.status/1");
  const draft = await run([
    "draft",
    "--from",
    "Me <me@example.com>",
    "--to",
    "you@example.net",
    "--text",
    "hi",
    "--json",
  ]);
  assert.equal(draft.code, 0, draft.stderr);
  assert.match(JSON.parse(draft.stdout).digest, /^[0-9a-f]{64}$/);
  // The canary gate compares organisational domains (tldts) before anything connects.
  assert.equal((await run(["--home", home, "canary", "add", "friend@other.example"])).code, 0);
  const gate = await run([
    "--home",
    home,
    "profile",
    "add",
    "lab",
    "--provider",
    "custom",
    "--host",
    "127.0.0.1",
    "--port",
    "1",
    "--tls",
    "starttls",
    "--user",
    "me",
    "--secret",
    "env:PW",
    "--from",
    "me@example.com",
  ]);
  assert.equal(gate.code, 0, gate.stderr);
  const refused = await run([
    "--home",
    home,
    "preflight",
    "--profile",
    "lab",
    "--to",
    "friend@other.example",
    "--text",
    "hi",
    "--json",
  ]);
  assert.equal(refused.code, 4, refused.stderr);
  assert.equal(JSON.parse(refused.stdout).error.code, "gate.canary-external");
});

test("the binary runs OAuth (oauth4webapi, jose, the verifying fetch): an app-only profile checked end to end", async () => {
  await appOnlyOAuthThrough(run, empty);
});
