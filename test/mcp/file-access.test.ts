// deno-lint-ignore-file no-explicit-any
// Which files a tool call may make smtpilot read (cli/mcp/file-access.ts): every input the command
// definitions mark as a file or folder, none without `smtpilot mcp --files DIR`, and only inside it with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { COMMAND_SPECS } from "../../cli/commands/index.ts";
import { fileInputNames, filesFolder } from "../../cli/mcp/file-access.ts";
import { inputSchema } from "../../cli/mcp/schema.ts";
import { createMcpServer } from "../../cli/mcp/server.ts";
import { commandOf, TOOLS } from "../../cli/mcp/tools.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { EXPECTED_FILE_INPUTS } from "./file-input-names.ts";

const dir = makeTestDir("smtpilot-files-");
const home = path.join(dir, "home");
const folder = path.join(dir, "files");
fs.mkdirSync(folder);
fs.writeFileSync(path.join(folder, "body.txt"), "Hello from a file inside the folder.\n");
fs.writeFileSync(path.join(dir, "outside.txt"), "outside\n");
fs.mkdirSync(path.join(folder, "maildir", "cur"), { recursive: true });
fs.symlinkSync(path.join(dir, "outside.txt"), path.join(folder, "maildir", "cur", "1.eml"));

async function connect(files?: string): Promise<Client> {
  const server = createMcpServer({ globals: { home }, plugins: () => loadAllPlugins([]), files: filesFolder(files) });
  const client = new Client({ name: "t", version: "1" });
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(c)]);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const r = await client.callTool({ name, arguments: args });
  return { doc: r.structuredContent as Record<string, any>, exit: (r._meta as any)?.["smtpilot/exitCode"] as number };
}

/** Every tool input that names a file or folder, from the command definitions, with the tool's schema of it. */
function fileInputs(): { tool: string; name: string; list: boolean; required: string[] }[] {
  return TOOLS.flatMap((t) => {
    const spec = commandOf(COMMAND_SPECS, t.command);
    const schema = inputSchema(t, spec) as { properties: Record<string, { type: string }>; required?: string[] };
    return [...fileInputNames(spec)]
      .filter((name) => name in schema.properties)
      .map((name) => ({
        tool: t.name,
        name,
        list: schema.properties[name]?.type === "array",
        required: schema.required ?? [],
      }));
  });
}

const FILLER: Record<string, unknown> = { profile: "lab", to: ["c@example.com"], name: "x", address: "c@example.com" };

test("the command definitions mark every file and folder input a tool takes", () => {
  const names = new Set(fileInputs().map((f) => f.name));
  for (const n of EXPECTED_FILE_INPUTS) {
    assert.ok(names.has(n), `${n} is not a file input`);
  }
  // Output files are never a tool's: draft's --out is omitted.
  assert.ok(!fileInputs().some((f) => f.tool === "draft" && f.name === "out"));
});

test("without --files, no tool reads any file (gate.file-access-off, exit 4)", async () => {
  const client = await connect();
  for (const f of fileInputs()) {
    const args = Object.fromEntries(f.required.filter((k) => k in FILLER).map((k) => [k, FILLER[k]]));
    if (f.required.includes("toList") && f.name !== "toList") args.toList = "list.txt";
    const value = path.join(folder, "body.txt");
    const r = await call(client, f.tool, { ...args, [f.name]: f.list ? [value] : value });
    assert.equal(r.exit, 4, `${f.tool} ${f.name}: ${JSON.stringify(r.doc)}`);
    assert.equal(r.doc.error.code, "gate.file-access-off");
  }
  // Pasted content still works.
  const pasted = await call(client, "bounce", { content: "From: a@b.c\r\nSubject: x\r\n\r\nhello\r\n" });
  assert.equal(pasted.exit, 0, JSON.stringify(pasted.doc));
  await client.close();
});

test("with --files, a file inside is read (by relative or absolute name); outside, .. and links out are not", async () => {
  const client = await connect(folder);
  const base = { from: "me@example.com", subject: "s" };
  assert.equal((await call(client, "draft", { ...base, textFile: "body.txt" })).exit, 0);
  assert.equal((await call(client, "draft", { ...base, textFile: path.join(folder, "body.txt") })).exit, 0);
  for (const value of [path.join(dir, "outside.txt"), "../outside.txt", `${folder}/../outside.txt`]) {
    const r = await call(client, "draft", { ...base, textFile: value });
    assert.equal(r.doc.error?.code, "gate.file-outside-folder", value);
  }
  fs.symlinkSync(path.join(dir, "outside.txt"), path.join(folder, "out-link.txt"));
  assert.equal(
    (await call(client, "draft", { ...base, textFile: "out-link.txt" })).doc.error?.code,
    "gate.file-outside-folder",
  );
  // A folder input whose entries lead out of the folder.
  assert.equal((await call(client, "bounce", { source: ["maildir"] })).doc.error?.code, "gate.file-outside-folder");
  // A file that is not there is an environment error, not a gate.
  assert.equal((await call(client, "draft", { ...base, textFile: "missing.txt" })).exit, 3);
  await client.close();
});

test("smtpilot mcp --files with a folder that does not exist is a usage error at start", async () => {
  const r = await runCli(["--home", home, "mcp", "--files", path.join(dir, "nope")]);
  assert.equal(r.code, 2, r.stderr);
});
