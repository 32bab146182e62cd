import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyzeMessage, type BounceMessage } from "../../core/bounce/analyze-message.ts";
import { readSources, type SourceError } from "../../core/bounce/read-sources.ts";

async function read(sources: string[]): Promise<{ messages: BounceMessage[]; errors: SourceError[] }> {
  const messages: BounceMessage[] = [];
  const errors: SourceError[] = [];
  await readSources(sources, (root, source) => messages.push(analyzeMessage(root, source)), (e) => errors.push(e));
  return { messages, errors };
}

test("readSources() splits an mbox into its messages, numbered from 1, and unquotes >From lines", async () => {
  const { messages } = await read(["test/data/bounces/providers/three-messages.mbox"]);
  assert.deepEqual(messages.map((m) => [m.source.replace(/^.*#/, "#"), m.kind]), [
    ["#1", "bounce"],
    ["#2", "not-bounce"],
    ["#3", "autoreply"],
  ]);
});

test("readSources() reads a Maildir folder's new/ and cur/ messages", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-maildir-"));
  try {
    for (const sub of ["new", "cur", "tmp"]) fs.mkdirSync(path.join(dir, sub));
    fs.copyFileSync("test/data/bounces/postfix/user-unknown.eml", path.join(dir, "new", "1.host"));
    fs.copyFileSync("test/data/bounces/exim/mailbox-full.eml", path.join(dir, "cur", "2.host:2,S"));
    fs.writeFileSync(path.join(dir, "tmp", "3.partial"), "From: half");
    const { messages, errors } = await read([dir]);
    assert.deepEqual(errors, []);
    assert.deepEqual(messages.map((m) => m.recipients[0]?.reason), ["userunknown", "mailboxfull"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("readSources() gives each unreadable source an error code and reads the others", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bad-"));
  try {
    const empty = path.join(dir, "empty.eml");
    fs.writeFileSync(empty, "\n\n");
    const { messages, errors } = await read([
      path.join(dir, "missing.eml"),
      dir,
      empty,
      "/dev/null",
      "test/data/bounces/postfix/relay-denied.eml",
    ]);
    assert.deepEqual(errors.map((e) => e.code), [
      "bounce.not-found",
      "bounce.not-a-file",
      "bounce.empty",
      "bounce.not-a-file",
    ]);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.recipients[0]?.reason, "norelaying");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
