// deno-lint-ignore-file no-explicit-any
// The doctor as an MCP tool: it takes pasted settings only (no path, no credential, no CA file on an
// agent's word), reads no environment variable for an agent, and never sends a login — the settings'
// host could be any server. Driven in-process by the SDK's client against a fixture scenario.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
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

async function connect(): Promise<Client> {
  const server = createMcpServer({ globals: { home }, plugins: () => loadAllPlugins([]) });
  const client = new Client({ name: "test", version: "1" }, { capabilities: {} });
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(c)]);
  return client;
}

test("the doctor tool takes content, never a path, a login, a secret reference or a CA file", async () => {
  const client = await connect();
  const { tools } = await client.listTools();
  const doctor = tools.find((t) => t.name === "doctor");
  assert.ok(doctor, "the doctor tool is listed");
  const props = Object.keys((doctor.inputSchema as { properties: Record<string, unknown> }).properties);
  assert.ok(props.includes("content"));
  for (const absent of ["target", "user", "secret", "ca", "fixture", "portBase", "json"]) {
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
