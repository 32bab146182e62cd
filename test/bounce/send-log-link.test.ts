import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeMessage, type BounceMessage } from "../../core/bounce/analyze-message.ts";
import { readSources } from "../../core/bounce/read-sources.ts";
import { bounceUpdates } from "../../core/bounce/send-log-link.ts";

async function read(files: string[]): Promise<BounceMessage[]> {
  const out: BounceMessage[] = [];
  await readSources(files, (root, source) => out.push(analyzeMessage(root, source)), () => {});
  return out;
}

test("bounceUpdates() turns bounces with an original Message-ID into bounced, delayed and complained updates", async () => {
  const messages = await read([
    "test/data/bounces/postfix/user-unknown.eml",
    "test/data/bounces/providers/postfix-delayed.eml",
    "test/data/bounces/providers/arf-complaint.eml",
    "test/data/bounces/postfix/delivered-notify-success.eml",
    "test/data/bounces/providers/vacation-auto-submitted.eml",
  ]);
  const updates = bounceUpdates(messages);
  assert.deepEqual(updates.map((u) => [u.messageId, u.status]), [
    ["<corpus-user-unknown@sender.test>", "bounced"],
    ["<later-1@example.org>", "delayed"],
    ["<sale-2026-annoyed@example.org>", "complained"],
  ]);
  assert.deepEqual(updates[0]?.evidence.recipients.map((r) => [r.address, r.reason, r.hard]), [
    ["nobody-here@rcpt.test", "userunknown", true],
  ]);
});

test("bounceUpdates() keeps only the Message-IDs the send log knows", async () => {
  const messages = await read([
    "test/data/bounces/postfix/user-unknown.eml",
    "test/data/bounces/exim/user-unknown.eml",
  ]);
  const log = { has: (id: string) => id === "<corpus-exim-user-unknown@sender.test>" };
  assert.deepEqual(bounceUpdates(messages, log).map((u) => u.messageId), ["<corpus-exim-user-unknown@sender.test>"]);
});
