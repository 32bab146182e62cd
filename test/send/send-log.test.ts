import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { maskCredentials } from "../../core/send/send-log.ts";
import { initMemory, openMemory } from "../../core/memory/index.ts";
import { findSecretValues } from "../../core/memory/secret-values.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

test("a server reply shaped like a credential is masked so the send is still recorded", async () => {
  const entry = {
    kind: "canary",
    profile: "lab",
    reply: "250 2.0.0 Ok: queued as ABC token=deadbeefcafe0123",
    server: "mx.example",
    evidence: { header: "X-Key: -----BEGIN PRIVATE KEY-----" },
  };
  const home = path.join(makeTestDir("smtpilot-sendlog-"), "home");
  await initMemory(home);
  const store = openMemory({ home });
  await assert.rejects(store.appendSendLog(entry), (e: { code?: string }) => e.code === "E_SECRET_VALUE");
  const masked = maskCredentials(entry);
  assert.deepEqual(findSecretValues(masked), []);
  assert.match(masked.reply, /^250 2\.0\.0 Ok: queued as ABC/);
  await store.appendSendLog(masked);
  assert.equal((await store.sendLog()).at(-1)?.kind, "canary");
});
