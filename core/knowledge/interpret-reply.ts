/**
 * Turns a server reply at a given stage into a Diagnosis by consulting the
 * reply knowledge: plugin rules first, then the core table, first match wins.
 * Matching looks at the reply code, the enhanced status code and the text
 * together, because no single one of them names a cause reliably.
 */

import type { Diagnosis, LayerId } from "../layer.ts";
import type { SmtpReply } from "../smtp/reply.ts";
import { replyLine, replyText } from "../smtp/reply.ts";
import type { ReplyRule, ReplyStage } from "./reply-rule.ts";
import { coreReplyRules } from "./reply-rules.ts";

/**
 * The layer that owns each reply stage, and so prefixes the diagnosis codes
 * of rules for that stage: a reply at RCPT is the envelope layer's finding,
 * a reply to STARTTLS the TLS layer's.
 */
export const STAGE_LAYER: Record<ReplyStage, LayerId> = Object.freeze({
  greeting: "greeting",
  ehlo: "ehlo",
  helo: "ehlo",
  starttls: "tls",
  auth: "auth",
  mail: "envelope",
  rcpt: "envelope",
  data: "envelope",
});

/** A diagnosis together with the id of the rule that produced it, so callers and tests can trace the decision. */
export type ReplyInterpretation = Diagnosis & { rule: string };

// Real replies carry their meaning in the first few hundred characters;
// capping what patterns see bounds the cost of any (plugin) regex that is
// accidentally superlinear on a hostile 64 KiB reply.
const _MAX_MATCH_CHARS = 8192;
const _MAX_SUMMARY_CHARS = 300;
// qmail, vpopmail and some ISPs put the enhanced code at the end of the text
// as "(#5.1.1)" instead of after the reply code.
const _TEXT_ENHANCED = /#([245]\.\d{1,3}\.\d{1,3})\b/;

interface _Subject {
  code: string;
  enhanced: string;
  text: string;
}

function _subjectOf(reply: SmtpReply): _Subject {
  const text = replyText(reply).slice(0, _MAX_MATCH_CHARS);
  const enhanced = reply.enhanced ?? _TEXT_ENHANCED.exec(text)?.[1] ?? "";
  return { code: String(reply.code), enhanced, text };
}

// `search` ignores and restores lastIndex, so a plugin's /g or /y pattern
// cannot make matching depend on what was matched before.
function _hits(pattern: RegExp | undefined, value: string): boolean {
  return pattern === undefined || value.search(pattern) !== -1;
}

function _ruleMatches(rule: ReplyRule, stage: ReplyStage, subject: _Subject): boolean {
  return rule.stages.includes(stage) &&
    _hits(rule.code, subject.code) &&
    _hits(rule.enhanced, subject.enhanced) &&
    _hits(rule.text, subject.text);
}

function _firstMatch(stage: ReplyStage, subject: _Subject, rules: readonly ReplyRule[]): ReplyRule | undefined {
  for (const rule of rules) {
    if (_ruleMatches(rule, stage, subject)) return rule;
  }
  return undefined;
}

/**
 * The first of `rules` that applies to `stage` and whose every given pattern
 * matches the reply (an absent enhanced code is matched as ""), or undefined.
 * Exposed so `explain` can show which rule a reply hits without building a
 * diagnosis.
 */
export function matchRule(stage: ReplyStage, reply: SmtpReply, rules: readonly ReplyRule[]): ReplyRule | undefined {
  return _firstMatch(stage, _subjectOf(reply), rules);
}

/**
 * Names the cause of a reply received at `stage`. `extraRules` (provider
 * plugins) are tried before the core table; the core table ends in per-layer
 * catch-alls, so there is always an answer. The summary is the rule's title
 * followed by the reply as the server said it (through `redact`), trimmed to
 * fit one line.
 */
export function interpretReply(
  stage: ReplyStage,
  reply: SmtpReply,
  extraRules: readonly ReplyRule[] = [],
  redact: (text: string) => string = (t) => t,
): ReplyInterpretation {
  const subject = _subjectOf(reply);
  const rule = _firstMatch(stage, subject, extraRules) ?? _firstMatch(stage, subject, coreReplyRules());
  // Redact before clipping: a clipped echo of a secret would no longer match its redaction forms.
  const line = redact(replyLine(reply));
  if (rule === undefined) {
    // Only reachable with a stage outside ReplyStage from untyped callers.
    return {
      code: `${STAGE_LAYER[stage] ?? "envelope"}.unexpected-reply`,
      summary: _clip(`Unexpected reply: ${line}`),
      cause: "No reply rule covers this stage.",
      next: "Read the transcript.",
      rule: "core.none",
    };
  }
  const { code, title, cause, next } = rule.diagnosis;
  return { code, summary: _clip(`${title}: ${line}`), cause, next, rule: rule.id };
}

function _clip(summary: string): string {
  return summary.length <= _MAX_SUMMARY_CHARS ? summary : `${summary.slice(0, _MAX_SUMMARY_CHARS - 1)}…`;
}
