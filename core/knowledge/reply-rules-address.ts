/**
 * Reply knowledge for the envelope, part two: sender and recipient addresses,
 * then the fallbacks. Consulted after `reply-rules-envelope.ts`, so wording
 * here never needs to exclude greylisting, throttling or quota replies. The
 * sender rules precede the recipient rules because Exim's sender verification
 * quotes "Unrouteable address" and Postfix reports sender rejections at RCPT.
 *
 * Patterns run on untrusted text (up to ~64 KiB): gaps are bounded and no
 * quantifier is nested. Whitespace is collapsed before matching.
 */

import type { ReplyRule, ReplyStage } from "./reply-rule.ts";

const _ENVELOPE: readonly ReplyStage[] = ["mail", "rcpt", "data"];
const _RECIPIENT: readonly ReplyStage[] = ["rcpt", "data"];

const _SENDER_WORDING =
  /sender address rejected|sender verify failed|verification failed for <|not owned by user|send as (?:this )?sender|permissions? to send as|sendas ?denied|domain of sender address|email address is not verified|identit(?:y|ies) failed the check|sender identity|sender signature|bad sender|invalid sender|unverified sender|sender (?:address |domain )?(?:is )?(?:not allowed|not permitted|rejected|blocked|unknown|invalid)|not authori[sz]ed to (?:perform|send as)|sender domain must exist/i;

const _RECIPIENT_UNKNOWN_WORDING =
  /user unknown|unknown (?:user|recipient|mailbox|address)|no such (?:user|mailbox|recipient|address|account)|recipientnotfound|recipient not found|unrouteable address|(?:user|mailbox|recipient|address|account) (?:does not|doesn't|did not) exist|does not exist|not listed in (?:the )?(?:\S{1,40} )?directory|no mailbox here|mailbox not found|(?:user|address) not found|(?:doesn't|does not) have an? \S{1,40} account|account (?:that you tried to reach )?(?:is )?disabled|mailbox (?:is )?disabled/i;

const _TEMPORARY_WORDING =
  /temporar(?:y|ily) (?:local problem|lookup failure|server error|system problem|service failure|failure|error|unavailable)|insufficient system (?:storage|resources)|server configuration (?:problem|error)|queue file write error|local error in processing|internal (?:server )?error|resources temporarily/i;

const _NEXT_RETRY = "Retry later; a well-behaved sender queues the message and retries for several hours.";

const _addressRules = (): readonly ReplyRule[] => [
  {
    id: "core.sender-rejected",
    stages: _ENVELOPE,
    text: _SENDER_WORDING,
    diagnosis: {
      code: "envelope.sender-rejected",
      title: "Sender address rejected",
      cause:
        "The server refused the MAIL FROM address: this account may not send as it, its domain does not resolve, or the provider has not verified it.",
      next:
        "Set --from to an address the authenticated account owns (or verify it as a sender identity in the provider's console).",
    },
  },
  {
    id: "core.sender-rejected-enhanced",
    stages: _ENVELOPE,
    enhanced: /^[45]\.1\.[78]$/,
    diagnosis: {
      code: "envelope.sender-rejected",
      title: "Sender address rejected",
      cause: "The server refused the MAIL FROM address as invalid or not resolvable (status x.1.7/x.1.8).",
      next: "Set --from to a syntactically valid address in a domain that resolves and that the account may send as.",
    },
  },
  {
    id: "core.no-valid-recipients",
    stages: ["data"],
    text: /no valid recipients/i,
    diagnosis: {
      code: "envelope.recipient-rejected",
      title: "No valid recipients",
      cause: "Every recipient was refused earlier, so the server has nobody to deliver the message to.",
      next: "Look at the RCPT replies in the transcript and fix the --to addresses they rejected.",
    },
  },
  {
    id: "core.recipient-domain-unknown",
    stages: _RECIPIENT,
    code: /^[45]/,
    text:
      /recipient address rejected: domain not found|(?:recipient|destination) domain (?:not found|does not exist)|find the recipient domain|host or domain name not found/i,
    diagnosis: {
      code: "envelope.recipient-unknown",
      title: "Recipient domain does not exist",
      cause: "The recipient's domain has no mail route in DNS (no MX or A record), so the address cannot exist.",
      next: "Check the domain part of --to for typos.",
    },
  },
  {
    id: "core.recipient-unknown",
    stages: _RECIPIENT,
    code: /^5/,
    text: _RECIPIENT_UNKNOWN_WORDING,
    diagnosis: {
      code: "envelope.recipient-unknown",
      title: "Recipient unknown",
      cause: "The recipient's server says this mailbox does not exist or is disabled.",
      next: "Check the --to address for typos, or confirm with its owner that the mailbox exists.",
    },
  },
  {
    id: "core.recipient-unknown-enhanced",
    stages: _RECIPIENT,
    code: /^5/,
    enhanced: /^5\.1\.(?:1|2|6|10)$|^5\.2\.1$/,
    diagnosis: {
      code: "envelope.recipient-unknown",
      title: "Recipient unknown",
      cause: "The recipient's server says this mailbox does not exist or is disabled.",
      next: "Check the --to address for typos, or confirm with its owner that the mailbox exists.",
    },
  },
  {
    id: "core.m365-directory-blocked",
    stages: _RECIPIENT,
    code: /^5/,
    enhanced: /^5\.4\.1$/,
    text: /recipient address rejected: access denied/i,
    diagnosis: {
      code: "envelope.recipient-unknown",
      title: "Recipient unknown",
      cause:
        "Microsoft 365 directory-based edge blocking says this address is not a valid recipient in the receiving tenant.",
      next: "Check the --to address for typos, or ask the receiving tenant's admin whether the mailbox exists.",
    },
  },
  {
    // RFC 5321's stock 550 text and "invalid recipient" are also used by
    // policy blocks, so they only count when the status is not 5.7.x.
    id: "core.recipient-unknown-generic",
    stages: _RECIPIENT,
    code: /^5/,
    enhanced: /^(?!5\.7\.)/,
    text: /mailbox unavailable|invalid (?:recipient|mailbox)/i,
    diagnosis: {
      code: "envelope.recipient-unknown",
      title: "Recipient unknown",
      cause: "The recipient's server says this mailbox is unavailable, which usually means it does not exist.",
      next: "Check the --to address for typos, or confirm with its owner that the mailbox exists.",
    },
  },
  {
    id: "core.mailgun-sandbox",
    stages: _RECIPIENT,
    text: /sandbox subdomains are for test|authorized recipients/i,
    diagnosis: {
      code: "envelope.recipient-rejected",
      title: "Recipient not authorized for sandbox",
      cause: "The sending domain is a sandbox that may only mail pre-authorized recipients.",
      next:
        "Add the --to address as an authorized recipient in the provider's console, or send from a verified domain.",
    },
  },
];

