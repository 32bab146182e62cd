/**
 * The reason vocabulary of `explain` and `bounce`: Sisimai's names where one
 * fits (so reports line up with the tool most bounce processors know), plus
 * greylisted, tlsrequired and smtpauth where those say more. Each reason is
 * data: the layer it points to, whether it marks the address dead ("hard"),
 * a one-line meaning and the next step.
 */

/** Every reason a recipient or a reply can be given. */
export const REASONS = [
  "userunknown",
  "hostunknown",
  "mailboxfull",
  "emailtoolarge",
  "norelaying",
  "rejected",
  "blocked",
  "spamdetected",
  "policyviolation",
  "authfailure",
  "securityerror",
  "ratelimited",
  "expired",
  "filtered",
  "suspend",
  "hasmoved",
  "notaccept",
  "requireptr",
  "badreputation",
  "contenterror",
  "systemerror",
  "systemfull",
  "virusdetected",
  "mailererror",
  "networkerror",
  "syntaxerror",
  "vacation",
  "feedback",
  "delivered",
  "undefined",
  "greylisted",
  "tlsrequired",
  "smtpauth",
] as const;

/** One reason of the vocabulary. */
export type Reason = (typeof REASONS)[number];

/**
 * Where a reason points: the part of the path someone has to change. The
 * first seven are diagnose's layers; the rest name what lies beyond the
 * SMTP session (the message, the sender's reputation and DNS
 * authentication, the recipient's mailbox, the remote system).
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

/** What a reason means and what to do about it. */
export interface ReasonInfo {
  layer: ReasonLayer;
  /** True when the address itself is dead: stop sending to it. */
  hard: boolean;
  meaning: string;
  next: string;
}

