/**
 * Reply knowledge for the envelope (MAIL FROM, RCPT TO, end of DATA), part
 * one: access and limits. Order matters because servers reuse each other's
 * words: Postfix delays HELO and sender rejections to RCPT, postgrey says
 * "Recipient address rejected: Greylisted", Gmail's SPF/DKIM rejections say
 * "authenticate", and sending-quota wording overlaps mailbox-quota wording.
 * So these rules go: TLS, relay, policy signals, authentication, greylisting,
 * throttling, mailbox quota and size; `reply-rules-address.ts` follows.
 *
 * Patterns run on untrusted text (up to ~64 KiB): gaps are bounded and no
 * quantifier is nested. Whitespace is collapsed before matching.
 */

import type { ReplyRule, ReplyStage } from "./reply-rule.ts";
import { BLOCKLIST_WORDING } from "./reply-rules-connect.ts";

const _ENVELOPE: readonly ReplyStage[] = ["mail", "rcpt", "data"];
const _RECIPIENT: readonly ReplyStage[] = ["rcpt", "data"];

const _TLS_REQUIRED_WORDING =
  /must issue a starttls|starttls (?:command )?(?:first|required)|starttls is required|encryption required|tls required|must use (?:tls|ssl|starttls|encryption)|requires? (?:tls|starttls|encryption|a secure connection)/i;

const _RELAY_WORDING =
  /\brelay(?:ing)? (?:access |mail )?(?:is )?(?:denied|not permitted|not allowed|prohibited|refused|disabled)|unable to relay|not (?:permitted|allowed|authori[sz]ed) to relay|(?:do|does|will) not relay|allowed rcpthosts|mail relay denied/i;

const _AUTH_REQUIRED_WORDING =
  /authentication (?:is )?required|auth(?:entication)? needed|not authenticated|must (?:be )?authenticated?\b|please authenticate|unauthenticated senders? not allowed|not logged in|smtp auth(?:entication)? (?:is )?required|requires? (?:smtp )?authentication|authentication first/i;

const _SENDER_AUTHN_WORDING =
  /\bspf\b|\bdkim\b|\bdmarc\b|sender policy framework|sender is unauthenticated|unauthenticated (?:email|mail|message)|authentication level/i;

const _ACCOUNT_BLOCKED_WORDING =
  /sending (?:is |has been )?(?:suspended|paused|disabled)|account (?:is |has been )?(?:suspended|restricted|blocked)|OutboundSpamException|restricted from sending|bad outbound sender/i;

// Rate wording of Exim's ratelimit ACL ("Sender rate 5.5 / 1h", the specification's "Sorry, too
// busy"), Postfix policy daemons (postfwd "max 100 requests per hour", policyd-rate-limit "Rate
// limit reach", cluebringer "Message count quota"), rspamd ("Ratelimit … exceeded"), Exchange
// ("receive limit", "server busy"), Gmail ("receiving mail too quickly"), Outlook.com (RP-00x),
// SES ("Throttling failure") and Zoho ("Unusual sending activity").
const _RATE_WORDING =
  /throttl|rate[- ]?limit|\brate (?:exceeded|that prevents)|(?:sender|sending|unusual|submission|connection|message|recipient) rate\b|(?:sending|messages?|send|recipients?|daily|hourly|receive|count) (?:quota|limit)|daily (?:user )?(?:sending|message)|too much mail|too many (?:messages|recipients|connections|emails|mails|sessions)|server busy|too busy|too quickly|SubmissionQuotaExceeded|RecipientThresholdExceeded|exceeded the configured limit|unexpected volume|maximum credits|\bmax(?:imum)? (?:of )?\d{1,9} (?:requests?|messages?|mails?|e-?mails?|recipients?|connections?) (?:per|an?|each|every|in)\b|limits for how many|unusual sending activity/i;

// Greylisters' own words: postgrey/sqlgrey/milter-greylist ("Greylisted", "Greylisting in
// action"), greylistd's Exim ACL ("is not yet authorized to deliver mail from"), Mimecast's
// documented greylisting reply. "Try again later" alone is no evidence: rate limits and local
// problems say it too.
const _GREYLIST_WORDING =
  /gr[ae]y[- ]?list|not yet authori[sz]ed to deliver|internal resource temporarily unavailable/i;

const _MAILBOX_FULL_WORDING =
  /mailbox (?:is )?full|full mailbox|(?:mailbox|inbox|storage|disk) (?:quota|space)|over (?:quota|(?:the )?storage)|quota exceeded|exceeded (?:the |their |his |her |its )?(?:storage|quota)|out of storage|mailbox size limit|insufficient (?:storage|space) (?:in|for) (?:the )?mailbox|quota full/i;

const _SIZE_WORDING =
  /too (?:big|large)|\bsize\b[^.;]{0,40}?\b(?:exceed|limit)|exceed[^.;]{0,40}?\bsize\b|message length|(?:message|mail|email) is larger/i;

