// deno-lint-ignore-file no-explicit-any
// (Tool results are JSON documents of many shapes; the assertions say which field they expect.)
// smtpilot's MCP server, driven in-process by the SDK's own client against the fixture: every tool
// answers with its command's JSON document; the send gates hold when the caller is an agent — no
// elicitation, a declined one, or an answer for another plan means no message reaches the server;
// and the secret never appears in any tool result.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { secretForms } from "../../core/redact.ts";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { b, CANARY, useSendBed } from "../send/send-fixture.ts";
import { codeIn, connect } from "./mcp-client.ts";
import { useNxDns } from "./nx-dns.ts";

useSendBed();

const nxDns = useNxDns();
before(() => void (process.env.PW = FIXTURE_DEMO_SECRET));

const results: string[] = [];

/** Calls a tool; returns its structured output, error flag and exit code (and keeps the text for the secret scan). */
async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const r = await client.callTool({ name, arguments: args });
  results.push(JSON.stringify(r));
  return {
    doc: r.structuredContent as Record<string, any>,
    isError: r.isError === true,
    exit: (r._meta as Record<string, number> | undefined)?.["smtpilot/exitCode"],
  };
}

const MESSAGE = { subject: "Canary check", text: "Hello from the send workflow test." };

test("tools/list: every tool, inputs from the command definitions, nothing only a person may give", async () => {
  const client = await connect();
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (
    const n of [
      "status",
      "profile_list",
      "profile_show",
      "explain",
      "bounce",
      "recipes",
      "redact",
      "diagnose",
      "domain",
      "align",
      "preflight",
      "send_canary",
      "send_scale",
      "profile_add",
      "canary_add",
    ]
  ) {
    assert.ok(names.includes(n), n);
  }
  for (const t of tools) {
    const props = Object.keys((t.inputSchema as { properties?: object }).properties ?? {});
    for (const never of ["confirm", "json", "reporter", "plugin", "placement"]) {
      assert.ok(!props.includes(never), `${t.name} takes ${never}`);
    }
  }
  const diagnose = tools.find((t) => t.name === "diagnose")!;
  assert.deepEqual((diagnose.inputSchema as any).properties.tls.enum, ["auto", "starttls", "implicit", "none"]);
  assert.equal((diagnose.inputSchema as any).properties.port.type, "integer");
  assert.ok(!("toList" in (tools.find((t) => t.name === "send_canary")!.inputSchema as any).properties));
  await client.close();
});

test("read-only tools answer with their command's document", async () => {
  const client = await connect();
  assert.equal((await call(client, "status")).doc.schema, "smtpilot.status/1");
  assert.equal((await call(client, "profile_list")).doc.profiles[0].name, "lab");
  assert.equal((await call(client, "profile_show", { name: "lab" })).doc.schema, "smtpilot.profile/1");
  assert.equal((await call(client, "canary_list")).doc.canaries[0].address, CANARY);
  const explained = await call(client, "explain", {
    reply: ["452 4.2.2 The email account that you tried to reach is over quota"],
  });
  assert.equal(explained.doc.schema, "smtpilot.explain/1");
  assert.equal(explained.doc.replies[0].reason, "mailboxfull");
  const bounce = await call(client, "bounce", {
    content:
      "From: MAILER-DAEMON@mx.example\r\nTo: me@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
      "Content-Type: text/plain\r\n\r\n<nobody@example.net>: host mx.example.net said: 550 5.1.1 <nobody@example.net>: " +
      "Recipient address rejected: User unknown in virtual mailbox table\r\n",
  });
  assert.equal(bounce.doc.schema, "smtpilot.bounce/1");
  assert.equal(bounce.doc.messages.length, 1);
  assert.equal((await call(client, "recipes", { host: "smtp.example.com" })).doc.schema, "smtpilot.recipes/1");
  const draft = await call(client, "draft", { from: "demo@smtpilot.test", ...MESSAGE });
  assert.match(draft.doc.digest, /^[0-9a-f]{64}$/);
  const masked = await call(client, "redact", { content: "AUTH PLAIN AGRlbW8Ac2VjcmV0\r\n235 ok\r\n" });
  assert.ok(!JSON.stringify(masked).includes("AGRlbW8Ac2VjcmV0"));
  await client.close();
});

