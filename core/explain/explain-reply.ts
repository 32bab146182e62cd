/**
 * Explains one SMTP reply: the code's meaning, the enhanced status code's
 * IANA registry entry, temporary or permanent, the reason (the `bounce`
 * vocabulary), the layer it points to, what the shared reply knowledge says
 * (provider plugins first) and the one next step.
 */
import { classifyReason } from "../bounce/classify-reason.ts";
import { type Reason, REASON_INFO, type ReasonLayer } from "../bounce/reasons.ts";
import { describeEnhancedStatus, type EnhancedStatusMeaning } from "../enhanced-status/describe.ts";
import { IANA_REGISTRY_SOURCE } from "../enhanced-status/iana-registry.ts";
import { STAGE_LAYER } from "../knowledge/interpret-reply.ts";
import type { ReplyRule, ReplyStage } from "../knowledge/reply-rule.ts";
import { printable } from "../printable.ts";
import { replyLine, replyText } from "../smtp/reply.ts";
import { matchKnowledge } from "./knowledge-match.ts";
import type { FoundReply } from "./parse-replies.ts";
import { providerOf } from "./providers.ts";
import { replyCodeMeaning } from "./reply-codes.ts";

import { EXPLAIN_SCHEMA } from "./schema.ts";

export { EXPLAIN_SCHEMA };

/** How final a reply is. */
export type ReplySeverity = "success" | "intermediate" | "temporary" | "permanent";

/** One explained reply, as it appears in the document. */
export interface ExplainedReply {
  /** The reply as the server said it, one line (redacted, control characters made visible). */
  reply: string;
  code: number;
  codeMeaning: string;
  enhanced: {
    code: string;
    class: { code: string; summary: string; description: string };
    subject: { code: string; summary: string; description: string } | null;
    detail: { code: string; summary: string; description: string; reference: string } | null;
  } | null;
  severity: ReplySeverity;
  permanent: boolean;
  reason: Reason;
  /** Which rule named the reason (`text:user-unknown`, `status:2.2`…). */
  reasonRule: string;
  hard: boolean;
  layer: ReasonLayer | "greeting" | "ehlo";
  /** The stage the input named, or the one the knowledge matched best. */
  stage: ReplyStage;
  stageNamed: boolean;
  knowledge: { code: string; rule: string; title: string; cause: string; next: string; specific: boolean } | null;
  provider: { id: string; name: string } | null;
  next: string;
}

/** The whole document. */
export interface ExplainDocument {
  schema: typeof EXPLAIN_SCHEMA;
  mode: "offline";
  registry: { url: string; lastUpdated: string };
  replies: ExplainedReply[];
}

function _enhanced(meaning: EnhancedStatusMeaning | undefined): ExplainedReply["enhanced"] {
  if (!meaning) return null;
  const pick = ({ code, summary, description }: { code: string; summary: string; description: string }) => ({
    code,
    summary,
    description,
  });
  return {
    code: meaning.code,
    class: pick(meaning.class),
    subject: meaning.subject ? pick(meaning.subject) : null,
    detail: meaning.detail ? { ...pick(meaning.detail), reference: meaning.detail.reference } : null,
  };
}

function _severity(code: number): ReplySeverity {
  if (code < 300) return "success";
  if (code < 400) return "intermediate";
  return code < 500 ? "temporary" : "permanent";
}

/**
 * The knowledge `explain` consults: every plugin's general reply rules, and
 * the provider plugins' own rules by provider id (`gmail`, `m365`, `ses`…),
 * used when the reply's words or `--profile` identify the provider.
 */
export interface ExplainKnowledge {
  general: readonly ReplyRule[];
  providers?: ReadonlyMap<string, { title: string; rules: readonly ReplyRule[] }>;
  /** The provider a `--profile` names: its rules apply to every reply. */
  profileProvider?: string;
}

function _knowledge(k: readonly ReplyRule[] | ExplainKnowledge): ExplainKnowledge {
  return Array.isArray(k) ? { general: k as readonly ReplyRule[] } : k as ExplainKnowledge;
}

