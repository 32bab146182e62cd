/**
 * Amazon SES event notifications (bounce, complaint, delivery) as they
 * arrive by mail from an SNS email subscription or are saved from an SNS
 * HTTP endpoint: a JSON object, possibly wrapped in SNS's own envelope
 * (`{"Type":"Notification","Message":"<the JSON as a string>"}`). The fields
 * follow the SES developer guide's "Amazon SNS notification contents":
 * `notificationType` (or `eventType` for configuration-set events),
 * `bounce.bounceType` (Permanent, Transient, Undetermined),
 * `bounce.bounceSubType`, `bounce.bouncedRecipients[]` with `emailAddress`,
 * `action`, `status`, `diagnosticCode`, `complaint.complainedRecipients[]`,
 * `delivery.recipients[]` and `mail.messageId` / `mail.commonHeaders`.
 */
import { classifyReason } from "./classify-reason.ts";
import { type BounceRecipient, makeRecipient } from "./recipient-entry.ts";
import { type Reason, REASON_INFO, recommendationFor } from "./reasons.ts";
import { stageIn } from "./smtp-stage.ts";
import { cleanDiagnostic, replyIn } from "./text-recipients.ts";

/** What an SES notification says. */
export interface SesNotification {
  kind: "dsn" | "feedback";
  originalMessageId?: string;
  recipients: BounceRecipient[];
}

/** Sub-types whose name settles the reason (the SES developer guide's bounce types table). */
const _SUBTYPE_REASON: Readonly<Record<string, Reason>> = {
  noemail: "userunknown",
  suppressed: "suppressed",
  onaccountsuppressionlist: "suppressed",
  mailboxfull: "mailboxfull",
  messagetoolarge: "emailtoolarge",
  contentrejected: "contenterror",
  attachmentrejected: "contenterror",
};

const _MAX_JSON = 512 * 1024;

type _Json = Record<string, unknown>;

/** The notification in `text`, or undefined when the text is no SES notification. */
export function sesNotification(text: string): SesNotification | undefined {
  const trimmed = text.trim();
  if (
    !trimmed.startsWith("{") || trimmed.length > _MAX_JSON || !/"(?:notificationType|eventType|Message)"/.test(trimmed)
  ) {
    return undefined;
  }
  let doc = _parse(trimmed);
  if (doc && typeof doc.Message === "string") doc = _parse(doc.Message);
  if (!doc) return undefined;
  const type = String(doc.notificationType ?? doc.eventType ?? "").toLowerCase();
  const mail = _obj(doc.mail);
  const headers = _obj(mail?.commonHeaders);
  const messageId = typeof headers?.messageId === "string" ? headers.messageId : undefined;
  const base = messageId ? { originalMessageId: messageId } : {};
  if (type === "bounce") {
    const bounce = _obj(doc.bounce);
    const bounceType = String(bounce?.bounceType ?? "").toLowerCase();
    const subType = String(bounce?.bounceSubType ?? "").toLowerCase();
    const list = Array.isArray(bounce?.bouncedRecipients) ? bounce.bouncedRecipients.slice(0, 1000) : [];
    const recipients = list.map(_obj).filter((r): r is _Json => r !== undefined && typeof r.emailAddress === "string")
      .map((r) => _bounced(r, bounceType, subType));
    return { kind: "dsn", ...base, recipients };
  }
  if (type === "complaint") {
    const complaint = _obj(doc.complaint);
    const list = Array.isArray(complaint?.complainedRecipients) ? complaint.complainedRecipients.slice(0, 1000) : [];
    const feedbackType = String(complaint?.complaintFeedbackType ?? "abuse");
    const recipients = list.map(_obj).filter((r): r is _Json => r !== undefined && typeof r.emailAddress === "string")
      .map((r) =>
        makeRecipient(
          String(r.emailAddress),
          { action: null, status: null, replyCode: null, diagnostic: `feedback-type: ${feedbackType}`, stage: null },
          { reason: "feedback", permanent: false, hard: false, rule: "ses:complaint", recommended: "suppress" },
          `notificationType: Complaint (${feedbackType})`,
        )
      );
    return { kind: "feedback", ...base, recipients };
  }
  if (type === "delivery") {
    const delivery = _obj(doc.delivery);
    const list = Array.isArray(delivery?.recipients) ? delivery.recipients.slice(0, 1000) : [];
    const recipients = list.filter((a): a is string => typeof a === "string").map((address) =>
      makeRecipient(
        address,
        { action: "delivered", status: null, replyCode: null, diagnostic: null, stage: null },
        { reason: "delivered", permanent: false, hard: false, rule: "ses:delivery", recommended: "none" },
        "notificationType: Delivery",
      )
    );
    return { kind: "dsn", ...base, recipients };
  }
  return undefined;
}

function _bounced(r: _Json, bounceType: string, subType: string): BounceRecipient {
  const diagnosticRaw = typeof r.diagnosticCode === "string" ? r.diagnosticCode.replace(/^smtp;\s*/i, "") : "";
  const diagnostic = diagnosticRaw === "" ? null : cleanDiagnostic(diagnosticRaw);
  const inDiag = diagnostic ? replyIn(diagnostic) : {};
  const status = typeof r.status === "string" ? r.status : inDiag.status;
  const action = typeof r.action === "string" ? r.action : bounceType === "transient" ? "delayed" : "failed";
  const stage = diagnostic ? stageIn(diagnostic) : undefined;
  const result = classifyReason({
    action,
    ...(status ? { status } : {}),
    ...(inDiag.code !== undefined ? { replyCode: inDiag.code } : {}),
    ...(diagnostic ? { text: diagnostic } : {}),
    ...(stage ? { stage: stage.stage } : {}),
  });
  const bySubType = _SUBTYPE_REASON[subType];
  const permanent = bounceType === "permanent" ? true : bounceType === "transient" ? false : result.permanent;
  const decided =
    bySubType && (result.rule === "none" || result.rule.startsWith("status:") || bySubType === "suppressed")
      ? { reason: bySubType, rule: `ses:${subType}`, evidence: `bounceSubType: ${r.bounceSubType ?? subType}` }
      : { reason: result.reason, rule: result.rule, evidence: `diagnosticCode: ${result.evidence}` };
  return makeRecipient(String(r.emailAddress), {
    action,
    status: status ?? null,
    replyCode: inDiag.code ?? null,
    diagnostic,
    stage: stage?.stage ?? null,
  }, {
    reason: decided.reason,
    permanent,
    hard: permanent && REASON_INFO[decided.reason].hard,
    rule: decided.rule,
    recommended: recommendationFor(decided.reason, permanent, true),
  }, decided.evidence);
}

function _parse(text: string): _Json | undefined {
  try {
    return _obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function _obj(value: unknown): _Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value as _Json : undefined;
}