const _fallbackRules = (): readonly ReplyRule[] => [
  {
    id: "core.envelope-temporary-wording",
    stages: _ENVELOPE,
    code: /^4/,
    text: _TEMPORARY_WORDING,
    diagnosis: {
      code: "envelope.temporary-failure",
      title: "Temporary server failure",
      cause:
        "The server hit a temporary problem of its own (lookup failure, storage, configuration) and deferred the command.",
      next: _NEXT_RETRY,
    },
  },
  {
    // A bare "try again later" is what greylisters, rate limits (Exim's "Sorry, too busy. Try again
    // later.") and local faults all say: no evidence of greylisting, and retrying in a loop would
    // make a rate limit worse. The greylisting and rate rules before this one catch the telling words.
    id: "core.deferred-try-later",
    stages: _ENVELOPE,
    code: /^4/,
    text: /(?:try|retry|come back)(?: again)? later/i,
    diagnosis: {
      code: "envelope.temporary-failure",
      title: "Deferred without a reason",
      cause:
        "The server deferred the command without saying why: greylisting, a rate limit and a temporary fault all answer this way.",
      next:
        "Retry once after 15 to 30 minutes, not in a loop; if it is deferred again, ask the server's administrator what its log says for this sender.",
    },
  },
  {
    id: "core.envelope-deferred-reputation",
    stages: _ENVELOPE,
    code: /^4/,
    text: /reputation|suspicious|unsolicited|\bspam\b/i,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Deferred: sender reputation",
      cause:
        "The server is deferring this mail because its spam and reputation checks distrust the sending IP or domain.",
      next:
        "Send through your provider's authenticated submission port, and make the --from domain's SPF/DKIM/DMARC align before retrying.",
    },
  },
  {
    id: "core.envelope-policy-enhanced",
    stages: _ENVELOPE,
    code: /^5/,
    enhanced: /^5\.7\./,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Rejected by policy",
      cause: "The server refused the command by security or content policy (status 5.7.x).",
      next:
        "Read the reply text for the policy named; check --from ownership, authentication (--user/--secret) and the sending IP's reputation.",
    },
  },
  {
    id: "core.envelope-policy-wording",
    stages: _ENVELOPE,
    code: /^5/,
    text:
      /\bspam\b|\bpolicy\b|reputation|blocked|prohibit|denied|banned|virus|malware|phish|unsolicited|not accepted|content filter/i,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Rejected by policy",
      cause: "The server refused the command by security or content policy.",
      next:
        "Read the reply text for the policy named; check --from ownership, authentication (--user/--secret) and the sending IP's reputation.",
    },
  },
  {
    id: "core.envelope-temporary",
    stages: _ENVELOPE,
    code: /^4/,
    diagnosis: {
      code: "envelope.temporary-failure",
      title: "Temporarily deferred",
      cause: "The server deferred the command with a temporary (4xx) reply.",
      next: _NEXT_RETRY,
    },
  },
  {
    id: "core.mail-rejected",
    stages: ["mail"],
    code: /^5/,
    diagnosis: {
      code: "envelope.sender-rejected",
      title: "MAIL FROM rejected",
      cause: "The server permanently refused the MAIL FROM command, i.e. the sender address or its parameters.",
      next: "Check --from (a full address the account may send as) and any MAIL parameters in the transcript.",
    },
  },
  {
    id: "core.rcpt-rejected",
    stages: ["rcpt"],
    code: /^5/,
    diagnosis: {
      code: "envelope.recipient-rejected",
      title: "Recipient rejected",
      cause: "The server permanently refused the RCPT TO command for this recipient.",
      next: "Check the --to address and read the reply text for the reason the server gives.",
    },
  },
  {
    id: "core.data-rejected",
    stages: ["data"],
    code: /^5/,
    diagnosis: {
      code: "envelope.message-rejected",
      title: "Message rejected",
      cause: "The server permanently refused the message itself (at DATA or after its content).",
      next: "Read the reply text for the reason; check headers, content and the --from domain's SPF/DKIM/DMARC.",
    },
  },
];

/**
 * Envelope rules about the addresses (sender, recipient) followed by the
 * envelope's temporary-wording, policy and per-stage 4xx/5xx fallbacks;
 * consulted after envelopeReplyRules().
 */
export const addressReplyRules = (): readonly ReplyRule[] => [..._addressRules(), ..._fallbackRules()];