test("network tools run against the fixture and a local DNS server", async () => {
  const client = await connect();
  const probe = await call(client, "diagnose", { profile: "lab" });
  assert.equal(probe.doc.schema, "smtpilot.diagnose/1");
  assert.equal(probe.doc.mode, "auth-probe");
  assert.equal(probe.exit, 0);
  const failing = await call(client, "diagnose", { host: "127.0.0.1", port: 1, tls: "none", timeout: 2 });
  assert.equal(failing.doc.verdict.code, "tcp.refused");
  assert.equal(failing.exit, 11);
  assert.equal(failing.isError, false, "a finding is a result, not a tool error");
  const domain = await call(client, "domain", { domain: "nowhere.test", resolver: nxDns() });
  assert.equal(domain.doc.schema, "smtpilot.domain/1");
  const align = await call(client, "align", { from: "demo@smtpilot.test", resolver: nxDns() });
  assert.equal(align.doc.schema, "smtpilot.align/1");
  const plan = await call(client, "preflight", { profile: "lab", to: [CANARY], ...MESSAGE, resolver: nxDns() });
  assert.equal(plan.doc.schema, "smtpilot.plan/1");
  assert.equal(plan.doc.verdict.status, "pass");
  assert.equal(plan.doc.plan, null, "an agent never receives a plan token");
  const checked = await call(client, "profile_check", { name: "lab" });
  assert.equal(checked.doc.lastCheck.verdict, "pass");
  await client.close();
});

test("send_canary without elicitation support is refused (exit 4) and nothing reaches the server", async () => {
  const client = await connect();
  const before = { connections: b().connections(), stored: b().stored().length };
  const r = await call(client, "send_canary", { profile: "lab", to: [CANARY], ...MESSAGE, resolver: nxDns() });
  assert.equal(r.isError, true);
  assert.equal(r.exit, 4);
  assert.equal(r.doc.error.code, "gate.no-confirmation");
  assert.deepEqual({ connections: b().connections(), stored: b().stored().length }, before);
  await client.close();
});

test("send_canary declined by the person, or answered with another plan's code, sends nothing", async () => {
  for (
    const person of [
      () => ({ action: "decline" as const }),
      () => ({ action: "accept" as const, content: { code: "ABCDEF" } }),
    ]
  ) {
    const client = await connect(person);
    const stored = b().stored().length;
    const r = await call(client, "send_canary", { profile: "lab", to: [CANARY], ...MESSAGE, resolver: nxDns() });
    assert.equal(r.exit, 4);
    assert.equal(r.doc.error.code, "gate.confirmation-declined");
    assert.equal(b().stored().length, stored, "a message reached the server");
    assert.ok(!b().fixture.events.slice(-50).some((e) => e.kind === "data-attempt"), "DATA was sent");
    await client.close();
  }
  // A code the person saw for another plan (another message) does not fit this one.
  let other = "";
  const sniff = await connect((m) => ((other = codeIn(m)), { action: "decline" }));
  await call(sniff, "send_canary", {
    profile: "lab",
    to: [CANARY],
    subject: "Other",
    text: "other",
    resolver: nxDns(),
  });
  await sniff.close();
  assert.match(other, /^[A-Z2-7]{6}$/);
  const client = await connect(() => ({ action: "accept", content: { code: other } }));
  const stored = b().stored().length;
  const r = await call(client, "send_canary", { profile: "lab", to: [CANARY], ...MESSAGE, resolver: nxDns() });
  assert.equal(r.doc.error.code, "gate.confirmation-declined");
  assert.equal(b().stored().length, stored);
  await client.close();
});

test("send_canary confirmed by the person in the client sends exactly one message", async () => {
  let shown = "";
  const client = await connect((m) => ((shown = m), { action: "accept", content: { code: codeIn(m) } }));
  const stored = b().stored().length;
  const r = await call(client, "send_canary", { profile: "lab", to: [CANARY], ...MESSAGE, resolver: nxDns() });
  assert.equal(r.exit, 0, JSON.stringify(r.doc));
  assert.equal(r.doc.state, "accepted");
  assert.equal(b().stored().length, stored + 1);
  assert.match(shown, /1 live message/, "the person saw the count");
  assert.match(shown, /sha256:[0-9a-f]{16}/, "the person saw the message digest");
  assert.match(shown, /Body begins: Hello from the send workflow test\./, "the person saw the body");
  assert.match(shown, /Attachments: none/);
  assert.ok(shown.includes(CANARY), "the person saw the recipient unmasked");
  assert.ok(!JSON.stringify(r).match(/type the confirmation code/), "the code is never in the tool result");
  await client.close();
});

