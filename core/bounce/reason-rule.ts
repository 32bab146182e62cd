/**
 * What a reason rule is: a piece of wording receiving servers and providers
 * use and the reason it means, with the limits of where it applies. Rules
 * are data (rules-session.ts, rules-mailbox.ts, rules-fallback.ts) joined in
 * order by reason-rules.ts: the first rule whose pattern matches decides.
 *
 * Patterns run on whitespace-collapsed, untrusted text capped at a few KiB:
 * gaps are bounded and no quantifier is nested.
 */
import type { Reason, ReasonLayer, Recommendation } from "./reasons.ts";

/** One piece of wording and the reason it means. */
export interface ReasonRule {
  id: string;
  reason: Reason;
  text: RegExp;
  /** Only for temporary (4xx / 4.x.x) or permanent failures. */
  when?: "temporary" | "permanent";
  /** Where to look when it is not the reason's own layer (SMTP AUTH is a securityerror at the auth layer). */
  layer?: ReasonLayer;
  /** The action when it is not the reason's own (greylisting is blocked, yet a retry is all it takes). */
  recommended?: Recommendation;
  /** A cause that means nothing once the queue gave up (a timeout, greylisting): the recipient then expired. */
  transient?: boolean;
}