/** The catalogue, one entry per reason. */
export const REASON_INFO: Readonly<Record<Reason, ReasonInfo>> = {
  userunknown: {
    layer: "mailbox",
    hard: true,
    meaning: "The recipient's mailbox does not exist.",
    next: "Remove the address from your list (or fix its spelling); do not retry it.",
  },
  hostunknown: {
    layer: "dns",
    hard: true,
    meaning: "The recipient's domain does not exist or has no mail route.",
    next: "Check the domain part for typos; if it is right, the domain is gone: remove the address.",
  },
  hasmoved: {
    layer: "mailbox",
    hard: true,
    meaning: "The mailbox has moved and mail is no longer forwarded.",
    next: "Ask the recipient for the new address and replace this one.",
  },
  notaccept: {
    layer: "dns",
    hard: true,
    meaning: "The recipient's domain accepts no mail (null MX or a host that refuses all mail).",
    next: "Remove the address: its domain has said it never receives mail.",
  },
  mailboxfull: {
    layer: "mailbox",
    hard: false,
    meaning: "The recipient's mailbox is over its quota.",
    next: "Retry later; if it stays full for weeks the mailbox is probably abandoned.",
  },
  suspend: {
    layer: "mailbox",
    hard: false,
    meaning: "The recipient's mailbox is disabled or suspended.",
    next: "Stop sending for now; remove the address if it stays disabled.",
  },
  emailtoolarge: {
    layer: "content",
    hard: false,
    meaning: "The message is larger than the receiving side accepts.",
    next: "Send a smaller message: link to large files instead of attaching them.",
  },
  norelaying: {
    layer: "auth",
    hard: false,
    meaning: "The server refused to relay the message to that domain.",
    next:
      "Submit through your own provider with SMTP AUTH; if this was the recipient's MX, its domain is not hosted there (check the MX records).",
  },
  rejected: {
    layer: "envelope",
    hard: false,
    meaning: "The sender address (MAIL FROM) was refused.",
    next: "Send from an address of a domain you own that exists in DNS and that your login may use.",
  },
  blocked: {
    layer: "reputation",
    hard: false,
    meaning: "The sending IP address or host is blocked (blocklist, client restrictions).",
    next: "Check the sending IP on the blocklist the reply names and request delisting, or send through your provider.",
  },
  badreputation: {
    layer: "reputation",
    hard: false,
    meaning: "The receiver distrusts the sending IP or domain for its reputation.",
    next:
      "Slow down, send only to engaged recipients, authenticate the domain (SPF, DKIM, DMARC) and watch the provider's postmaster tools.",
  },
  spamdetected: {
    layer: "content",
    hard: false,
    meaning: "The message was judged to be spam.",
    next: "Review the content and links, authenticate the domain, and send only to recipients who asked for the mail.",
  },
  virusdetected: {
    layer: "content",
    hard: false,
    meaning: "A virus or malware scanner rejected the message.",
    next: "Remove or replace the attachment that triggered the scanner.",
  },
  contenterror: {
    layer: "content",
    hard: false,
    meaning: "The message's format or headers were refused (MIME, encoding, header syntax).",
    next: "Fix how the message is built (headers, MIME structure, line lengths, 8-bit data without 8BITMIME).",
  },
  policyviolation: {
    layer: "content",
    hard: false,
    meaning: "A local policy of the receiver refused the message.",
    next: "Read the policy named in the reply; if none is named, ask the recipient's postmaster.",
  },
  filtered: {
    layer: "mailbox",
    hard: false,
    meaning: "The recipient's own filter or settings refused the message.",
    next: "Only the recipient can lift this; reach them another way.",
  },
  authfailure: {
    layer: "dns-authentication",
    hard: false,
    meaning: "The message failed sender authentication (SPF, DKIM or DMARC).",
    next: "Publish SPF for the sending IP, sign with DKIM aligned to the From: domain, and check the DMARC record.",
  },
  requireptr: {
    layer: "reputation",
    hard: false,
    meaning: "The sending IP has no valid reverse DNS (PTR) name.",
    next: "Give the sending IP a PTR record whose name resolves back to it.",
  },
  securityerror: {
    layer: "tls",
    hard: false,
    meaning: "A security requirement failed (certificate, encryption or a security policy).",
    next: "Check the TLS set-up and certificates on the sending side, and any security policy the reply names.",
  },
  tlsrequired: {
    layer: "tls",
    hard: false,
    meaning: "The receiver requires an encrypted connection (or REQUIRETLS) that was not available.",
    next: "Enable STARTTLS (or implicit TLS) on the sending side, with a valid certificate chain.",
  },
  smtpauth: {
    layer: "auth",
    hard: false,
    meaning: "SMTP authentication is missing or failed.",
    next: "Authenticate with valid credentials (an app password or OAuth where the provider needs one).",
  },
  ratelimited: {
    layer: "reputation",
    hard: false,
    meaning: "Too many messages or connections: the receiver is throttling the sender.",
    next: "Slow down: fewer connections and messages per minute, and retry later with back-off.",
  },
  greylisted: {
    layer: "envelope",
    hard: false,
    meaning: "Greylisting: the receiver wants the same message retried later.",
    next: "Nothing to change: a normal MTA retries and the next attempt after a few minutes is accepted.",
  },
  expired: {
    layer: "remote-system",
    hard: false,
    meaning: "Delivery kept failing temporarily until the queue gave up.",
    next: "Look at the last error given; the address may well be fine, so retry once the cause is fixed.",
  },
  systemerror: {
    layer: "remote-system",
    hard: false,
    meaning: "The receiving system had an internal error, a loop or a configuration fault.",
    next: "Retry later; if it persists, tell the recipient's postmaster.",
  },
  systemfull: {
    layer: "remote-system",
    hard: false,
    meaning: "The receiving system is out of storage.",
    next: "Retry later; the receiving side has to free space.",
  },
  networkerror: {
    layer: "tcp",
    hard: false,
    meaning: "The receiving host could not be reached or the connection broke (network or DNS trouble).",
    next: "Retry later; if it lasts, check the recipient domain's MX hosts and your outbound network.",
  },
  mailererror: {
    layer: "remote-system",
    hard: false,
    meaning: "The receiving side's local delivery program failed.",
    next: "Retry later; the recipient's administrator has to fix their delivery program.",
  },
  syntaxerror: {
    layer: "envelope",
    hard: false,
    meaning: "The receiver refused an SMTP command as malformed.",
    next: "Check the sending software's SMTP commands (addresses, parameters) against RFC 5321.",
  },
  vacation: {
    layer: "none",
    hard: false,
    meaning: "An automatic reply (vacation, out of office): the message was delivered.",
    next: "Nothing to do; do not count it as a bounce.",
  },
  feedback: {
    layer: "reputation",
    hard: false,
    meaning: "A complaint (feedback report): the recipient marked the message as spam.",
    next: "Stop sending to this recipient and review why they did not want the mail.",
  },
  delivered: {
    layer: "none",
    hard: false,
    meaning: "The message was delivered (a success notification).",
    next: "Nothing to do.",
  },
  undefined: {
    layer: "none",
    hard: false,
    meaning: "No known reason could be read from the report.",
    next: "Read the diagnostic text; the reply code tells whether retrying can help.",
  },
};

/** True when `value` is one of the reasons. */
export function isReason(value: string): value is Reason {
  return (REASONS as readonly string[]).includes(value);
}
