import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { interpretReply } from "../../core/knowledge/interpret-reply.ts";
import { toReply } from "../../core/smtp/reply.ts";
import { runCli } from "../helpers/cli.ts";

const EXAMPLE = "examples/plugins/oneline-reporter.mjs";

test("the example plugin adds the oneline reporter", async () => {
  const r = await runCli(["--plugin", EXAMPLE, "diagnose", "--fixture", "cert-expired", "--reporter", "oneline"]);
  assert.equal(r.code, 13);
  assert.match(r.stdout, /^smtpilot connectivity-probe 127\.0\.0\.1:\d+ FAIL at tls tls\.cert-expired\n$/);
});

test("a plugin's reply knowledge is consulted before the core table", async () => {
  const registry = await loadAllPlugins([EXAMPLE]);
  assert.deepEqual(registry.failures, []);
  const reply = toReply(550, ["550 5.7.1 Message refused: ACME-QUOTA exhausted for key 42"]);
  assert.equal(interpretReply("rcpt", reply).code, "envelope.policy-rejected");
  const withPlugin = interpretReply("rcpt", reply, registry.replyRules);
  assert.equal(withPlugin.code, "envelope.rate-limited");
  assert.equal(withPlugin.rule, "example.acme-quota");
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-plugins-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const broken: Record<string, string> = {
  "syntax-error.mjs": "export default { name: 'x', setup( {",
  "setup-throws.mjs":
    "export default { name: 'thrower', version: '1', setup() { throw new Error('boom in setup'); } };",
  "not-a-plugin.mjs": "export const answer = 42;",
  "bad-rule.mjs":
    "export default { name: 'bad-rule', version: '1', setup(api) { api.addReplyRules([{ id: 'r', stages: ['rcpt'], text: 'not a regexp', diagnosis: { code: 'nope' } }]); } };",
  "import-throws.cjs": "throw new Error('boom at import');",
  "exports-function.mjs": "export default function setup(api) {}",
  "no-name.mjs": "export default { version: '1', setup() {} };",
  "throws-text.mjs": "export default { name: 'text-thrower', version: '1', setup() { throw 'plain text'; } };",
};
fs.mkdirSync(path.join(dir, "a-folder.mjs"));
for (const [name, text] of Object.entries(broken)) fs.writeFileSync(path.join(dir, name), text);

test("broken plugins are named on stderr and never take the core down", async () => {
  const files = [...Object.keys(broken), "missing.mjs", "a-folder.mjs"].map((n) => path.join(dir, n));
  const r = await runCli([
    ...files.flatMap((f) => ["--plugin", f]),
    "diagnose",
    "--fixture",
    "healthy-starttls",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).verdict.status, "pass");
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, files.length, r.stderr);
  for (
    const [name, code] of [
      ["syntax-error.mjs", "E_PLUGIN_IMPORT"],
      ["thrower", "E_PLUGIN_SETUP"],
      ["bad-rule", "E_PLUGIN_SETUP"],
      ["import-throws.cjs", "E_PLUGIN_IMPORT"],
      ["missing.mjs", "E_PLUGIN_IMPORT"],
      ["not-a-plugin.mjs", "E_PLUGIN_INVALID"],
      ["exports-function.mjs", "E_PLUGIN_INVALID"],
      ["no-name.mjs", "E_PLUGIN_INVALID"],
      ["text-thrower", "E_PLUGIN_SETUP"],
      ["a-folder.mjs", "E_PLUGIN_IMPORT"],
    ]
  ) {
    assert.ok(
      lines.some((l) => l.includes(name as string) && l.includes(code as string)),
      `${name} ${code}\n${r.stderr}`,
    );
  }
  // Each line names the file it is about; a thrown string is shown; no line points into smtpilot itself.
  assert.ok(lines.some((l) => l.includes("exports-function.mjs") && l.includes("function")), r.stderr);
  assert.ok(lines.some((l) => l.includes("no-name.mjs") && l.includes("E_PLUGIN_INVALID")), r.stderr);
  assert.ok(lines.some((l) => l.includes("text-thrower") && l.includes("plain text")), r.stderr);
  assert.match(lines.find((l) => l.includes("syntax-error.mjs")) ?? "", /line 1, column \d+/);
  assert.doesNotMatch(r.stderr, /cli\/plugin-|smtpilot\.cjs|node:internal|\n\s+at /);
});

test("a TypeScript plugin loads when running from source", async () => {
  const file = path.join(dir, "ts-plugin.ts");
  fs.writeFileSync(
    file,
    "const p: { name: string } = { name: 'ts' };\nexport default { ...p, version: '1', setup(api: any) { api.addReporter({ name: 'ts', render: () => 'typescript ok\\n' }); } };\n",
  );
  const r = await runCli(["--plugin", file, "diagnose", "--fixture", "healthy-starttls", "--reporter", "ts"]);
  assert.equal(r.stdout, "typescript ok\n", r.stderr);
});

test("a .cjs plugin written as module.exports = { name, version, setup } loads", async () => {
  const file = path.join(dir, "module-exports.cjs");
  fs.writeFileSync(
    file,
    "module.exports = { name: 'cjs', version: '1.0.0', setup(api) { api.addReporter({ name: 'cjs', render: (r) => `cjs ${r.verdict.status}\\n` }); } };\n",
  );
  const r = await runCli(["--plugin", file, "diagnose", "--fixture", "healthy-starttls", "--reporter", "cjs"]);
  assert.equal(r.stdout, "cjs pass\n", r.stderr);
  assert.equal(r.stderr, "");
});

test("a plugin cannot take over --reporter json or text, and two plugins' same reporter name is a warning naming both", async () => {
  const hijack = path.join(dir, "hijack.mjs");
  fs.writeFileSync(
    hijack,
    "export default { name: 'hijack', version: '1', setup(api) { api.addReporter({ name: 'json', render: () => 'HIJACKED\\n' }); api.addReporter({ name: 'text', render: () => 'HIJACKED\\n' }); api.addReporter({ name: 'same', render: () => 'first\\n' }); } };\n",
  );
  const second = path.join(dir, "second.mjs");
  fs.writeFileSync(
    second,
    "export default { name: 'second', version: '1', setup(api) { api.addReporter({ name: 'same', render: () => 'second\\n' }); } };\n",
  );
  const plugins = ["--plugin", hijack, "--plugin", second];
  for (const reporter of ["json", "text"]) {
    const r = await runCli([...plugins, "diagnose", "--fixture", "healthy-starttls", "--reporter", reporter]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /HIJACKED/);
    assert.equal(r.stderr.match(/W_PLUGIN_RESERVED/g)?.length, 2, r.stderr);
  }
  const same = await runCli([...plugins, "diagnose", "--fixture", "healthy-starttls", "--reporter", "same"]);
  assert.equal(same.stdout, "first\n", "the first plugin on the command line keeps the name");
  const warning = same.stderr.split("\n").find((l) => l.includes("W_PLUGIN_DUPLICATE")) ?? "";
  for (const named of ["hijack", "second", hijack, second]) assert.ok(warning.includes(named), warning);
});

test("a plugin's console output goes to stderr: --json stays one valid document", async () => {
  const file = path.join(dir, "chatty.mjs");
  fs.writeFileSync(
    file,
    [
      "console.log('chatty: imported');",
      "export default { name: 'chatty', version: '1', setup(api) {",
      "  console.log('chatty: setup', { deep: { value: 1 } }); console.info('chatty: info'); console.debug('chatty: debug');",
      "  api.addReporter({ name: 'chatty', render(report) { console.log('chatty: render'); console.table([1]); return `rendered ${report.verdict.status}\\n`; } });",
      "} };",
    ].join("\n"),
  );
  const json = await runCli(["--plugin", file, "diagnose", "--fixture", "healthy-starttls", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).schema, "smtpilot.diagnose/1");
  for (const line of ["chatty: imported", "chatty: setup", "chatty: info", "chatty: debug"]) {
    assert.ok(json.stderr.includes(line), json.stderr);
  }
  const reporter = await runCli([
    "--plugin",
    file,
    "diagnose",
    "--fixture",
    "healthy-starttls",
    "--reporter",
    "chatty",
  ]);
  assert.equal(reporter.stdout, "rendered pass\n");
  assert.ok(reporter.stderr.includes("chatty: render"), reporter.stderr);
});

test("a plugin whose setup never settles (no timers) is left out after the time limit; the run still ends with its verdict", async () => {
  const file = path.join(dir, "never-settles.mjs");
  fs.writeFileSync(
    file,
    "export default { name: 'never', version: '1', setup() { return new Promise(() => {}); } };\n",
  );
  // Ended on its own, verdict printed: runCli stops a run that hangs (60 s) with no exit 0.
  const r = await runCli(["--plugin", file, "diagnose", "--fixture", "healthy-starttls", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).verdict.status, "pass", "exit 0 only with a printed verdict");
  assert.match(r.stderr, /plugin "never".*E_PLUGIN_SETUP/);
  assert.ok(r.stderr.includes("never-settles.mjs"));
});
