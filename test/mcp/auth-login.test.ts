// Over MCP an agent can start a device login whose code only the person completes: the verification
// URL and code reach the person through the client's elicitation, never the tool result; the refresh
// token goes to the credential store (a real Secret Service here); the agent never sees a token.
// Without elicitation the tool is refused (exit 4) before any identity endpoint is contacted.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { createMcpServer } from "../../cli/mcp/server.ts";
import { type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { FIXTURE_M365_ACCOUNT, FIXTURE_M365_CLIENT_ID, FIXTURE_TENANT } from "../../fixtures/oauth-apps.ts";
import {
  secretServiceAvailable,
  type SecretServicePeer,
  startSecretService,
} from "../../scripts/peers/secret-service/peer.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { completeDeviceLogin } from "../oauth/person.ts";

const available = secretServiceAvailable();
if (!available && process.env.CI === "true") throw new Error("CI needs dbus, gnome-keyring and libsecret-tools");
const skip = !available && "dbus, gnome-keyring or libsecret-tools missing";

let fx: RunningFixture;
let peer: SecretServicePeer | undefined;
let home = "";

before(async () => {
  if (!available) return;
  const dir = makeTestDir("smtpilot-mcp-oauth-");
  home = path.join(dir, "home");
  fx = await startFixture({ scenarios: ["m365"] });
  fs.writeFileSync(path.join(dir, "ca.pem"), fx.caPem);
  peer = await startSecretService();
  // The MCP server runs in this process: its credential store is the private one.
  process.env.DBUS_SESSION_BUS_ADDRESS = peer.env.DBUS_SESSION_BUS_ADDRESS;
  const ca = path.join(dir, "ca.pem");
  for (
    const args of [
      ["init"],
      [
        "profile",
        "add",
        "m365",
        "--provider",
        "m365",
        "--host",
        "127.0.0.1",
        "--port",
        String(fx.ports.m365),
        "--ca",
        ca,
        "--user",
        FIXTURE_M365_ACCOUNT,
        "--oauth",
        "device",
        "--client-id",
        FIXTURE_M365_CLIENT_ID,
        "--tenant",
        FIXTURE_TENANT,
        "--oauth-origin",
        fx.oauth!.origin,
        "--oauth-ca",
        ca,
      ],
    ]
  ) {
    const r = await runCli(["--home", home, ...args], peer.env);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => {
  await fx?.close();
  await peer?.stop();
});

async function connect(
  person?: (message: string) => Promise<{ action: "accept" | "decline"; content?: Record<string, string> }>,
) {
  const server = createMcpServer({ globals: { home }, plugins: () => loadAllPlugins([]) });
  const client = new Client({ name: "test", version: "1" }, { capabilities: person ? { elicitation: {} } : {} });
  if (person) client.setRequestHandler(ElicitRequestSchema, (req) => person(String(req.params.message)));
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(c)]);
  return client;
}

test("auth_login offers no option only a terminal may use", { skip }, async () => {
  const client = await connect();
  const tool = (await client.listTools()).tools.find((t) => t.name === "auth_login");
  assert.ok(tool);
  assert.deepEqual(Object.keys(tool.inputSchema.properties ?? {}).sort(), ["name"]);
});

test("without elicitation the login is refused (exit 4) and no identity endpoint is contacted", { skip }, async () => {
  const before = fx.events.filter((e) => e.kind === "oauth").length;
  const r = await (await connect()).callTool({ name: "auth_login", arguments: { name: "m365" } });
  assert.equal(r.isError, true);
  assert.equal((r._meta as Record<string, number>)["smtpilot/exitCode"], 4);
  assert.equal(fx.events.filter((e) => e.kind === "oauth").length, before);
});

test(
  "the person completes the device login shown by the client; the agent gets neither code nor token",
  { skip },
  async () => {
    let userCode = "";
    const client = await connect(async (message) => {
      const m = /open (https:\/\/\S+) and enter the code (\S+)/.exec(message);
      if (!m) return { action: "decline" };
      userCode = m[2]!;
      await completeDeviceLogin(m[1]!, userCode);
      return { action: "accept", content: { code: "DONE" } };
    });
    // Listed first, so the SDK's client checks each result against its tool's outputSchema.
    await client.listTools();
    const r = await client.callTool({ name: "auth_login", arguments: { name: "m365" } });
    const text = JSON.stringify(r);
    assert.equal(r.isError, undefined, text);
    const doc = r.structuredContent as { stored: string; token: { account: string } };
    assert.equal(doc.stored, "keyring:smtpilot/m365");
    assert.equal(doc.token.account, FIXTURE_M365_ACCOUNT);
    const refresh = execFileSync("secret-tool", ["lookup", "service", "smtpilot", "account", "smtpilot/m365"], {
      env: { ...process.env, ...peer!.env },
    }).toString();
    assert.ok(refresh.length > 20);
    assert.ok(userCode !== "" && !text.includes(userCode), "the user code reached the agent");
    assert.ok(!text.includes(refresh), "the refresh token reached the agent");
    assert.ok(!/eyJ[A-Za-z0-9_-]{20,}\./.test(text), "an access token reached the agent");
    // The agent can then check the profile with the token it never saw.
    const check = await client.callTool({ name: "profile_check", arguments: { name: "m365" } });
    assert.equal(
      (check.structuredContent as { report: { verdict: { status: string } } }).report.verdict.status,
      "pass",
    );
    const status = await client.callTool({ name: "auth_status", arguments: { name: "m365" } });
    assert.equal((status.structuredContent as { action: string }).action, "status", JSON.stringify(status));
  },
);

test("a person who declines ends the login with auth.oauth-login-required", { skip }, async () => {
  const client = await connect(() => Promise.resolve({ action: "decline" }));
  const r = await client.callTool({ name: "auth_login", arguments: { name: "m365" } });
  assert.equal(r.isError, true);
  assert.equal((r._meta as Record<string, number>)["smtpilot/exitCode"], 15);
});