test("canary_add needs the person's confirmation; tools refuse a secret value without echoing it", async () => {
  const refusing = await connect();
  const r = await call(refusing, "canary_add", { address: "new-canary@smtpilot.test" });
  assert.equal(r.exit, 4);
  await refusing.close();
  const client = await connect((m) => ({ action: "accept", content: { code: codeIn(m) } }));
  assert.equal((await call(client, "canary_add", { address: "new-canary@smtpilot.test" })).exit, 0);
  const pasted = await call(client, "profile_add", {
    name: "leak",
    provider: "custom",
    host: "smtp.example.com",
    user: "me@example.com",
    secret: "Hunter2-not-a-reference",
  });
  assert.equal(pasted.exit, 2);
  const noted = await call(client, "profile_add", {
    name: "leak2",
    provider: "custom",
    host: "smtp.example.com",
    notes: "password=Hunter2-in-a-note",
  });
  assert.equal(noted.exit, 2);
  assert.ok(!results.some((t) => t.includes("Hunter2")), "a refused secret value was echoed");
  await client.close();
});

test("resources: the memory files and the code tables", async () => {
  const client = await connect();
  const { resources } = await client.listResources();
  assert.ok(resources.some((r) => r.uri === "smtpilot://memory/memory.md"));
  const codes = await client.readResource({ uri: "smtpilot://codes/diagnosis" });
  const table = JSON.parse(String((codes.contents[0] as { text: string }).text)) as { code: string }[];
  assert.ok(table.some((c) => c.code === "tls.cert-expired"));
  const log = await client.readResource({ uri: "smtpilot://memory/send-log.md" });
  assert.match(String((log.contents[0] as { text: string }).text), /kind: canary/);
  await client.close();
});

test("no tool result holds the secret in any form", () => {
  const all = results.join("\n");
  for (const form of secretForms(FIXTURE_DEMO_SECRET)) assert.ok(!all.includes(form), `found ${form}`);
  assert.ok(results.length > 20);
});

test("an agent cannot name a secret for a host, run a command, read stdin or a file, or save a profile alone", async () => {
  const client = await connect();
  // Credentials only through a profile a person saved.
  const named = await call(client, "diagnose", { host: "127.0.0.1", port: 1, user: "x", secret: "env:PW" });
  assert.equal(named.exit, 2);
  assert.equal(named.doc.error.code, "E_USAGE");
  // No cmd: reference from a tool call, whatever the tool.
  const marker = `${b().dir}/pwned`;
  const cmd = await call(client, "profile_add", {
    name: "cmd",
    provider: "custom",
    host: "smtp.example.com",
    user: "u",
    secret: `cmd:sh -c "touch ${marker}"`,
  });
  assert.equal(cmd.exit, 2);
  const { existsSync } = await import("node:fs");
  assert.equal(existsSync(marker), false);
  // Saving a profile (which lets a secret reference go to a host) is the person's decision.
  const alone = await call(client, "profile_add", {
    name: "elsewhere",
    provider: "custom",
    host: "smtp.attacker.example",
    user: "u",
    secret: "env:PW",
  });
  assert.equal(alone.exit, 4);
  assert.equal(alone.doc.error.code, "gate.no-confirmation");
  // stdin is the protocol; redact takes pasted content only.
  assert.equal((await call(client, "explain", {})).exit, 2);
  assert.equal((await call(client, "bounce", { source: ["-"] })).exit, 2);
  assert.equal((await call(client, "redact", { file: "/etc/passwd" })).exit, 2);
  const { tools } = await client.listTools();
  assert.equal(tools.find((t) => t.name === "diagnose")?.annotations?.readOnlyHint, false);
  await client.close();
});
