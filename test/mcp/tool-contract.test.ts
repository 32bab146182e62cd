// deno-lint-ignore-file no-explicit-any
// What an agent reads and gets back: tool descriptions written for a tool call (no flags, no stdin, no
// references a tool refuses, camelCase names, `required` lists that match the text), errors that name tool
// arguments, an outputSchema per tool that every real result validates against, and resources/read errors
// with the protocol's codes.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { filesFolder } from "../../cli/mcp/file-access.ts";
import { createMcpServer } from "../../cli/mcp/server.ts";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { b, CANARY, useSendBed } from "../send/send-fixture.ts";
import { useNxDns } from "./nx-dns.ts";

useSendBed();

const nxDns = useNxDns();
before(() => void (process.env.PW = FIXTURE_DEMO_SECRET));

const codeIn = (message: string) => /type the confirmation code ([A-Z2-7]{6})/.exec(message)?.[1] ?? "";

/** A client whose person confirms whatever is asked; files from `<bed>/files`. */
async function connect(): Promise<Client> {
  const folder = path.join(b().dir, "files");
  fs.mkdirSync(folder, { recursive: true });
  const server = createMcpServer({
    globals: { home: b().home },
    plugins: () => loadAllPlugins([]),
    files: filesFolder(folder),
  });
  const client = new Client({ name: "t", version: "1" }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, (req) => ({
    action: "accept",
    content: { code: codeIn(String(req.params.message)) },
  }));
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(c)]);
  return client;
}

/** Every description an agent reads, with where it is. */
function descriptions(tools: Tool[]): [string, string][] {
  return tools.flatMap((t) => [
    [t.name, t.description ?? ""] as [string, string],
    ...Object.entries((t.inputSchema.properties ?? {}) as Record<string, { description?: string }>).map((
      [k, p],
    ) => [`${t.name}.${k}`, p.description ?? ""] as [string, string]),
  ]);
}

