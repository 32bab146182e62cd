import { test } from "node:test";
import assert from "node:assert/strict";
import { type CanaryKey, canaryKeyFields, verifiedCanary } from "../../core/send/gates.ts";
import type { SendLogEntry } from "../../core/memory/index.ts";
import { sampleCanaryKey } from "../helpers/canary-key.ts";

const key: CanaryKey = sampleCanaryKey();
const canary = (sendId: string, at: string, over: Partial<SendLogEntry> = {}): SendLogEntry => ({
  at,
  kind: "canary",
  state: "accepted",
  sendId,
  ...canaryKeyFields(key),
  messageId: "<same@example.com>",
  ...over,
});
const verify = (sendId: string, at: string, state = "delivered-inbox"): SendLogEntry => ({
  at,
  kind: "verify",
  state,
  sendId,
  messageId: "<same@example.com>",
});
const now = new Date("2026-12-02T12:00:00Z");

test("verifiedCanary() accepts the inbox verification of this very canary send", () => {
  const log = [canary("s1", "2026-12-02T10:00:00Z"), verify("s1", "2026-12-02T10:05:00Z")];
  assert.equal(verifiedCanary(log, key, now, 24)?.sendId, "s1");
});

test("verifiedCanary() refuses another send's evidence sharing the Message-ID (other content, spam, before the send)", () => {
  // A was verified; B — other content, the same Message-ID — never was.
  const log = [
    canary("a", "2026-12-02T10:00:00Z", { digest: "b".repeat(64) }),
    verify("a", "2026-12-02T10:05:00Z"),
    canary("b", "2026-12-02T11:00:00Z"),
  ];
  assert.equal(verifiedCanary(log, key, now, 24), undefined);
  // The same content re-sent: the older inbox verification is not the new send's.
  const resent = [
    canary("old", "2026-12-01T10:00:00Z"),
    verify("old", "2026-12-01T10:05:00Z"),
    canary("new", "2026-12-02T11:00:00Z"),
    verify("new", "2026-12-02T11:05:00Z", "delivered-spam"),
  ];
  assert.equal(verifiedCanary(resent, key, now, 6), undefined);
  // Evidence recorded before the send it names is not evidence.
  assert.equal(
    verifiedCanary([verify("x", "2026-12-02T09:00:00Z"), canary("x", "2026-12-02T10:00:00Z")], key, now, 24),
    undefined,
  );
});

test("verifiedCanary() refuses a canary sent through another server or account, or too long ago", () => {
  const log = [canary("s1", "2026-12-02T10:00:00Z"), verify("s1", "2026-12-02T10:05:00Z")];
  assert.equal(verifiedCanary(log, { ...key, host: "smtp.other.example" }, now, 24), undefined);
  assert.equal(verifiedCanary(log, { ...key, user: "someone@example.com" }, now, 24), undefined);
  assert.equal(verifiedCanary(log, { ...key, envelopeFrom: "bounces@example.com" }, now, 24), undefined);
  // Freshness counts from the send, not from the verification.
  const late = [canary("s2", "2026-12-01T10:00:00Z"), verify("s2", "2026-12-02T11:00:00Z")];
  assert.equal(verifiedCanary(late, key, now, 24), undefined);
});