// Retrying soon raises the measured rate and prolongs the block: say so.
const _NEXT_SLOW_DOWN =
  "Do not retry at once (each attempt counts against the rate): wait for the limit's window to pass (often an hour, or 24 h for a daily quota), send fewer messages or recipients, or raise the limit with the server's administrator or provider.";

const _NEXT_AUTHENTICATE =
  "Authenticate first (run an auth probe with --user/--secret) or send from a host the server relays for.";

const _accessRules = (): readonly ReplyRule[] => [
  {
    id: "core.envelope-tls-required",
    stages: _ENVELOPE,
    text: _TLS_REQUIRED_WORDING,
    diagnosis: {
      code: "envelope.tls-required",
      title: "TLS required",
      cause: "The server only accepts mail over an encrypted session and this one was not encrypted.",
      next:
        "Turn TLS on (--tls starttls on port 587 or --tls implicit on port 465) and authenticate with --user/--secret.",
    },
  },
  {
    id: "core.m365-tenant-attribution",
    stages: _ENVELOPE,
    text: /TenantAttribution/i,
    diagnosis: {
      code: "envelope.relay-denied",
      title: "Relay denied: no tenant attribution",
      cause:
        "Microsoft 365 could not tie this unauthenticated connection to a tenant (no inbound connector matches its IP or certificate), so it refused to relay.",
      next:
        "Authenticate with --user/--secret on smtp.office365.com port 587, or add an inbound connector for this sending IP in the Exchange admin center.",
    },
  },
  {
    id: "core.relay-denied",
    stages: _ENVELOPE,
    text: _RELAY_WORDING,
    diagnosis: {
      code: "envelope.relay-denied",
      title: "Relay denied",
      cause:
        "The server refused to relay to a domain it does not host, because this session is neither authenticated nor from a host it relays for.",
      next: _NEXT_AUTHENTICATE,
    },
  },
  {
    id: "core.relay-denied-enhanced",
    stages: _ENVELOPE,
    enhanced: /^5\.7\.(?:54|64)$/,
    diagnosis: {
      code: "envelope.relay-denied",
      title: "Relay denied",
      cause:
        "The server refused to relay to a domain it does not host, because this session is neither authenticated nor from a host it relays for.",
      next: _NEXT_AUTHENTICATE,
    },
  },
  {
    id: "core.envelope-helo-rejected",
    stages: _ENVELOPE,
    text: /helo command rejected|(?:helo|ehlo) (?:name|hostname|argument)|bad (?:helo|ehlo)/i,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "EHLO hostname rejected",
      cause:
        "The server rejected the hostname announced in EHLO; Postfix reports HELO restrictions at MAIL or RCPT rather than at EHLO.",
      next:
        "Announce a fully-qualified hostname that resolves in DNS with --ehlo-name (ideally the sending IP's PTR name).",
    },
  },
  {
    id: "core.envelope-blocklisted",
    stages: _ENVELOPE,
    code: /^[45]/,
    text: BLOCKLIST_WORDING,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Blocked: IP or domain blocklisted",
      cause:
        "The server refused the mail because the sending IP (or sender domain) is on a blocklist or has a poor reputation.",
      next:
        "Request delisting from the list named in the reply, or submit through your provider's authenticated submission port (587/465 with --user/--secret).",
    },
  },
  {
    id: "core.envelope-no-ptr",
    stages: _ENVELOPE,
    code: /^[45]/,
    text:
      /cannot find your (?:reverse )?hostname|reverse (?:dns|hostname|lookup)|\bptr record|does not have a ptr|\brdns\b/i,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Blocked: no reverse DNS",
      cause: "The server refused the mail because the sending IP has no reverse DNS name that resolves back to it.",
      next:
        "Give the sending IP a PTR record matching its forward name, or submit through your provider's authenticated submission port.",
    },
  },
  {
    id: "core.envelope-client-rejected",
    stages: _ENVELOPE,
    code: /^5/,
    text: /client host rejected|traffic not accepted from this ip|access denied, banned/i,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Client rejected",
      cause: "The server refuses mail from this client's IP address by local policy.",
      next:
        "Submit through your provider's authenticated submission port (587/465 with --user/--secret) instead of this host.",
    },
  },
  {
    id: "core.envelope-sender-authn",
    stages: _ENVELOPE,
    code: /^[45]/,
    text: _SENDER_AUTHN_WORDING,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Sender authentication failed (SPF/DKIM/DMARC)",
      cause:
        "The receiver refused the mail because the sender domain's SPF, DKIM or DMARC checks failed for this sending path.",
      next:
        "Make the --from domain's SPF and DKIM cover this relay (or send through the provider that hosts the domain) and rerun.",
    },
  },
  {
    // Not at RCPT: there the words would describe the recipient's account.
    id: "core.envelope-account-blocked",
    stages: ["mail", "data"],
    text: _ACCOUNT_BLOCKED_WORDING,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Sending suspended for the account",
      cause:
        "The provider has suspended or restricted outbound sending for this account, usually after spam complaints.",
      next:
        "Check the provider's console or admin notifications for the account's sending status and have the restriction lifted.",
    },
  },
  {
    id: "core.envelope-auth-required",
    stages: _ENVELOPE,
    text: _AUTH_REQUIRED_WORDING,
    diagnosis: {
      code: "envelope.auth-required",
      title: "Authentication required",
      cause: "The server only accepts mail from authenticated clients and this session did not authenticate.",
      next:
        "Authenticate before MAIL FROM: pass --user and --secret env:NAME over TLS (--tls starttls or --tls implicit).",
    },
  },
  {
    id: "core.envelope-auth-required-enhanced",
    stages: _ENVELOPE,
    enhanced: /^5\.7\.57$/,
    diagnosis: {
      code: "envelope.auth-required",
      title: "Authentication required",
      cause: "The server only accepts mail from authenticated clients and this session did not authenticate.",
      next:
        "Authenticate before MAIL FROM: pass --user and --secret env:NAME over TLS (--tls starttls or --tls implicit).",
    },
  },
  {
    id: "core.envelope-auth-required-530",
    stages: _ENVELOPE,
    code: /^530$/,
    diagnosis: {
      code: "envelope.auth-required",
      title: "Authentication required",
      cause: "The server answered 530: it wants the client to authenticate before it takes mail.",
      next:
        "Authenticate before MAIL FROM: pass --user and --secret env:NAME over TLS (--tls starttls or --tls implicit).",
    },
  },
];

