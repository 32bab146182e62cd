// What `smtpilot mcp` writes passes through jsonSafe (core/printable.ts), as every --json output does: a
// subject, a memory file or a server's words holding bidi overrides (U+202E), C1 controls (U+009B, a one-byte
// CSI) or invisible characters reach the client as \u escapes — in every raw line and in the JSON text of a
// tool result — so a log, a terminal or the model reading it cannot be shown reordered or hidden text, while
// the values an agent parses are exactly what they were.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { RawSession } from "./raw-session.ts";

/** Characters that must never be written raw: C1 controls, bidi overrides and isolates, invisibles. */
const UNSAFE = /[\u007f-\u009f\u2028-\u202e\u2066-\u2069\u200b-\u200f\u2060-\u2064\ufeff]/;
const SUBJECT = "Invoice \u202egpj.exe\u2069 \u200bpaid\u2028";
const NOTE = "Relay notes: \u202etxt.evil\u202c and \u2066isolated\u2069 \u0085next";

test("tool results, their JSON text and resources carry bidi and C1 characters as escapes, values kept", async (t) => {
  const home = path.join(makeTestDir("smtpilot-json-safe-"), "home");
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, "deliverability-notes.md"), `# Notes\n\n${NOTE}\n`);
  const s = new RawSession(home);
  t.after(() => void s.child.kill());
  await s.request(1, "initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  });
  s.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));

  const draft = await s.request(2, "tools/call", {
    name: "draft",
    arguments: { from: "me@example.com", to: ["you@example.net"], subject: SUBJECT, text: "hi" },
  });
  const doc = draft.result?.structuredContent;
  assert.equal(doc?.schema, "smtpilot.draft/1", JSON.stringify(draft).slice(0, 500));
  assert.equal(doc.subject, SUBJECT, "the parsed value is the subject as given");
  const text = draft.result.content[0].text as string;
  assert.doesNotMatch(text, UNSAFE, "the result's JSON text holds a raw unsafe character");
  assert.equal(JSON.parse(text).subject, SUBJECT, "the result's JSON text parses to the same value");

  const notes = await s.request(3, "resources/read", { uri: "smtpilot://memory/deliverability-notes.md" });
  assert.ok(notes.result?.contents?.[0]?.text.includes(NOTE), JSON.stringify(notes).slice(0, 500));

  for (const line of s.raw) assert.doesNotMatch(line, UNSAFE, `a raw unsafe character in ${line.slice(0, 200)}`);
  s.child.stdin.end();
  assert.equal(await s.exited, 0);
});
