import { test } from "node:test";
import assert from "node:assert/strict";
import { checkToken, issuePlan, planDigest, type PlanSubject, tokenRecord } from "../../core/send/plan.ts";

const subject: PlanSubject = {
  mode: "canary",
  profile: { name: "lab", host: "smtp.example.com", port: 587, tls: "starttls", user: "me@example.com" },
  envelopeFrom: "me@example.com",
  headerFrom: "Me <me@example.com>",
  recipients: { count: 1, digest: "a".repeat(64) },
  message: { digest: "b".repeat(64), messageId: "<x@example.com>" },
};
const now = new Date("2026-12-02T12:00:00Z");

test("planDigest() does not depend on key order and changes with any bound field", () => {
  const reordered = JSON.parse(JSON.stringify({ ...subject, mode: undefined, message: subject.message, mode2: 1 }));
  delete reordered.mode2;
  reordered.mode = "canary";
  assert.equal(planDigest(reordered), planDigest(subject));
  for (
    const changed of [
      { ...subject, mode: "scale" as const },
      { ...subject, envelopeFrom: "other@example.com" },
      { ...subject, recipients: { count: 1, digest: "c".repeat(64) } },
      { ...subject, message: { ...subject.message, digest: "d".repeat(64) } },
      { ...subject, profile: { ...subject.profile, name: "prod" } },
      { ...subject, profile: { ...subject.profile, port: 465 } },
    ]
  ) assert.notEqual(planDigest(changed), planDigest(subject));
});

test("a token approves exactly its plan until it expires or is used", () => {
  const plan = issuePlan(subject, now);
  const records = [tokenRecord(plan, now)];
  assert.match(plan.token, /^spt-[a-z2-7]{24}$/);
  assert.equal(JSON.stringify(records).includes(plan.token), false, "the token itself is never stored");
  assert.equal(checkToken(plan.token, plan.digest, records, now), undefined);
  assert.equal(checkToken(plan.token, planDigest({ ...subject, mode: "scale" }), records, now), "plan-changed");
  assert.equal(checkToken("spt-" + "a".repeat(24), plan.digest, records, now), "token-unknown");
  assert.equal(checkToken("yes", plan.digest, records, now), "token-malformed");
  assert.equal(checkToken(plan.token, plan.digest, records, new Date(Date.parse(plan.expiresAt) + 1)), "token-expired");
  assert.equal(
    checkToken(plan.token, plan.digest, [{ ...records[0]!, usedAt: now.toISOString() }], now),
    "token-used",
  );
});

test("two plans for the same subject get different tokens and the same digest and confirm code", () => {
  const a = issuePlan(subject, now);
  const b = issuePlan(subject, now);
  assert.notEqual(a.token, b.token);
  assert.equal(a.digest, b.digest);
  assert.equal(a.confirmCode, b.confirmCode);
  assert.match(a.confirmCode, /^[A-Z2-7]{6}$/);
});
