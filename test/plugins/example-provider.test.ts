// The example provider plugin (examples/plugins/example-provider.mjs) as a user would load it: with
// --plugin from source, from the memory's plugins: list, and into the bundle the single binary embeds.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { interpretReply } from "../../core/knowledge/interpret-reply.ts";
import { detectProvider } from "../../core/provider-detect.ts";
import { rulesForTarget } from "../../core/provider.ts";
import { toReply } from "../../core/smtp/reply.ts";
import { runCli } from "../helpers/cli.ts";

const EXAMPLE = path.resolve("examples/plugins/example-provider.mjs");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-example-"));
const bundle = path.join(root, "smtpilot.cjs");
after(() => fs.rmSync(root, { recursive: true, force: true }));

before(async () => {
  // The same bundle as scripts/build/bundle.mjs (what the single binary embeds), built aside.
  await build({
    entryPoints: ["cli/smtpilot.ts"],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    define: { SMTPILOT_BUILD: JSON.stringify("bundle") },
    logLevel: "error",
  });
});

function runBundle(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test("the example provider registers cleanly and its rules explain Acme's replies first", async () => {
  const registry = await loadAllPlugins([EXAMPLE]);
  assert.deepEqual([...registry.failures, ...registry.warnings], []);
  const acme = registry.providers.get("acme-mail");
  assert.ok(acme);
  const rules = rulesForTarget(acme, registry.replyRules, { port: 587, authenticated: true });
  const d = interpretReply("auth", toReply(535, ["535 5.7.8 Authentication failed: key lacks smtp:send"]), rules);
  assert.equal(d.rule, "acme-mail.key-scope");
  assert.equal(d.code, "auth.invalid-credentials");
  const q = interpretReply("rcpt", toReply(452, ["452 4.5.3 Daily quota reached for this account"]), rules);
  assert.equal(q.code, "envelope.rate-limited");
});

test("the example provider is proposed from a domain's MX, with its region filled in", async () => {
  const registry = await loadAllPlugins([EXAMPLE]);
  const d = await detectProvider("example.com", registry.providers, {
    resolveSrv: () => Promise.reject(Object.assign(new Error("nodata"), { code: "ENODATA" })),
    resolveMx: () => Promise.resolve([{ exchange: "inbound.eu1.acme-mail.example", priority: 10 }]),
  });
  assert.deepEqual(d.proposals.map((p) => [p.provider, p.host, p.port, p.tls]), [
    ["acme-mail", "smtp.eu1.acme-mail.example", 587, "starttls"],
  ]);
});

for (const [how, run] of [["from source", runCli], ["in the bundle the binary embeds", runBundle]] as const) {
  test(`profile add uses the example provider's preset (${how})`, async () => {
    const home = path.join(root, how.replace(/\W+/g, "-"));
    assert.equal((await run(["--home", home, "init"])).code, 0);
    const r = await run([
      "--home",
      home,
      "--plugin",
      EXAMPLE,
      "profile",
      "add",
      "work",
      "--provider",
      "acme-mail",
      "--host",
      "smtp.eu1.acme-mail.example",
      "--user",
      "me@example.com",
      "--secret",
      "env:ACME_SMTP_KEY",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual([doc.profile.provider, doc.profile.port, doc.profile.tls, doc.profile.from], [
      "acme-mail",
      587,
      "starttls",
      "me@example.com",
    ]);
    assert.equal(doc.provider.identityPolicy.rule, "verified-identity");
    // Listed in memory.md, the plugin loads on every run without --plugin.
    const memory = path.join(home, "memory.md");
    fs.writeFileSync(
      memory,
      fs.readFileSync(memory, "utf8").replace("plugins: []", `plugins: [${JSON.stringify(EXAMPLE)}]`),
    );
    const show = await run(["--home", home, "profile", "show", "work", "--json"]);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(JSON.parse(show.stdout).provider.title, "Acme Mail (example provider plugin)");
  });
}

test("a memory folder writable by others is refused (E_MEMORY_UNSAFE) and its plugins are not loaded", async () => {
  const home = path.join(root, "open");
  await runCli(["--home", home, "init"]);
  const memory = path.join(home, "memory.md");
  fs.writeFileSync(
    memory,
    fs.readFileSync(memory, "utf8").replace("plugins: []", `plugins: [${JSON.stringify(EXAMPLE)}]`),
  );
  fs.chmodSync(home, 0o777);
  const r = await runCli([
    "--home",
    home,
    "profile",
    "add",
    "x",
    "--provider",
    "acme-mail",
    "--host",
    "h.example",
    "--json",
  ]);
  // The folder itself is refused before any plugin could matter; a command that only loads plugins says why they were not.
  assert.equal(r.code, 3);
  assert.equal(JSON.parse(r.stdout).error.code, "E_MEMORY_UNSAFE");
  const probe = await runCli(["--home", home, "diagnose", "--fixture", "healthy-starttls", "--json"]);
  assert.equal(probe.code, 0, probe.stderr);
  assert.match(probe.stderr, /\(E_MEMORY_UNSAFE\)/);
  fs.chmodSync(home, 0o700);
});
