// deno-lint-ignore-file no-explicit-any
// The doctor as an MCP tool: pasted settings or a settings file inside the folder the person gave the
// server (no other path, no credential, no CA file on an agent's word); it reads no environment variable
// for an agent and never sends a login — the settings' host could be any server. Driven in-process by
// the SDK's client against a fixture scenario.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { filesFolder } from "../../cli/mcp/file-access.ts";
import { createMcpServer } from "../../cli/mcp/server.ts";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { FIXTURE_DEMO_SECRET, type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

let fx: RunningFixture;
const home = makeTestDir("smtpilot-doctor-mcp-");
const HIDDEN = "value-only-the-server-environment-knows";

before(async () => {
  fx = await startFixture({ scenarios: ["healthy-starttls"] });
  process.env.DOCTOR_HIDDEN_HOST = HIDDEN;
});
after(() => fx.close());

async function connect(files?: string): Promise<Client> {
  const server = createMcpServer({ globals: { home }, plugins: () => loadAllPlugins([]), files: filesFolder(files) });
  const client = new Client({ name: "test", version: "1" }, { capabilities: {} });
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(c)]);
  return client;
}

test("the doctor tool takes content or a settings file, never a login, a secret reference or a CA file", async () => {
  const client = await connect();
  const { tools } = await client.listTools();
  const doctor = tools.find((t) => t.name === "doctor");
  assert.ok(doctor, "the doctor tool is listed");
  const props = Object.keys((doctor.inputSchema as { properties: Record<string, unknown> }).properties);
  assert.ok(props.includes("content") && props.includes("target"));
  for (const absent of ["user", "secret", "ca", "fixture", "portBase", "json"]) {
    assert.ok(!props.includes(absent), `${absent} is offered`);
  }
  const r = await client.callTool({ name: "doctor", arguments: { content: "x", secret: "env:PW" } });
  assert.equal(r.isError, true);
});

test("pasted Laravel settings: swept and diagnosed as a connectivity probe, no AUTH sent, no environment read", async () => {
  const client = await connect();
  const port = fx.ports["healthy-starttls"] ?? 0;
  const content = `MAIL_MAILER=smtp\nMAIL_HOST=127.0.0.1\nMAIL_PORT=${port}\nMAIL_USERNAME=demo\n` +
    `MAIL_PASSWORD=${FIXTURE_DEMO_SECRET}\nMAIL_ENCRYPTION=tls\nMAIL_FROM_ADDRESS=\${DOCTOR_HIDDEN_HOST}\n`;
  const r = await client.callTool({
    name: "doctor",
    arguments: { content, port: [port], sweepTimeout: 1, servername: "localhost" },
  });
  const doc = r.structuredContent as Record<string, any>;
  assert.equal(doc.schema, "smtpilot.doctor/1");
  assert.equal(doc.mode, "connectivity-probe");
  assert.equal(doc.diagnosis.mode, "connectivity-probe");
  assert.deepEqual(doc.sweep.ports.map((p: { port: number }) => p.port), [port]);
  assert.ok(
    doc.findings.some((f: { code: string; summary: string }) =>
      f.code === "doctor.env-not-set" && f.summary.includes("DOCTOR_HIDDEN_HOST")
    ),
  );
  const text = JSON.stringify(r);
  assert.ok(!text.includes(HIDDEN), "an environment value reached the agent");
  assert.ok(!text.includes(FIXTURE_DEMO_SECRET), "the password reached the agent");
  assert.ok(!fx.events.some((e) => e.kind === "auth" || /^AUTH/i.test(e.detail)), "a login was sent");
  assert.match(doc.next.command ?? doc.next.text, /--secret prompt|connect|certificate|trust/i);
});

test("one pasted line is the target itself: a host:port", async () => {
  const client = await connect();
  const port = fx.ports["healthy-starttls"] ?? 0;
  const r = await client.callTool({
    name: "doctor",
    arguments: { content: `127.0.0.1:${port}\n`, port: [port], sweepTimeout: 1, offline: true },
  });
  const doc = r.structuredContent as Record<string, any>;
  assert.equal(doc.input.kind, "host");
  assert.equal(doc.settings.host, "127.0.0.1");
  assert.equal(doc.settings.port, port);
});

/** Laravel settings for the fixture's healthy STARTTLS port, with the fixture's password in clear. */
function laravelEnv(port: number): string {
  return `MAIL_MAILER=smtp\nMAIL_HOST=127.0.0.1\nMAIL_PORT=${port}\nMAIL_USERNAME=demo\n` +
    `MAIL_PASSWORD=${FIXTURE_DEMO_SECRET}\nMAIL_ENCRYPTION=tls\n`;
}

test("a settings file: read only inside the folder the person gave (--files), and still no login sent", async () => {
  const port = fx.ports["healthy-starttls"] ?? 0;
  const dir = makeTestDir("smtpilot-doctor-files-");
  const folder = path.join(dir, "app");
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, ".env"), laravelEnv(port));
  fs.writeFileSync(path.join(dir, "outside.env"), laravelEnv(port));
  const args = { port: [port], sweepTimeout: 1, servername: "localhost" };

  const closed = await connect();
  const off = await closed.callTool({ name: "doctor", arguments: { ...args, target: path.join(folder, ".env") } });
  assert.equal(off.isError, true);
  assert.match(JSON.stringify(off), /gate\.file-access-off/);

  const client = await connect(folder);
  for (const target of ["../outside.env", path.join(dir, "outside.env")]) {
    const r = await client.callTool({ name: "doctor", arguments: { ...args, target } });
    assert.equal(r.isError, true, target);
    assert.match(JSON.stringify(r), /gate\.file-outside-folder/, target);
    assert.ok(!JSON.stringify(r).includes(FIXTURE_DEMO_SECRET), "an outside file's content reached the agent");
  }
  const authsBefore = fx.events.filter((e) => e.kind === "auth" || /^AUTH/i.test(e.detail)).length;
  const r = await client.callTool({ name: "doctor", arguments: { ...args, target: ".env" } });
  const doc = r.structuredContent as Record<string, any>;
  assert.equal(doc.schema, "smtpilot.doctor/1", JSON.stringify(r).slice(0, 400));
  assert.equal(doc.settings.host, "127.0.0.1");
  assert.equal(doc.settings.port, port);
  assert.equal(doc.mode, "connectivity-probe");
  assert.ok(!JSON.stringify(r).includes(FIXTURE_DEMO_SECRET), "the password reached the agent");
  const authsAfter = fx.events.filter((e) => e.kind === "auth" || /^AUTH/i.test(e.detail)).length;
  assert.equal(authsAfter, authsBefore, "a login was sent");
});
