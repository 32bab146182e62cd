// deno-lint-ignore-file no-explicit-any
// (Tool results are JSON documents of many shapes; the assertions say which field they expect.)
// The agent interface's two trust boundaries, end to end: `smtpilot mcp --files DIR` started as a client
// starts it (a child process on stdio), driven by the SDK's own Client.
// 1. A saved profile's login goes only to that profile's own server: every tool that takes a profile and a
//    target field refuses to point it elsewhere, and an attacker's server — offering STARTTLS under a CA the
//    agent hands over, and AUTH — is never contacted and never sees the secret in any form.
// 2. No file content reaches the agent: a file outside the folder (by absolute path, `..` or a link) is never
//    read, and a file inside it that fails to parse is never quoted back — in results, errors or log messages.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { COMMAND_SPECS } from "../../cli/commands/index.ts";
import { commandOf, TOOLS } from "../../cli/mcp/tools.ts";
import { secretForms } from "../../core/redact.ts";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { CLI_ENTRY } from "../helpers/cli.ts";
import { b, CANARY, useSendBed } from "../send/send-fixture.ts";
import { type AttackerServer, startAttackerServer } from "./attacker-server.ts";
import { EXPECTED_FILE_INPUTS } from "./file-input-names.ts";

useSendBed();

const _root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** What no file read may ever return: in a file outside the folder, and in a bad file inside it. */
const OUTSIDE = "Sentinel-Outside-7f3a9c";
const INSIDE = "Sentinel-Inside-51d2e8";
/** The target fields a profile's login is bound to, and a value pointing elsewhere for each. */
const TARGET_FIELDS = ["host", "port", "tls", "servername", "ca", "authMech"] as const;

let attacker: AttackerServer;
let client: Client;
let folder = "";
let outsideFile = "";
const said: string[] = [];
let stderr = "";

/** Calls a tool; keeps everything it said for the final scans. */
async function call(name: string, args: Record<string, unknown>) {
  const r = await client.callTool({ name, arguments: args });
  said.push(JSON.stringify(r));
  return {
    doc: r.structuredContent as Record<string, any>,
    isError: r.isError === true,
    exit: (r._meta as Record<string, number> | undefined)?.["smtpilot/exitCode"],
  };
}

/** Starts the attacker and the server once (from the first test: root hooks do not wait for the bed's). */
let _ready: Promise<void> | undefined;
const ready = () => (_ready ??= _setUp());

async function _setUp(): Promise<void> {
  attacker = await startAttackerServer();
  folder = path.join(b().dir, "files");
  const outside = path.join(b().dir, "outside");
  fs.mkdirSync(folder);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(folder, "attacker-ca.pem"), attacker.caPem);
  // A dotenv file, as a profile's secret reference would name it, and more lines of the same sentinel.
  outsideFile = path.join(outside, "secrets.env");
  fs.writeFileSync(outsideFile, `SMTP_PASSWORD=${OUTSIDE}\n${OUTSIDE} second line\n<${OUTSIDE}@x>\n`, { mode: 0o600 });
  fs.symlinkSync(outsideFile, path.join(folder, "link.txt"));
  fs.symlinkSync(outside, path.join(folder, "up"));
  // A Maildir inside the folder with one message that is a link out of it.
  for (const sub of ["cur", "new", "tmp"]) fs.mkdirSync(path.join(folder, "maildir", sub), { recursive: true });
  fs.symlinkSync(outsideFile, path.join(folder, "maildir", "cur", "1.eml"));
  // Files inside the folder whose content is not what the input wants.
  fs.writeFileSync(path.join(folder, "bad.txt"), `${INSIDE}\n${INSIDE} again\nnot-an-address-${INSIDE}\n`);
  const must = async (args: string[]) => {
    const r = await b().cli(args);
    assert.equal(r.code, 0, r.stderr);
  };
  // A second profile whose secret reference names the outside file: profile_show tells the agent its path.
  await must([
    "profile",
    "add",
    "dot",
    "--provider",
    "custom",
    "--host",
    "127.0.0.1",
    "--port",
    "2525",
    "--tls",
    "starttls",
    "--user",
    "demo",
    "--secret",
    `dotenv:${outsideFile}#SMTP_PASSWORD`,
    "--from",
    "demo@smtpilot.test",
  ]);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_ENTRY, "--home", b().home, "mcp", "--files", folder],
    cwd: _root,
    env: { ...process.env, PW: FIXTURE_DEMO_SECRET } as Record<string, string>,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  client = new Client({ name: "boundaries", version: "1" });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void said.push(JSON.stringify(n.params)));
  await client.connect(transport);
}

