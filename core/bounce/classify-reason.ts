/**
 * Names the reason of one failed (or delayed, or delivered) recipient from
 * what a report or a reply gives: the DSN action, the status code, the reply
 * code and the diagnostic text. Shared by `bounce` (per recipient) and
 * `explain` (per reply), so both speak the same vocabulary.
 *
 * Order: a final action first (delivered, or a failure whose last error was
 * only temporary: the queue expired), then the wording rules, then the
 * enhanced status table, else "undefined".
 */
import { parseEnhancedStatus } from "../enhanced-status/describe.ts";
import { REASON_RULES } from "./reason-rules.ts";
import { type Reason, REASON_INFO } from "./reasons.ts";
import { REPLY_CODE_REASONS, STATUS_REASONS } from "./status-reasons.ts";

/** What is known about one recipient or reply. */
export interface ReasonInput {
  /** DSN Action: failed, delayed, delivered, relayed, expanded (lower case or not). */
  action?: string;
  /** The enhanced status code reported (DSN Status: or the reply's own). */
  status?: string;
  replyCode?: number;
  /** The diagnostic text (the reply without its codes, or the bounce's words). */
  text?: string;
}

/** The decision, with the rule that made it so tests and users can trace it. */
export interface ReasonResult {
  reason: Reason;
  /** True for a permanent failure (5xx / 5.x.x, or a failure the report calls final). */
  permanent: boolean;
  /** True when the address is dead (user or host unknown, moved, null MX) and the failure permanent. */
  hard: boolean;
  /** `action:delivered`, `action:delayed`, `action:expired`, `text:<rule id>`, `status:<subject.detail>`, `code:<reply code>` or `none`. */
  rule: string;
}

const _MAX_TEXT = 4096;

/** Causes that stay true while a queue retries, so they name an expired recipient better than "expired". */
const _SURVIVES_EXPIRY: ReadonlySet<Reason> = new Set<Reason>([
  "userunknown",
  "hostunknown",
  "hasmoved",
  "notaccept",
  "mailboxfull",
  "suspend",
  "emailtoolarge",
  "norelaying",
  "systemfull",
]);

/** The class digit (2, 4, 5) of the failure, from the status code or else the reply code. */
export function failureClass(status: string | undefined, replyCode: number | undefined): number | undefined {
  const parsed = status === undefined ? undefined : parseEnhancedStatus(status);
  if (parsed) return parsed.klass;
  if (replyCode !== undefined && replyCode >= 200 && replyCode < 600) return Math.floor(replyCode / 100);
  return undefined;
}

/** Classifies one recipient or reply. */
export function classifyReason(input: ReasonInput): ReasonResult {
  const action = input.action?.trim().toLowerCase();
  const klass = failureClass(input.status, input.replyCode);
  if (action === "delivered" || action === "relayed" || action === "expanded") {
    return { reason: "delivered", permanent: false, hard: false, rule: "action:delivered" };
  }
  if (klass === 2) return { reason: "delivered", permanent: false, hard: false, rule: "status:success" };
  const permanent = klass === undefined ? action !== "delayed" : klass === 5;
  const text = (input.text ?? "").replace(/\s+/g, " ").slice(0, _MAX_TEXT);
  // A delay notice, or a report whose words say the queue gave up ("retry timeout exceeded"): the event is
  // the expiry, named "expired" as Sisimai does, unless a cause that stays true however long one waits
  // (no such user, mailbox full) names the recipient's state better.
  const delayed = action === "delayed";
  const expiredByText = REASON_RULES.find((r) => r.reason === "expired" && text.search(r.text) !== -1);
  if (delayed || expiredByText) {
    for (const rule of REASON_RULES) {
      if (_SURVIVES_EXPIRY.has(rule.reason) && text.search(rule.text) !== -1) {
        return _result(rule.reason, permanent && !delayed, `text:${rule.id}`);
      }
    }
    return _result("expired", permanent && !delayed, delayed ? "action:delayed" : `text:${expiredByText!.id}`);
  }
  // "failed" with only a temporary reply (Postfix's expired mail): the last reply names the cause; without
  // one the recipient simply expired.
  const gaveUp = action === "failed" && klass === 4;
  if (text !== "") {
    for (const rule of REASON_RULES) {
      if (rule.when === "temporary" && permanent) continue;
      if (rule.when === "permanent" && !permanent) continue;
      if (text.search(rule.text) !== -1) return _result(rule.reason, permanent, `text:${rule.id}`);
    }
  }
  const parsed = input.status === undefined ? undefined : parseEnhancedStatus(input.status);
  if (parsed) {
    const key = `${parsed.subject}.${parsed.detail}`;
    const reason = STATUS_REASONS[key];
    if (reason) return _result(reason, permanent, `status:${key}`);
  }
  const byCode = input.replyCode === undefined ? undefined : REPLY_CODE_REASONS[String(input.replyCode)];
  if (byCode) return _result(byCode, permanent, `code:${input.replyCode}`);
  return gaveUp ? _result("expired", false, "action:expired") : _result("undefined", permanent, "none");
}

function _result(reason: Reason, permanent: boolean, rule: string): ReasonResult {
  return { reason, permanent, hard: permanent && REASON_INFO[reason].hard, rule };
}

/**
 * The status to reason with when a report gives two: a DSN's `Status:` and
 * the enhanced code inside its `Diagnostic-Code:`. The remote server's own
 * code is more precise when the report's is generic (X.0.0) or missing, and
 * when both are specific but disagree on the detail within the same class
 * (the reporting MTA mapped the reply coarsely). A class disagreement keeps
 * the report's status: it knows whether it gave up.
 */
export function effectiveStatus(reported: string | undefined, fromDiagnostic: string | undefined): string | undefined {
  const r = reported === undefined ? undefined : parseEnhancedStatus(reported);
  const d = fromDiagnostic === undefined ? undefined : parseEnhancedStatus(fromDiagnostic);
  if (!d) return r ? `${r.klass}.${r.subject}.${r.detail}` : undefined;
  const dCode = `${d.klass}.${d.subject}.${d.detail}`;
  if (!r) return dCode;
  const rCode = `${r.klass}.${r.subject}.${r.detail}`;
  if (r.klass !== d.klass) return rCode;
  if (r.subject === 0 && r.detail === 0) return dCode;
  if (d.subject === 0 && d.detail === 0) return rCode;
  return dCode;
}
