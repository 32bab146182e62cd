/**
 * The reason vocabulary of `explain` and `bounce` (its names and types;
 * reasons.ts is the module the rest imports): Sisimai 5's names (as of
 * 5.6, after it merged toomanyconn and speeding into ratelimited, mesgtoobig
 * and exceedlimit into emailtoolarge), so reports line up with the tool most
 * bounce processors know. Each reason is data: the layer it points to,
 * whether it marks the address dead ("hard"), a one-line meaning, the
 * recommended action and the next step. Names used before (by Sisimai 4 or
 * by smtpilot itself) map to these through REASON_ALIASES.
 */

/** Every reason a recipient or a reply can be given. */
export const REASONS = [
  "authfailure",
  "badreputation",
  "blocked",
  "contenterror",
  "delivered",
  "emailtoolarge",
  "expired",
  "failedstarttls",
  "feedback",
  "filtered",
  "hasmoved",
  "hostunknown",
  "mailboxfull",
  "mailererror",
  "networkerror",
  "norelaying",
  "notaccept",
  "notcompliantrfc",
  "onhold",
  "policyviolation",
  "ratelimited",
  "rejected",
  "requireptr",
  "securityerror",
  "spamdetected",
  "suppressed",
  "suspend",
  "syntaxerror",
  "systemerror",
  "systemfull",
  "undefined",
  "userunknown",
  "vacation",
  "virusdetected",
] as const;

/** One reason of the vocabulary. */
export type Reason = (typeof REASONS)[number];

/** Older names (Sisimai 4, smtpilot before Sisimai 5's vocabulary) and the reason each is now. */
export const REASON_ALIASES: Readonly<Record<string, Reason>> = {
  mesgtoobig: "emailtoolarge",
  exceedlimit: "emailtoolarge",
  toomanyconn: "ratelimited",
  speeding: "ratelimited",
  tlsrequired: "failedstarttls",
  smtpauth: "securityerror",
  greylisted: "blocked",
};

/**
 * Where a reason points: the part of the path someone has to change. The
 * first seven are diagnose's layers; the rest name what lies beyond the
 * SMTP session.
 */
export type ReasonLayer =
  | "dns"
  | "tcp"
  | "greeting"
  | "tls"
  | "auth"
  | "envelope"
  | "content"
  | "reputation"
  | "dns-authentication"
  | "mailbox"
  | "remote-system"
  | "none";

/** The one thing to do about a recipient, for scripts: stop sending, retry, or fix something first. */
export type Recommendation =
  | "suppress"
  | "retry"
  | "slow-down"
  | "fix-sender"
  | "fix-dns"
  | "fix-content"
  | "fix-tls"
  | "contact-postmaster"
  | "none";

/** True when `value` is one of the reasons. */
export function isReason(value: string): value is Reason {
  return (REASONS as readonly string[]).includes(value);
}

/** The reason a name stands for today: itself, or what an older name became; undefined for unknown names. */
export function currentReason(name: string): Reason | undefined {
  const lower = name.toLowerCase();
  return isReason(lower) ? lower : REASON_ALIASES[lower];
}
