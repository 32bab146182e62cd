import { test } from "node:test";
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
const broken: Record<string, string> = {
  "syntax-error.mjs": "export default { name: 'x', setup( {",
  "setup-throws.mjs":
    "export default { name: 'thrower', version: '1', setup() { throw new Error('boom in setup'); } };",
  "not-a-plugin.mjs": "export const answer = 42;",
  "bad-rule.mjs":
    "export default { name: 'bad-rule', version: '1', setup(api) { api.addReplyRules([{ id: 'r', stages: ['rcpt'], text: 'not a regexp', diagnosis: { code: 'nope' } }]); } };",
  "import-throws.cjs": "throw new Error('boom at import');",
};
for (const [name, text] of Object.entries(broken)) fs.writeFileSync(path.join(dir, name), text);

test("broken plugins are named on stderr and never take the core down", async () => {
  const files = [...Object.keys(broken).map((n) => path.join(dir, n)), path.join(dir, "missing.mjs")];
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
    ]
  ) {
    assert.ok(
      lines.some((l) => l.includes(name as string) && l.includes(code as string)),
      `${name} ${code}\n${r.stderr}`,
    );
  }
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