after(async () => {
  await client?.close();
  await attacker?.close();
});

test("the profile's own server gets its login", async () => {
  await ready();
  const auths = () => b().fixture.events.filter((e) => e.kind === "auth" && /accepted/.test(e.detail)).length;
  const before = auths();
  const r = await call("diagnose", { profile: "lab" });
  assert.equal(r.exit, 0, JSON.stringify(r.doc));
  assert.equal(r.doc.mode, "auth-probe");
  assert.equal(auths(), before + 1);
});

test("every tool that takes a profile and a target refuses to point the profile's login elsewhere", async () => {
  await ready();
  const { tools } = await client.listTools();
  const attack: Record<(typeof TARGET_FIELDS)[number], unknown> = {
    host: "localhost",
    port: attacker.port,
    tls: "implicit",
    servername: "localhost",
    ca: "attacker-ca.pem",
    authMech: "LOGIN",
  };
  const targeted = tools.filter((t) => {
    const props = Object.keys((t.inputSchema as any).properties ?? {});
    return props.includes("profile") && TARGET_FIELDS.some((f) => props.includes(f));
  });
  // Where the command merges a profile's login with a target (its definition takes a user), an override is
  // refused; the others (domain's ca is for MX certificates) use no login, and the transcript check covers them.
  const bound = new Set(
    targeted.filter((t) =>
      commandOf(COMMAND_SPECS, TOOLS.find((d) => d.name === t.name)!.command).options
        .some((o) => o.flags.startsWith("--user "))
    )
      .map((t) => t.name),
  );
  assert.ok(bound.has("diagnose"), "diagnose takes a profile and a target");
  const wrong: string[] = [];
  for (const t of targeted) {
    const props = Object.keys((t.inputSchema as any).properties);
    const only = (o: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(o).filter(([k]) => props.includes(k)));
    const calls: Record<string, unknown>[] = [
      // The whole attack: the attacker's port and its CA, so its certificate verifies.
      only({ host: "127.0.0.1", port: attacker.port, tls: "starttls", ca: "attacker-ca.pem" }),
      ...TARGET_FIELDS.filter((f) => props.includes(f)).map((f) => ({ [f]: attack[f] })),
    ];
    for (const override of calls) {
      // Every call is made (a failure does not stop the attack), so the attacker's transcript sees them all.
      const r = await call(t.name, { profile: "lab", ...override });
      if (bound.has(t.name) && (r.exit !== 4 || r.doc.error?.code !== "gate.profile-target-override")) {
        wrong.push(`${t.name} ${JSON.stringify(override)}: exit ${r.exit} ${r.doc.error?.code ?? r.doc.schema}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  // Repeating the profile's own values is not an override.
  const port = b().fixture.ports["healthy-starttls"];
  assert.equal((await call("diagnose", { profile: "lab", port, tls: "starttls", host: "127.0.0.1" })).exit, 0);
  assert.equal(attacker.connections(), 0, "the attacker's server was contacted");
});

test("without a profile the agent may probe any server, with no credentials", async () => {
  await ready();
  const r = await call("diagnose", { host: "127.0.0.1", port: attacker.port, tls: "starttls", ca: "attacker-ca.pem" });
  assert.equal(r.doc.mode, "connectivity-probe");
  assert.ok(attacker.connections() > 0, "the probe reached the attacker's server");
});

test("the attacker's server saw no AUTH and no secret in any form", async () => {
  await ready();
  const transcript = attacker.transcript();
  assert.match(transcript, /EHLO/i, "the transcript holds what the client said");
  assert.doesNotMatch(transcript, /^AUTH/im);
  for (const form of secretForms(FIXTURE_DEMO_SECRET)) {
    assert.ok(!transcript.includes(form), `the attacker saw the secret as ${form}`);
  }
});

test("a file outside the folder is never read, by path, by .. or through a link", async () => {
  await ready();
  const { tools } = await client.listTools();
  const fileInputs = tools.flatMap((t) =>
    Object.entries((t.inputSchema as any).properties as Record<string, { description?: string }>)
      .filter(([, p]) => /folder the person gave this server/.test(p.description ?? ""))
      .map(([name]) => ({ tool: t, name }))
  );
  const names = new Set(fileInputs.map((f) => f.name));
  for (const n of EXPECTED_FILE_INPUTS) {
    assert.ok(names.has(n), `${n} is not declared a file input`);
  }
  // The path profile_show gives for the dotenv secret is one an agent would try.
  const shown = await call("profile_show", { name: "dot" });
  assert.ok(JSON.stringify(shown.doc).includes(outsideFile));
  const base: Record<string, unknown> = {
    profile: "lab",
    to: [CANARY],
    toList: "bad.txt",
    name: "x-y",
    address: CANARY,
  };
  for (const { tool, name } of fileInputs) {
    const props = (tool.inputSchema as any).properties as Record<string, { type: string }>;
    const required: string[] = (tool.inputSchema as any).required ?? [];
    const args = Object.fromEntries(required.filter((k) => k in base).map((k) => [k, base[k]]));
    for (const value of [outsideFile, "../outside/secrets.env", "link.txt", "up/secrets.env", "maildir"]) {
      if (value === "maildir" && !/source|bounce/.test(name)) continue;
      const r = await call(tool.name, { ...args, [name]: props[name]?.type === "array" ? [value] : value });
      assert.equal(r.exit, 4, `${tool.name} ${name}=${value}: ${JSON.stringify(r.doc)}`);
      assert.equal(r.doc.error.code, "gate.file-outside-folder");
    }
  }
});

test("a file inside the folder that does not parse is not quoted back", async () => {
  await ready();
  const bad = [
    ["preflight", { profile: "lab", toList: "bad.txt", subject: "s", text: "t", resolver: "127.0.0.1:9" }],
    ["send_scale", { profile: "lab", toList: "bad.txt", subject: "s", text: "t", resolver: "127.0.0.1:9" }],
    ["diagnose", { host: "127.0.0.1", port: 1, ca: "bad.txt" }],
    ["draft", { from: "demo@smtpilot.test", eml: "bad.txt" }],
    ["domain", { domain: "smtpilot.test", message: "bad.txt", resolver: "127.0.0.1:9", timeout: 1 }],
  ] as const;
  for (const [name, args] of bad) {
    const r = await call(name, args);
    assert.equal(r.isError, true, `${name} accepted bad.txt: ${JSON.stringify(r.doc)}`);
    assert.ok(!JSON.stringify(r.doc).includes(INSIDE), `${name} quoted the file: ${JSON.stringify(r.doc)}`);
  }
  // A list inside the folder still works: line numbers are named, content is not.
  fs.writeFileSync(path.join(folder, "list.txt"), `${CANARY}\nbroken-${INSIDE}\n`);
  const r = await call("preflight", { profile: "lab", toList: "list.txt", subject: "s", text: "t" });
  assert.equal(r.exit, 2);
  assert.match(r.doc.error.message, /line 2/);
});

test("no result, error, log message or stderr line holds the outside file's content", async () => {
  await ready();
  assert.ok(said.length > 30, "the scans saw the calls");
  const all = said.join("\n");
  assert.ok(!all.includes(OUTSIDE), "the outside file's content reached the agent");
  assert.ok(!stderr.includes(OUTSIDE), "the outside file's content reached stderr");
  for (const form of secretForms(FIXTURE_DEMO_SECRET)) assert.ok(!all.includes(form), `found ${form}`);
});
