/**
 * Names the reason of one failed (or delayed, or delivered) recipient from
 * what a report or a reply gives: the DSN action, the status code, the reply
 * code, the diagnostic text and the SMTP stage. Shared by `bounce` (per
 * recipient) and `explain` (per reply), so both speak the same vocabulary.
 *
 * Order: a final action first (delivered); then the wording rules; a queue
 * that gave up (a delay, an expiry in words, or "failed" with only a
 * temporary reply) is `expired` unless a lasting cause is named; then the
 * stage settles what vague words leave open (after MAIL FROM the sender was
 * refused, at connect the client, after end of data the content); then the
 * enhanced status table, then the reply code, else "undefined". Every
 * result says which rule decided and what it read.
 */
import { parseEnhancedStatus } from "../enhanced-status/describe.ts";
import { REASON_RULES, type ReasonRule } from "./reason-rules.ts";
import { type Reason, REASON_INFO, type ReasonLayer, type Recommendation, recommendationFor } from "./reasons.ts";
import type { SmtpStage } from "./smtp-stage.ts";
import { REPLY_CODE_REASONS, STATUS_REASONS } from "./status-reasons.ts";

export { effectiveStatus } from "./effective-status.ts";

/** What is known about one recipient or reply. */
export interface ReasonInput {
  /** DSN Action: failed, delayed, delivered, relayed, expanded (lower case or not). */
  action?: string;
  /** The enhanced status code reported (DSN Status: or the reply's own). */
  status?: string;
  replyCode?: number;
  /** The diagnostic text (the reply without its codes, or the bounce's words). */
  text?: string;
  /** The stage the failure happened at, when the report says. */
  stage?: SmtpStage;
}

/** The decision, with the rule that made it and what it read, so tests and users can trace it. */
export interface ReasonResult {
  reason: Reason;
  /** True for a permanent failure (5xx / 5.x.x, or a failure the report calls final). */
  permanent: boolean;
  /** True when the address is dead (user or host unknown, moved, null MX, suppressed) and the failure permanent. */
  hard: boolean;
  /** `action:delivered`, `action:delayed`, `action:expired`, `text:<rule id>`, `stage:<stage>`, `status:<subject.detail>`, `code:<reply code>` or `none`. */
  rule: string;
  /** The words, code or field value the rule read (at most a line). */
  evidence: string;
  /** The layer to look at (the reason's own unless the rule knows better). */
  layer: ReasonLayer;
  recommended: Recommendation;
}

const _MAX_TEXT = 4096;
const _ADDRESS = /[^\s<>()"',;:[\]]{1,128}@[A-Za-z0-9.-]{1,253}/g;

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
  "suppressed",
  "failedstarttls",
  "notcompliantrfc",
]);

/** What a refusal after MAIL FROM names when its words are about an address: the sender's, not the recipient's. */
const _SENDER_AT_MAIL: ReadonlySet<Reason> = new Set<Reason>([
  "userunknown",
  "hostunknown",
  "hasmoved",
  "suspend",
  "filtered",
  "policyviolation",
  "securityerror",
  "syntaxerror",
  "systemerror",
  "notaccept",
]);

