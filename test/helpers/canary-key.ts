/**
 * A canary key for tests of the canary gate and the send log: profile `lab` on smtp.example.com:587
 * as me@example.com, the message digest all `a`s unless a test changes a field.
 */
import type { CanaryKey } from "../../core/send/gates.ts";

/** The sample key, with `over` applied. */
export function sampleCanaryKey(over: Partial<CanaryKey> = {}): CanaryKey {
  return {
    profile: "lab",
    host: "smtp.example.com",
    port: 587,
    user: "me@example.com",
    from: "me@example.com",
    envelopeFrom: "me@example.com",
    messageDigest: "a".repeat(64),
    ...over,
  };
}