test("descriptions are written for a tool call: no flags, no stdin, no cmd: or prompt, no command lines", async () => {
  const client = await connect();
  const { tools } = await client.listTools();
  const wrong = descriptions(tools).filter(([, d]) =>
    /(^|[\s(])--[a-z]/.test(d) || /\bstdin\b|\bor - \b|, or -\b| - for /.test(d) || /\bcmd:/.test(d) ||
    /\bprompt\b/.test(d) || /\bsmtpilot (?!mcp\b)[a-z]+ /.test(d) || /\(repeatable/.test(d)
  );
  assert.deepEqual(wrong, []);
  await client.close();
});

test("every input name is camelCase, and every required list matches the text and is enforced", async () => {
  const client = await connect();
  const { tools } = await client.listTools();
  for (const t of tools) {
    const props = (t.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
    const required = t.inputSchema.required ?? [];
    for (const name of Object.keys(props)) assert.match(name, /^[a-z][A-Za-z0-9]*$/, `${t.name}.${name}`);
    for (const name of required) assert.ok(name in props, `${t.name} requires ${name}, which it does not take`);
    for (const [name, p] of Object.entries(props)) {
      if (/\(required\)/.test(p.description ?? "")) assert.ok(required.includes(name), `${t.name}.${name}`);
    }
    // Missing a required input is a usage error that names it — as the argument, not a flag.
    for (const name of required) {
      const r = await client.callTool({ name: t.name, arguments: {} });
      const message = (r.structuredContent as any).error?.message ?? "";
      assert.equal((r._meta as any)["smtpilot/exitCode"], 2, `${t.name} without ${name}`);
      assert.match(message, new RegExp(`\\b${required[0]}\\b`), `${t.name}: ${message}`);
      assert.doesNotMatch(message, /--[a-z]/);
    }
  }
  const byName = new Map(tools.map((t) => [t.name, t]));
  assert.deepEqual(byName.get("send_canary")?.inputSchema.required, ["profile", "to"]);
  assert.deepEqual(byName.get("send_scale")?.inputSchema.required, ["profile", "toList"]);
  assert.deepEqual(byName.get("explain")?.inputSchema.required, ["reply"]);
  assert.ok("messageId" in (byName.get("verify")?.inputSchema.properties ?? {}));
  await client.close();
});

test("errors name tool arguments, never flags", async () => {
  const client = await connect();
  const errors: string[] = [];
  const calls: [string, Record<string, unknown>][] = [
    ["diagnose", {}],
    ["diagnose", { host: "bad host name!" }],
    ["diagnose", { host: "127.0.0.1", port: 70000 }],
    ["diagnose", { host: "127.0.0.1", from: "me@example.com" }],
    ["recipes", {}],
    ["preflight", { profile: "lab" }],
    ["send_canary", { profile: "lab", to: ["not-an-address"] }],
    ["domain", { sender: "me@example.com" }],
    ["verify", { messageId: "<nothing@example.com>" }],
    ["verify", { "message-id": "<nothing@example.com>" }],
    ["align", { envelopeFrom: "x@example.com" }],
  ];
  for (const [name, args] of calls) {
    const r = await client.callTool({ name, arguments: args });
    assert.equal(r.isError, true, `${name} ${JSON.stringify(args)}: ${JSON.stringify(r.structuredContent)}`);
    errors.push(`${name}: ${(r.structuredContent as any).error.message}`);
  }
  assert.deepEqual(errors.filter((e) => /--[a-z]/.test(e)), []);
  assert.ok(errors.some((e) => /^preflight: .*\bto\b.*\btoList\b/.test(e)), errors.join("\n"));
  await client.close();
});

test("every tool declares an outputSchema, and every real result validates against it", async () => {
  const client = await connect();
  const { tools } = await client.listTools();
  const validator = new AjvJsonSchemaValidator();
  const schemas = new Map(tools.map((t) => [t.name, t.outputSchema]));
  for (const t of tools) assert.equal(t.outputSchema?.type, "object", `${t.name} has no outputSchema`);
  const message = { subject: "Contract check", text: "Hello from the contract test." };
  fs.writeFileSync(path.join(b().dir, "files", "list.txt"), `${CANARY}\n`);
  const calls: [string, Record<string, unknown>][] = [
    ["status", {}],
    ["profile_list", {}],
    ["profile_show", { name: "lab" }],
    ["canary_list", {}],
    ["explain", { reply: ["550 5.1.1 user unknown", "421 4.7.0 try again later"] }],
    ["bounce", {
      content: "From: MAILER-DAEMON@x.example\r\nSubject: failure\r\n\r\n550 5.1.1 <a@b.example>: unknown\r\n",
    }],
    ["recipes", { host: "smtp.example.com" }],
    ["redact", { content: "AUTH PLAIN AGRlbW8Ac2VjcmV0\r\n" }],
    ["draft", { from: "demo@smtpilot.test", ...message }],
    ["diagnose", { profile: "lab" }],
    ["diagnose", { host: "127.0.0.1", port: 1, tls: "none", timeout: 2 }],
    ["domain", { domain: "nowhere.test", resolver: nxDns() }],
    ["domain", { domain: ["nowhere.test", "elsewhere.test"], resolver: nxDns() }],
    ["align", { from: "demo@smtpilot.test", resolver: nxDns() }],
    ["preflight", { profile: "lab", to: [CANARY], ...message, resolver: nxDns() }],
    ["profile_check", { name: "lab" }],
    ["canary_add", { address: "contract@smtpilot.test" }],
    ["profile_add", { name: "contract", provider: "custom", host: "smtp.example.com", port: 587, tls: "starttls" }],
    ["send_canary", { profile: "lab", to: [CANARY], ...message, resolver: nxDns() }],
    ["verify", { last: true, wait: 1 }],
    ["send_scale", { profile: "lab", toList: "list.txt", ...message, resolver: nxDns() }],
    ["profile_show", { name: "no-such-profile" }],
  ];
  const seen = new Set<string>();
  const check = async (name: string, args: Record<string, unknown>) => {
    // The SDK's client checks structured content against the declared outputSchema itself (it throws).
    const r = await client.callTool({ name, arguments: args });
    const doc = r.structuredContent as Record<string, unknown>;
    const result = validator.getValidator(schemas.get(name) as any)(doc);
    assert.ok(result.valid, `${name}: ${result.errorMessage} in ${JSON.stringify(doc).slice(0, 400)}`);
    if (!r.isError) seen.add(String(doc.schema));
    return doc;
  };
  let messageId = "";
  for (const [name, args] of calls) {
    const doc = await check(name, args);
    if (name === "send_canary") messageId = String(doc.messageId);
  }
  // The canary bounced: verify reads the bounce from the files folder.
  fs.writeFileSync(path.join(b().dir, "files", "dsn.eml"), _dsn(messageId));
  assert.equal((await check("verify", { last: true, bounce: ["dsn.eml"] })).state, "bounced");
  // Documents, not only error documents, were checked.
  const tags = [
    "smtpilot.diagnose/1",
    "smtpilot.plan/1",
    "smtpilot.send/1",
    "smtpilot.domain/1",
    "smtpilot.domain-batch/1",
    "smtpilot.verify/1",
  ];
  for (const tag of tags) {
    assert.ok(seen.has(tag), `no ${tag} result was checked`);
  }
  // The check can fail: a document that breaks its schema is refused.
  const bad = {
    schema: "smtpilot.diagnose/1",
    mode: "auth-probe",
    layers: [],
    transcript: [],
    verdict: { status: "maybe" },
  };
  assert.equal(validator.getValidator(schemas.get("diagnose") as any)(bad).valid, false);
  await client.close();
});

test("resources/read errors use the protocol's codes", async () => {
  const client = await connect();
  const codeOf = async (uri: string) => {
    try {
      await client.readResource({ uri });
      return 0;
    } catch (err) {
      assert.ok(err instanceof McpError, String(err));
      return err.code;
    }
  };
  assert.equal(await codeOf("smtpilot://codes/nothing"), -32002);
  assert.equal(await codeOf("smtpilot://memory/other.md"), -32002);
  assert.equal(await codeOf("file:///etc/passwd"), -32602);
  assert.equal(await codeOf("not a uri"), -32602);
  assert.equal(await codeOf("smtpilot://codes/gates"), 0);
  await client.close();
  // A memory file that is a link is not followed: its target's content never comes back.
  const home = path.join(b().dir, "linked-home");
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(b().dir, "private.txt"), "Sentinel-Linked-0c4f\n");
  fs.symlinkSync(path.join(b().dir, "private.txt"), path.join(home, "send-log.md"));
  const server = createMcpServer({ globals: { home }, plugins: () => loadAllPlugins([]) });
  const linked = new Client({ name: "t", version: "1" });
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), linked.connect(c)]);
  await assert.rejects(linked.readResource({ uri: "smtpilot://memory/send-log.md" }), (err: unknown) => {
    assert.ok(err instanceof McpError && !err.message.includes("Sentinel-Linked"), String(err));
    return true;
  });
  await linked.close();
});

/** A DSN for the canary: the recipient does not exist. */
function _dsn(messageId: string): string {
  return [
    "From: MAILER-DAEMON@smtpilot.test",
    "To: demo@smtpilot.test",
    "Subject: Undelivered Mail Returned to Sender",
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain",
    "",
    "The message could not be delivered.",
    "--b",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.smtpilot.test",
    "",
    `Final-Recipient: rfc822; ${CANARY}`,
    "Action: failed",
    "Status: 5.1.1",
    "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
    "",
    "--b",
    "Content-Type: text/rfc822-headers",
    "",
    `Message-ID: ${messageId}`,
    "From: demo@smtpilot.test",
    `To: ${CANARY}`,
    "Subject: Contract check",
    "",
    "--b--",
    "",
  ].join("\r\n");
}
