/**
 * The seam between `bounce` and the send log: given the bounce entries read,
 * the updates a send log should apply — each original Message-ID whose
 * recipients failed, with the evidence. The send workflow (not written yet)
 * looks each Message-ID up in its log and moves the entry to `bounced`;
 * until then nothing calls this but the tests, and `bounce` itself writes
 * nothing.
 */
import type { BounceMessage } from "./analyze-message.ts";
import type { Reason } from "./reasons.ts";

/** One send-log update: the message that bounced and why. */
export interface BounceUpdate {
  messageId: string;
  status: "bounced" | "delayed" | "complained";
  evidence: {
    source: string;
    kind: BounceMessage["kind"];
    recipients: {
      address: string;
      status: string | null;
      reason: Reason;
      permanent: boolean;
      hard: boolean;
      diagnostic: string | null;
    }[];
  };
}

/** A send log as the seam needs it: finds a sent message by Message-ID. */
export interface SendLogLookup {
  has(messageId: string): boolean;
}

/**
 * Updates for every bounce entry that names its original Message-ID and has
 * a failed, delayed or complaining recipient, limited to Message-IDs the
 * log knows when `log` is given. Delivered and auto-reply entries are not
 * bounces and yield nothing.
 */
export function bounceUpdates(messages: readonly BounceMessage[], log?: SendLogLookup): BounceUpdate[] {
  const updates: BounceUpdate[] = [];
  for (const m of messages) {
    if (!m.originalMessageId || (log && !log.has(m.originalMessageId))) continue;
    if (m.kind !== "dsn" && m.kind !== "bounce" && m.kind !== "feedback") continue;
    const failing = m.recipients.filter((r) => r.reason !== "delivered" && r.reason !== "vacation");
    if (failing.length === 0) continue;
    const status = m.kind === "feedback"
      ? "complained"
      : failing.some((r) => r.action !== "delayed")
      ? "bounced"
      : "delayed";
    updates.push({
      messageId: m.originalMessageId,
      status,
      evidence: {
        source: m.source,
        kind: m.kind,
        recipients: failing.map((r) => ({
          address: r.address,
          status: r.status,
          reason: r.reason,
          permanent: r.permanent,
          hard: r.hard,
          diagnostic: r.diagnostic,
        })),
      },
    });
  }
  return updates;
}
