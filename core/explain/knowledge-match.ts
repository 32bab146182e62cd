/**
 * Asks the shared reply knowledge (core/knowledge: the rules `diagnose`
 * uses, plus provider plugins' rules) about a reply whose stage may be
 * unknown. The knowledge is keyed by stage, so without one every stage is
 * tried in the order pasted replies most often come from, and the first
 * stage with a rule that says something specific (wording or an enhanced
 * code, not just "any 5xx") wins. Reads the knowledge through its exports
 * only; nothing is copied.
 */
import { interpretReply, matchRule, type ReplyInterpretation } from "../knowledge/interpret-reply.ts";
import type { ReplyRule, ReplyStage } from "../knowledge/reply-rule.ts";
import { coreReplyRules } from "../knowledge/reply-rules.ts";
import type { SmtpReply } from "../smtp/reply.ts";

/** Stages to try when the input names none: recipients and data first, where mail is refused most. */
export const STAGE_ORDER: readonly ReplyStage[] = ["rcpt", "data", "mail", "auth", "starttls", "greeting", "ehlo"];

/** What the knowledge says about a reply, and how sure the match is. */
export interface KnowledgeMatch {
  stage: ReplyStage;
  interpretation: ReplyInterpretation;
  /** False when only a code-class catch-all matched (the knowledge has nothing specific). */
  specific: boolean;
  /** True when the rule came from a plugin (provider knowledge). */
  fromPlugin: boolean;
}

/**
 * True for a rule that matches on a code class alone: it says "some 5xx at
 * RCPT" or "some 5.7.x", nothing about this reply. Rules keyed to one exact
 * code (535, 503, 5.1.1) still count as specific.
 */
export function isCatchAll(rule: ReplyRule): boolean {
  if (rule.text !== undefined) return false;
  const hits = (pattern: RegExp | undefined, c: string) => pattern === undefined || c.search(pattern) !== -1;
  const codeWide = (hits(rule.code, "550") && hits(rule.code, "554")) ||
    (hits(rule.code, "450") && hits(rule.code, "451"));
  const enhancedWide = rule.enhanced === undefined ||
    [["5.7.1", "5.7.29"], ["5.1.1", "5.1.9"], ["4.7.1", "4.7.29"], ["5.2.1", "5.2.9"]].some(([a, b]) =>
      hits(rule.enhanced, a as string) && hits(rule.enhanced, b as string)
    );
  return codeWide && enhancedWide;
}

/** Finds the knowledge for `reply`: at `stage` when given, else at the first stage where it is specific. */
export function matchKnowledge(
  reply: SmtpReply,
  stage: ReplyStage | undefined,
  pluginRules: readonly ReplyRule[] = [],
  redact?: (text: string) => string,
): KnowledgeMatch {
  const candidates = stage ? [stage] : STAGE_ORDER;
  let fallback: ReplyStage | undefined;
  for (const candidate of candidates) {
    const plugin = matchRule(candidate, reply, pluginRules);
    const rule = plugin ?? matchRule(candidate, reply, coreReplyRules());
    if (!rule) continue;
    fallback ??= candidate;
    if (!isCatchAll(rule)) return _result(candidate, reply, pluginRules, true, plugin !== undefined, redact);
  }
  const chosen = fallback ?? candidates[0] ?? "rcpt";
  return _result(chosen, reply, pluginRules, false, false, redact);
}

function _result(
  stage: ReplyStage,
  reply: SmtpReply,
  pluginRules: readonly ReplyRule[],
  specific: boolean,
  fromPlugin: boolean,
  redact?: (text: string) => string,
): KnowledgeMatch {
  return { stage, interpretation: interpretReply(stage, reply, pluginRules, redact), specific, fromPlugin };
}