/** Vague words at connect or HELO: what the server refused was the client. */
const _VAGUE_AT_CONNECT: ReadonlySet<Reason> = new Set<Reason>([
  "policyviolation",
  "securityerror",
  "systemerror",
  "filtered",
  "rejected",
  "userunknown",
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
    return _result("delivered", false, "action:delivered", `Action: ${action}`);
  }
  if (klass === 2) return _result("delivered", false, "status:success", input.status ?? String(input.replyCode));
  const permanent = klass === undefined ? action !== "delayed" : klass === 5;
  // Addresses are masked: "virus@…" or "spam-reports@…" in a reply names nobody's reason.
  const collapsed = (input.text ?? "").replace(/\s+/g, " ").slice(0, _MAX_TEXT);
  const text = collapsed.includes("@") ? collapsed.replace(_ADDRESS, "ADDRESS") : collapsed;
  const found = text === "" ? undefined : _firstRule(text, permanent);
  const stage = input.stage;

  // A queue that gave up: a delay notice, words saying so, or "failed" with only a temporary reply.
  const delayed = action === "delayed";
  const gaveUp = action === "failed" && klass === 4;
  const expiredByText = found?.rule.reason === "expired"
    ? found
    : REASON_RULES.filter((r) => r.reason === "expired").map((r) => _match(r, text)).find((m) => m !== undefined);
  if (delayed || gaveUp || expiredByText) {
    const lasting = _firstRule(text, permanent, (r) => _SURVIVES_EXPIRY.has(r.reason));
    if (lasting) return _fromRule(lasting, permanent && !delayed);
    if (found && !found.rule.transient && found.rule.reason !== "expired" && !delayed && !expiredByText) {
      return _fromRule(found, permanent);
    }
    if (expiredByText) {
      return _result("expired", permanent && !delayed, `text:${expiredByText.rule.id}`, expiredByText.words);
    }
    return _result("expired", false, delayed ? "action:delayed" : "action:expired", `Action: ${action}`);
  }

  const parsed = input.status === undefined ? undefined : parseEnhancedStatus(input.status);
  const statusKey = parsed ? `${parsed.subject}.${parsed.detail}` : undefined;
  const byStage = stage === undefined ? undefined : _byStage(stage, found?.rule.reason, permanent, parsed);
  if (byStage) return _result(byStage, permanent, `stage:${stage}`, found?.words ?? `stage ${stage}`);
  if (found) return _fromRule(found, permanent);
  const byStatus = statusKey === undefined ? undefined : STATUS_REASONS[statusKey];
  if (byStatus) return _result(byStatus, permanent, `status:${statusKey}`, `status ${input.status}`);
  const byCode = input.replyCode === undefined ? undefined : REPLY_CODE_REASONS[String(input.replyCode)];
  if (byCode) return _result(byCode, permanent, `code:${input.replyCode}`, `reply code ${input.replyCode}`);
  return _result("undefined", permanent, "none", text.slice(0, 200));
}

/**
 * What the stage says where the words did not settle it (`reason` is what
 * the words named, if anything). Undefined leaves the decision to the
 * words, then the codes.
 */
function _byStage(
  stage: SmtpStage,
  reason: Reason | undefined,
  permanent: boolean,
  status: { subject: number; detail: number } | undefined,
): Reason | undefined {
  if (stage === "mail") {
    return reason === undefined || _SENDER_AT_MAIL.has(reason) ? "rejected" : undefined;
  }
  if (stage === "connect" || stage === "helo") {
    if (reason === undefined) return permanent ? "blocked" : undefined;
    return _VAGUE_AT_CONNECT.has(reason) ? "blocked" : undefined;
  }
  if (reason !== undefined) return undefined;
  // No words: a specific enhanced code still speaks for itself (5.2.2 is a full mailbox at any stage).
  const specific = status === undefined ? undefined : STATUS_REASONS[`${status.subject}.${status.detail}`];
  if (specific && status!.subject !== 0 && !(status!.subject === 2 && status!.detail === 0)) return undefined;
  if (stage === "rcpt" && permanent) {
    // A recipient refused with no other word: the address is not taken (a 5.7.x refusal is policy).
    return status?.subject === 7 ? "policyviolation" : "userunknown";
  }
  if ((stage === "after-data" || stage === "data") && permanent) {
    return status?.subject === 7 ? "policyviolation" : "filtered";
  }
  if (stage === "delivery") return "mailererror";
  return undefined;
}

interface _Found {
  rule: ReasonRule;
  words: string;
}

function _match(rule: ReasonRule, text: string): _Found | undefined {
  const m = rule.text.exec(text);
  if (!m) return undefined;
  const from = Math.max(0, m.index - 40);
  const to = Math.min(text.length, m.index + m[0].length + 40);
  return { rule, words: `${from > 0 ? "…" : ""}${text.slice(from, to)}${to < text.length ? "…" : ""}` };
}

function _firstRule(text: string, permanent: boolean, filter?: (r: ReasonRule) => boolean): _Found | undefined {
  if (text === "") return undefined;
  for (const rule of REASON_RULES) {
    if (rule.when === "temporary" && permanent) continue;
    if (rule.when === "permanent" && !permanent) continue;
    if (filter && !filter(rule)) continue;
    const m = _match(rule, text);
    if (m) return m;
  }
  return undefined;
}

function _fromRule(found: _Found, permanent: boolean): ReasonResult {
  const r = _result(found.rule.reason, permanent, `text:${found.rule.id}`, found.words);
  return {
    ...r,
    ...(found.rule.layer ? { layer: found.rule.layer } : {}),
    ...(found.rule.recommended ? { recommended: found.rule.recommended } : {}),
  };
}

function _result(reason: Reason, permanent: boolean, rule: string, evidence: string): ReasonResult {
  const info = REASON_INFO[reason];
  return {
    reason,
    permanent,
    hard: permanent && info.hard,
    rule,
    evidence,
    layer: info.layer,
    recommended: recommendationFor(reason, permanent, reason !== "delivered"),
  };
}
