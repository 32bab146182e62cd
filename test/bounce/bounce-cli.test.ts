import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { runCli, runCliWithInput } from "../helpers/cli.ts";

const RECIPIENT_FIELDS = [
  "address",
  "action",
  "status",
  "replyCode",
  "diagnostic",
  "reason",
  "permanent",
  "hard",
  "next",
];

test("smtpilot bounce --json prints smtpilot.bounce/1 with the fields the issue names", async () => {
  const r = await runCli([
    "bounce",
    "--json",
    "test/data/bounces/postfix/user-unknown.eml",
    "test/data/bounces/providers/three-messages.mbox",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "smtpilot.bounce/1");
  assert.deepEqual(doc.messages.map((m: { source: string; kind: string }) => [m.source, m.kind]), [
    ["test/data/bounces/postfix/user-unknown.eml", "dsn"],
    ["test/data/bounces/providers/three-messages.mbox#1", "bounce"],
    ["test/data/bounces/providers/three-messages.mbox#2", "not-bounce"],
    ["test/data/bounces/providers/three-messages.mbox#3", "autoreply"],
  ]);
  const first = doc.messages[0];
  assert.equal(first.originalMessageId, "<corpus-user-unknown@sender.test>");
  for (const f of RECIPIENT_FIELDS) assert.ok(f in first.recipients[0], f);
  assert.deepEqual(doc.errors, []);
});

test("smtpilot bounce reads stdin (-) and says the mode on its first line", async () => {
  const r = await runCliWithInput(["bounce", "-"], fs.readFileSync("test/data/bounces/exim/mailbox-full.eml"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.split("\n")[0] ?? "", /offline/);
  assert.match(r.stdout, /mailboxfull/);
});

test("smtpilot bounce exits 3 for an unreadable file but still reports the readable ones", async () => {
  const r = await runCli(["bounce", "--json", "no/such/file.eml", "test/data/bounces/postfix/relay-denied.eml"]);
  assert.equal(r.code, 3);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.errors.map((e: { code: string }) => e.code), ["bounce.not-found"]);
  assert.equal(doc.messages.length, 1);
  assert.equal(doc.messages[0].recipients[0].reason, "norelaying");
});

test("smtpilot bounce refuses stdin twice as a usage error", async () => {
  assert.equal((await runCli(["bounce", "-", "-"])).code, 2);
});
