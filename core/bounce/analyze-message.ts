/**
 * Turns one parsed message into a bounce entry: what kind of message it is
 * (an RFC 3464 report, another MTA's bounce, an ARF complaint, an
 * auto-reply, or none of these), the original message's Message-ID, and per
 * recipient the action, status, reply code, diagnostic, reason, permanent
 * and hard flags and the next step.
 *
 * A forwarded bounce (attached as message/rfc822 to a message that is not a
 * report itself) is read from the attachment. A bounce of a bounce is read
 * at the outer level only: the returned message is never mistaken for the
 * report.
 */
import { decodeHeader, headerText, partText } from "./decode.ts";
import { parseDeliveryStatus } from "./dsn-fields.ts";
import { header, type MimePart, walk } from "./mime-part.ts";
import {
  addressIn,
  hasBounceSignals,
  headerRecipients,
  headerSample,
  humanText,
  isAutoReply,
  originalMessageId,
} from "./message-signals.ts";
import type { MtaFormat } from "./mta-formats.ts";
import { type BounceRecipient, fromDsn, fromText, makeRecipient } from "./recipient-entry.ts";
import { sesNotification } from "./ses-notification.ts";
import { detectFormat, formatById, recipientsIn } from "./text-recipients.ts";

export type { BounceRecipient };

/** What a message is. */
export type BounceKind = "dsn" | "bounce" | "feedback" | "autoreply" | "not-bounce";

/** One message read. */
export interface BounceMessage {
  source: string;
  kind: BounceKind;
  /** The layout that was read: rfc3464, arf, rfc3834, or an MTA id from mta-formats.ts. */
  format?: string;
  originalMessageId?: string;
  /** True when the bounce was read from a message/rfc822 attachment of a forwarded message. */
  forwarded?: boolean;
  recipients: BounceRecipient[];
}

/** Analyses one message tree. */
export function analyzeMessage(root: MimePart, source: string): BounceMessage {
  const direct = _analyze(root, source);
  // A report of its own is never a forward; anything else may carry the real bounce as an attachment.
  if (direct.kind === "dsn" || direct.kind === "feedback") return direct;
  if (direct.kind === "bounce" && direct.format !== "generic" && direct.recipients.length > 0) return direct;
  for (const part of walk(root)) {
    if (part.type !== "message/rfc822" && part.type !== "message/global") continue;
    const inner = part.children[0];
    if (!inner || part.depth > 2) continue;
    const forwarded = _analyze(inner, source);
    if (
      forwarded.kind === "dsn" || forwarded.kind === "feedback" ||
      (forwarded.kind === "bounce" && forwarded.recipients.length > 0)
    ) {
      return { ...forwarded, forwarded: true };
    }
  }
  return direct;
}

function _analyze(root: MimePart, source: string): BounceMessage {
  const parts = [...walk(root)];
  const text = humanText(parts);
  const original = originalMessageId(parts, text);
  const base = { source, ...(original ? { originalMessageId: original } : {}) };
  const reportType = (root.params["report-type"] ?? "").toLowerCase();

  const feedback = parts.find((p) => p.type === "message/feedback-report");
  if (feedback || reportType === "feedback-report") {
    return { ...base, kind: "feedback", format: "arf", recipients: _feedbackRecipients(feedback, parts) };
  }

  const ses = sesNotification(text);
  if (ses) return { ...base, ...ses, format: "ses-notification" };

  const format = detectFormat(text, headerSample(root));
  const textRecipients = format ? recipientsIn(text, format) : [];
  const statusPart = parts.find((p) =>
    p.type === "message/delivery-status" || p.type === "message/global-delivery-status"
  );
  if (statusPart) {
    const report = parseDeliveryStatus(partText(statusPart));
    if (report.recipients.length > 0) {
      // The text's stage words speak for a report's only recipient (Sendmail's ">>> DATA" transcript).
      const only = report.recipients.length === 1 ? text : undefined;
      const recipients = report.recipients.map((r) => {
        const address = (r.finalRecipient ?? r.originalRecipient ?? "").toLowerCase();
        return fromDsn(r, textRecipients.find((t) => t.address.toLowerCase() === address), only);
      });
      return { ...base, kind: "dsn", format: "rfc3464", recipients };
    }
  }

  const looksBounced = hasBounceSignals(root, text) || statusPart !== undefined || reportType === "delivery-status";
  // Delivery-status fields pasted into the text (a gateway that flattened the report, a forward).
  const fieldsAt = looksBounced || format ? /^(?:final|original)-recipient:/im.exec(text) : null;
  if (fieldsAt) {
    const report = parseDeliveryStatus(text.slice(fieldsAt.index, fieldsAt.index + 64 * 1024));
    if (report.recipients.length > 0) {
      const recipients = report.recipients.map((r) => {
        const address = (r.finalRecipient ?? r.originalRecipient ?? "").toLowerCase();
        return fromDsn(r, textRecipients.find((t) => t.address.toLowerCase() === address));
      });
      return { ...base, kind: "bounce", format: format?.id ?? "dsn-fields", recipients };
    }
  }
  const chosen: MtaFormat | undefined = format ?? (looksBounced ? formatById("generic") : undefined);
  if (chosen) {
    let found = textRecipients.length > 0 ? textRecipients : recipientsIn(text, chosen);
    if (found.length === 0) found = headerRecipients(root, parts);
    if (found.length > 0 || looksBounced) {
      const delayed = /^warning:|delayed|delay(?:ed)? (?:mail|notification)/i.test(headerText(root, "subject") ?? "");
      return {
        ...base,
        kind: "bounce",
        format: chosen.id,
        recipients: found.map((r) => fromText(r, delayed)),
      };
    }
  }

  if (isAutoReply(root)) {
    const from = addressIn(headerText(root, "from") ?? "");
    return {
      ...base,
      kind: "autoreply",
      format: "rfc3834",
      recipients: from ? [_plain(from, "vacation", "header:auto-reply", "Auto-Submitted / auto-reply headers")] : [],
    };
  }
  return { ...base, kind: "not-bounce", recipients: [] };
}

function _plain(address: string, reason: "vacation" | "feedback", rule: string, evidence: string, diagnostic?: string) {
  return makeRecipient(
    address,
    { action: null, status: null, replyCode: null, diagnostic: diagnostic ?? null, stage: null },
    { reason, permanent: false, hard: false, rule, recommended: reason === "feedback" ? "suppress" : "none" },
    evidence,
  );
}

function _feedbackRecipients(report: MimePart | undefined, parts: readonly MimePart[]): BounceRecipient[] {
  const fields = report ? partText(report) : "";
  const addresses = [...fields.matchAll(/^original-rcpt-to:\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$/gim)].map((m) => m[1]!);
  if (addresses.length === 0) {
    // No Original-Rcpt-To (it is optional): the To of the returned message, which is who complained.
    const enclosed = parts.find((p) => p.type === "message/rfc822")?.children[0];
    const headersPart = parts.find((p) => p.type === "text/rfc822-headers");
    const rawTo = enclosed
      ? header(enclosed, "to")
      : headersPart
      ? /^to:[ \t]*(.+)$/im.exec(partText(headersPart))?.[1]
      : undefined;
    const to = rawTo === undefined ? undefined : addressIn(decodeHeader(rawTo));
    if (to) addresses.push(to);
  }
  const type = /^feedback-type:\s*([\w-]+)/im.exec(fields)?.[1]?.toLowerCase() ?? "abuse";
  return addresses.map((a) => _plain(a, "feedback", "report:arf", `Feedback-Type: ${type}`, `feedback-type: ${type}`));
}
