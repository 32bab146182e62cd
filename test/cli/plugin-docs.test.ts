// docs/plugins.md as a reader uses it: every code block that names a file is written out and
// loaded, the reporter example runs as `diagnose --help` cites it, and the reply rules mean
// what the page says.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { interpretReply } from "../../core/knowledge/interpret-reply.ts";
import { toReply } from "../../core/smtp/reply.ts";
import { BUILTIN_PLUGINS } from "../../plugins/index.ts";
import { runCli } from "../helpers/cli.ts";
import { docFileBlocks } from "../helpers/doc-blocks.ts";

const blocks = docFileBlocks("docs/plugins.md");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-docs-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
for (const [name, text] of blocks) fs.writeFileSync(path.join(dir, name), text);
const file = (name: string) => path.join(dir, name);

test("docs/plugins.md has the reporter, reply rule, preset, provider and TypeScript examples as files", () => {
  assert.deepEqual([...blocks.keys()].sort(), [
    "acme-preset.mjs",
    "acme-provider.mjs",
    "acme-rules.mjs",
    "my-reporter.mjs",
    "typed-reporter.ts",
  ]);
});

test("every example plugin in docs/plugins.md loads without a failure or warning", async () => {
  const registry = await loadAllPlugins([...blocks.keys()].map(file));
  assert.deepEqual(registry.failures, []);
  assert.deepEqual(registry.warnings, []);
  assert.equal(registry.loaded.length, BUILTIN_PLUGINS.length + blocks.size);
});

test("the plugin example `diagnose --help` cites is in docs/plugins.md and runs as cited", async () => {
  const help = await runCli(["diagnose", "--help"]);
  const example = help.stdout.split("\n").find((l) => l.includes("--plugin ./"));
  assert.ok(example, help.stdout);
  assert.match(help.stdout, /docs\/plugins\.md/);
  const args = example.trim().split(/\s+/).slice(1);
  const cited = args[args.indexOf("--plugin") + 1]!.replace(/^\.\//, "");
  assert.ok(blocks.has(cited), `docs/plugins.md has no block file=${cited}`);
  const r = await runCli(args.map((a) => (a === `./${cited}` ? file(cited) : a)));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^smtpilot connectivity-probe 127\.0\.0\.1:\d+ PASS \(0 warnings\)\n$/);
});

test("the docs' reporter prints the failing layer, its code and next move, and the transcript on request", async () => {
  const r = await runCli([
    "--plugin",
    file("my-reporter.mjs"),
    "diagnose",
    "--fixture",
    "cert-expired",
    "--reporter",
    "oneline",
    "--transcript",
  ]);
  assert.equal(r.code, 13);
  const [first, ...transcript] = r.stdout.trimEnd().split("\n");
  assert.match(
    first!,
    /^smtpilot connectivity-probe 127\.0\.0\.1:\d+ FAIL at tls tls\.cert-expired: \S.* \(0 warnings\)$/,
  );
  assert.ok(transcript.length > 2 && transcript.every((l) => /^ {2}[CS*] /.test(l)), r.stdout);
});

test("the docs' reply rules give the diagnoses the page describes", async () => {
  const registry = await loadAllPlugins([file("acme-rules.mjs")]);
  const quota = interpretReply("rcpt", toReply(451, ["451 4.7.1 ACME-QUOTA exceeded for key 42"]), registry.replyRules);
  assert.deepEqual([quota.code, quota.rule], ["envelope.rate-limited", "acme.hourly-quota"]);
  const permanent = interpretReply("rcpt", toReply(550, ["550 5.7.1 ACME-QUOTA exceeded"]), registry.replyRules);
  assert.notEqual(permanent.rule, "acme.hourly-quota", "code: /^4/ limits the rule to temporary replies");
  const revoked = interpretReply(
    "auth",
    toReply(535, ["535 5.7.8 Authentication failed: key revoked"]),
    registry.replyRules,
  );
  assert.deepEqual([revoked.code, revoked.rule], ["auth.account-disabled", "acme.key-revoked"]);
});

test("the docs' preset registers a validated provider preset", async () => {
  const registry = await loadAllPlugins([file("acme-preset.mjs")]);
  assert.deepEqual(registry.presets.get("acme-relay"), {
    name: "acme-relay",
    host: "smtp.acme.example",
    port: 587,
    tls: "starttls",
  });
});

test("the docs' provider registers with its endpoints and its own reply rules", async () => {
  const registry = await loadAllPlugins([file("acme-provider.mjs")]);
  const acme = registry.providers.get("acme");
  assert.ok(acme, JSON.stringify(registry.failures));
  assert.deepEqual(acme.endpoints.map((e) => e.port), [587, 465]);
  assert.equal(acme.replyRules?.[0]?.id, "acme.sender-unverified");
});

test("the docs' TypeScript example runs from source", async () => {
  const r = await runCli([
    "--plugin",
    file("typed-reporter.ts"),
    "diagnose",
    "--fixture",
    "cert-expired",
    "--reporter",
    "typed",
  ]);
  assert.equal(r.code, 13, r.stderr);
  assert.equal(r.stdout, "fail tls\n");
});
