/**
 * The reason rules in the order they are tried: the session rules (queue
 * expiry, suppression, encryption, rates, SPF/DKIM/DMARC, SMTP AUTH, PTR,
 * viruses, blocklists, reputation, greylisting), then the mailbox rules,
 * then the fallbacks. Ordered from the most telling words to the most
 * generic, because servers reuse each other's words: "SPF" in a rejection
 * is an authentication failure even when it also says "policy", a Spamhaus
 * listing is a block even though it says "spam", "Host not found, try
 * again" is a network error and not an unknown host.
 */
import type { ReasonRule } from "./reason-rule.ts";
import { FALLBACK_RULES } from "./rules-fallback.ts";
import { MAILBOX_RULES } from "./rules-mailbox.ts";
import { SESSION_RULES } from "./rules-session.ts";

export type { ReasonRule };

/** The table, first match wins. */
export const REASON_RULES: readonly ReasonRule[] = [...SESSION_RULES, ...MAILBOX_RULES, ...FALLBACK_RULES];