const _limitRules = (): readonly ReplyRule[] => [
  {
    id: "core.greylisted",
    stages: _ENVELOPE,
    code: /^4/,
    text: _GREYLIST_WORDING,
    diagnosis: {
      code: "envelope.greylisted",
      title: "Greylisted",
      cause:
        "The server greylists unknown senders: it defers the first attempt and accepts a retry after a few minutes.",
      next: "Retry in 5 to 15 minutes from the same IP with the same --from and --to; the retry should be accepted.",
    },
  },
  {
    id: "core.rate-limited",
    stages: _ENVELOPE,
    text: _RATE_WORDING,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "Rate limit or quota exceeded",
      cause:
        "The server is throttling this sender: a per-second or per-hour rate, a daily quota or a recipients-per-message limit was exceeded.",
      next: _NEXT_SLOW_DOWN,
    },
  },
  {
    // x.4.5 (Gmail/Microsoft quotas), 4.7.500 (Exchange Online), x.5.3 (too many recipients),
    // 4.7.28 (Gmail rate), 5.2.121/5.2.122 (Exchange per-hour receive limits).
    id: "core.rate-limited-enhanced",
    stages: _ENVELOPE,
    enhanced: /^(?:[45]\.4\.5|4\.7\.500|[45]\.5\.3|4\.7\.28|5\.2\.12[12])$/,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "Rate limit or quota exceeded",
      cause: "The server is throttling this sender: its sending rate, daily quota or recipient count exceeded a limit.",
      next: _NEXT_SLOW_DOWN,
    },
  },
  {
    id: "core.mailbox-full",
    stages: _RECIPIENT,
    text: _MAILBOX_FULL_WORDING,
    diagnosis: {
      code: "envelope.mailbox-full",
      title: "Recipient mailbox full",
      cause: "The recipient's mailbox is over its storage quota, so the server cannot take more mail for it.",
      next: "Ask the recipient to free up space (or try later); nothing on the sending side needs to change.",
    },
  },
  {
    id: "core.mailbox-full-enhanced",
    stages: _RECIPIENT,
    enhanced: /^[45]\.2\.2$/,
    diagnosis: {
      code: "envelope.mailbox-full",
      title: "Recipient mailbox full",
      cause:
        "The recipient's mailbox is over its storage quota (status x.2.2), so the server cannot take more mail for it.",
      next: "Ask the recipient to free up space (or try later); nothing on the sending side needs to change.",
    },
  },
  {
    id: "core.size-exceeded",
    stages: _ENVELOPE,
    text: _SIZE_WORDING,
    diagnosis: {
      code: "envelope.size-exceeded",
      title: "Message too large",
      cause: "The message is larger than the server accepts (its SIZE limit).",
      next:
        "Compare the message size with the SIZE value in the EHLO reply and send a smaller message (link large attachments).",
    },
  },
  {
    id: "core.size-exceeded-enhanced",
    stages: _ENVELOPE,
    enhanced: /^(?:[45]\.3\.4|5\.2\.3)$/,
    diagnosis: {
      code: "envelope.size-exceeded",
      title: "Message too large",
      cause: "The message is larger than the server accepts (its SIZE limit).",
      next:
        "Compare the message size with the SIZE value in the EHLO reply and send a smaller message (link large attachments).",
    },
  },
];

/**
 * Envelope rules about access (TLS, relay, authentication, policy signals)
 * and limits (greylisting, throttling, mailbox quota, size). They must be
 * consulted before addressReplyRules(), whose sender and recipient wording
 * would otherwise capture replies such as postgrey's "Recipient address
 * rejected: Greylisted".
 */
export const envelopeReplyRules = (): readonly ReplyRule[] => [..._accessRules(), ..._limitRules()];
