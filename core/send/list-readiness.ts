/**
 * A list's readiness for the big mailbox providers, as the preflight of a
 * scale send checks it: the list's recipient domains counted by provider
 * (MX, cached), then the bulk-sender rules of each provider the list
 * reaches above its threshold, from the alignment report, the draft and the
 * checklist of the verified canary of this profile and message
 * (core/deliverability/bulk-rules.ts).
 */
import type { AlignReport } from "../align/align.ts";
import type { DnsClient } from "../domain/dns.ts";
import { type BulkReadiness, checkBulkRules } from "../deliverability/bulk-rules.ts";
import type { Checklist } from "../deliverability/checklist.ts";
import { countByProvider } from "../deliverability/recipient-providers.ts";
import { verifiedCanary } from "./gates.ts";
import { canaryKeyOf, canaryWindowOf } from "./send-gates.ts";
import type { SendSetup } from "./send-setup.ts";

/** Counts the list by provider and checks the bulk rules that apply to it. */
export async function bulkReadinessOf(
  setup: SendSetup,
  alignment: AlignReport | { error: string },
  dns: DnsClient,
): Promise<BulkReadiness> {
  // The setup's scan counted the list's domains in its one pass over the file.
  const { domains, uncountedDomains } = (setup.list as NonNullable<SendSetup["list"]>).scan;
  const counts = await countByProvider(domains, dns);
  if (uncountedDomains > 0) counts.recipients.unknown = (counts.recipients.unknown ?? 0) + uncountedDomains;
  const now = new Date();
  const proof = verifiedCanary(
    await canaryWindowOf(setup, now),
    canaryKeyOf(setup),
    now,
    setup.settings.safety.canaryFreshnessHours,
  );
  const checklist = (proof?.evidence as { checklist?: Checklist } | undefined)?.checklist;
  const message = await setup.draft.compose([`canary@${setup.draft.from.domain}`]);
  return checkBulkRules({ counts, message, alignment, ...(checklist ? { canary: checklist } : {}) });
}