/** Explains one found reply with the plugins' knowledge (a bare list is taken as general rules); `redact` cleans echoed text. */
export function explainReply(
  found: FoundReply,
  knowledge: readonly ReplyRule[] | ExplainKnowledge = [],
  redact: (text: string) => string = (t) => t,
  forcedStage?: ReplyStage,
): ExplainedReply {
  const k = _knowledge(knowledge);
  const { reply } = found;
  const text = replyText(reply);
  const severity = _severity(reply.code);
  const enhancedCode = reply.enhanced ?? /#([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1];
  const stageGiven = forcedStage ?? found.stage;
  const signature = providerOf(`${text} ${found.source}`);
  const providerId = k.profileProvider ?? signature?.id;
  const plugin = providerId === undefined ? undefined : k.providers?.get(providerId);
  const provider = providerId === undefined
    ? undefined
    : { id: providerId, name: plugin?.title ?? signature?.name ?? providerId };
  const pluginRules = [...(plugin?.rules ?? []), ...k.general];
  const base = {
    reply: printable(redact(replyLine(reply)), 1000),
    code: reply.code,
    codeMeaning: replyCodeMeaning(reply.code),
    enhanced: _enhanced(enhancedCode ? describeEnhancedStatus(enhancedCode) : undefined),
    severity,
    permanent: severity === "permanent",
    provider: provider ?? null,
  };
  if (severity === "success" || severity === "intermediate") {
    return {
      ...base,
      reason: "delivered",
      reasonRule: "status:success",
      hard: false,
      layer: "none",
      stage: stageGiven ?? "data",
      stageNamed: stageGiven !== undefined,
      knowledge: null,
      next: severity === "success"
        ? "Accepted by that server (queued), which is not delivery: watch for a bounce or check placement."
        : "The server waits for more input; this is not an error.",
    };
  }
  const classified = classifyReason({
    replyCode: reply.code,
    text,
    ...(enhancedCode ? { status: enhancedCode } : {}),
  });
  const match = matchKnowledge(reply, stageGiven, pluginRules, redact);
  const info = REASON_INFO[classified.reason];
  // The rule's layer (SMTP AUTH is a securityerror at the auth layer), else the stage's.
  const layer = classified.layer !== "none" ? classified.layer : STAGE_LAYER[match.stage];
  // Provider knowledge (a plugin's rule) and specific core wording beat the reason's generic advice.
  const next = match.fromPlugin || (match.specific && classified.reason === "undefined")
    ? match.interpretation.next
    : match.specific && _agrees(match.interpretation.code, classified.reason)
    ? match.interpretation.next
    : info.next;
  const knowledgeTitle = match.interpretation.summary.split(": ")[0] ?? "";
  return {
    ...base,
    reason: classified.reason,
    reasonRule: classified.rule,
    hard: classified.hard,
    layer,
    stage: match.stage,
    stageNamed: stageGiven !== undefined,
    knowledge: {
      code: match.interpretation.code,
      rule: match.interpretation.rule,
      title: knowledgeTitle,
      cause: match.interpretation.cause,
      next: match.interpretation.next,
      specific: match.specific,
    },
    next,
  };
}

// The knowledge's advice is written for the sender's own session (diagnose); it fits a
// reply when the knowledge and the reason name the same thing.
const _AGREEING: Readonly<Record<string, readonly Reason[]>> = {
  "auth.": ["securityerror", "failedstarttls", "ratelimited", "suspend"],
  "tls.": ["failedstarttls", "securityerror"],
  "envelope.relay-denied": ["norelaying"],
  "envelope.auth-required": ["securityerror"],
  "envelope.tls-required": ["failedstarttls"],
  "envelope.sender-rejected": ["rejected"],
  "envelope.greylisted": ["blocked"],
  "envelope.rate-limited": ["ratelimited"],
  "envelope.size-exceeded": ["emailtoolarge"],
  "envelope.mailbox-full": ["mailboxfull"],
  "envelope.recipient-unknown": ["userunknown", "hostunknown"],
  "greeting.": ["blocked", "requireptr", "badreputation", "ratelimited"],
};

function _agrees(code: string, reason: Reason): boolean {
  return Object.entries(_AGREEING).some(([prefix, reasons]) => code.startsWith(prefix) && reasons.includes(reason));
}

/** Builds the document for every found reply. */
export function explainReplies(
  found: readonly FoundReply[],
  knowledge: readonly ReplyRule[] | ExplainKnowledge = [],
  redact: (text: string) => string = (t) => t,
  forcedStage?: ReplyStage,
): ExplainDocument {
  return {
    schema: EXPLAIN_SCHEMA,
    mode: "offline",
    registry: { url: IANA_REGISTRY_SOURCE.url, lastUpdated: IANA_REGISTRY_SOURCE.lastUpdated },
    replies: found.map((f) => explainReply(f, knowledge, redact, forcedStage)),
  };
}
