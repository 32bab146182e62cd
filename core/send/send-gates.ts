/**
 * The gates preflight and send both apply before any network I/O: the
 * provider is approved, a canary goes to exactly one approved recipient
 * (inside the sender's organisation unless --allow-external), and a scale
 * send stays under the batch limit and follows a canary verified in the
 * inbox. Each refusal is a GateError (exit 4).
 */
import { type CanaryKey, checkBatchSize, checkProviderApproved, checkVerifiedCanary, refuse } from "./gates.ts";
import type { SendFlags, SendSetup } from "./send-setup.ts";
import type { SendLogEntry } from "../memory/index.ts";

/** The canary identity a scale send must match (also recorded by a canary send). */
export function canaryKeyOf(setup: SendSetup): CanaryKey {
  return {
    profile: setup.profile.name,
    host: setup.options.host,
    port: setup.options.port,
    user: setup.options.auth?.user ?? "",
    from: setup.draft.from.address,
    envelopeFrom: setup.envelopeFrom,
    messageDigest: setup.draft.digest,
  };
}

/** Runs every gate that needs no confirmation; throws the first refusal. */
export async function checkSendGates(setup: SendSetup, flags: SendFlags, now: Date): Promise<void> {
  const { settings } = setup;
  checkProviderApproved(setup.profile.provider, settings.approvedProviders);
  if (setup.mode === "canary") {
    if ((flags.to ?? []).length !== 1) {
      refuse("gate.canary-one-recipient", `A canary goes to exactly one recipient, not ${(flags.to ?? []).length}`);
    }
    // Loaded here, not above: its organisation check loads the Public Suffix List, which a scale send never needs.
    const { checkCanaryRecipient } = await import("./canary-recipient.ts");
    checkCanaryRecipient(
      [setup.to as string],
      settings.canaries,
      setup.draft.from.address,
      flags.allowExternal === true,
    );
    return;
  }
  checkBatchSize(setup.subject.recipients.count, settings.safety.maxRecipientsPerBatch);
  checkVerifiedCanary(await canaryWindowOf(setup, now), canaryKeyOf(setup), now, settings.safety.canaryFreshnessHours);
}

/**
 * The send-log entries a verified-canary check needs: the canaries and
 * verifications of the last canaryFreshnessHours (a canary and its
 * verification are both in it) — not the whole history a send never looks
 * at, nor the preflight and scale entries that fill the window (two a send).
 */
export function canaryWindowOf(setup: SendSetup, now: Date): Promise<SendLogEntry[]> {
  const since = new Date(now.getTime() - setup.settings.safety.canaryFreshnessHours * 3_600_000);
  return setup.store.sendLogSince(since, CANARY_EVIDENCE_KINDS);
}

/** The send-log kinds that make a canary's evidence (what verifiedCanary reads). */
export const CANARY_EVIDENCE_KINDS: readonly string[] = ["canary", "verify"];
