/**
 * What each reason of the vocabulary means, as data: the layer it points
 * to, whether it marks the address dead, the recommended action, a one-line
 * meaning and the next step.
 */
import type { Reason, ReasonLayer, Recommendation } from "./reason-types.ts";

/** What a reason means and what to do about it. */
export interface ReasonInfo {
  layer: ReasonLayer;
  /** True when the address itself is dead: stop sending to it. */
  hard: boolean;
  recommended: Recommendation;
  meaning: string;
  next: string;
}

function _r(layer: ReasonLayer, hard: boolean, recommended: Recommendation, meaning: string, next: string): ReasonInfo {
  return { layer, hard, recommended, meaning, next };
}

/** The catalogue, one entry per reason. */
export const REASON_INFO: Readonly<Record<Reason, ReasonInfo>> = {
  userunknown: _r(
    "mailbox",
    true,
    "suppress",
    "The recipient's mailbox does not exist.",
    "Remove the address from your list (or fix its spelling); do not retry it.",
  ),
  hostunknown: _r(
    "dns",
    true,
    "suppress",
    "The recipient's domain does not exist or has no mail route.",
    "Check the domain part for typos; if it is right, the domain is gone: remove the address.",
  ),
  hasmoved: _r(
    "mailbox",
    true,
    "suppress",
    "The mailbox has moved and mail is no longer forwarded.",
    "Ask the recipient for the new address and replace this one.",
  ),
  notaccept: _r(
    "dns",
    true,
    "suppress",
    "The recipient's domain accepts no mail (null MX or a host that refuses all mail).",
    "Remove the address: its domain has said it never receives mail.",
  ),
  suppressed: _r(
    "mailbox",
    true,
    "suppress",
    "The sending service refused the address because it is on its suppression list (an earlier bounce or complaint).",
    "Remove the address; ask the provider to lift the suppression only if the address is known to work again.",
  ),
  mailboxfull: _r(
    "mailbox",
    false,
    "retry",
    "The recipient's mailbox is over its quota.",
    "Retry later; if it stays full for weeks the mailbox is probably abandoned.",
  ),
  suspend: _r(
    "mailbox",
    false,
    "retry",
    "The recipient's mailbox is disabled or suspended.",
    "Stop sending for now; remove the address if it stays disabled.",
  ),
  emailtoolarge: _r(
    "content",
    false,
    "fix-content",
    "The message is larger than the receiving side accepts.",
    "Send a smaller message: link to large files instead of attaching them.",
  ),
  norelaying: _r(
    "auth",
    false,
    "fix-sender",
    "The server refused to relay the message to that domain.",
    "Submit through your own provider with SMTP AUTH; if this was the recipient's MX, its domain is not hosted there (check the MX records).",
  ),
  rejected: _r(
    "envelope",
    false,
    "fix-sender",
    "The sender address (MAIL FROM) was refused.",
    "Send from an address of a domain you own that exists in DNS and that your login may use.",
  ),
  blocked: _r(
    "reputation",
    false,
    "contact-postmaster",
    "The sending IP address or host was refused (a blocklist, client restrictions, greylisting).",
    "Check the sending IP on the blocklist the reply names and request delisting, or send through your provider.",
  ),
  badreputation: _r(
    "reputation",
    false,
    "slow-down",
    "The receiver distrusts the sending IP or domain for its reputation.",
    "Slow down, send only to engaged recipients, authenticate the domain (SPF, DKIM, DMARC) and watch the provider's postmaster tools.",
  ),
  spamdetected: _r(
    "content",
    false,
    "fix-content",
    "The message was judged to be spam.",
    "Review the content and links, authenticate the domain, and send only to recipients who asked for the mail.",
  ),
  virusdetected: _r(
    "content",
    false,
    "fix-content",
    "A virus or malware scanner rejected the message.",
    "Remove or replace the attachment that triggered the scanner.",
  ),
  contenterror: _r(
    "content",
    false,
    "fix-content",
    "The message's format, headers or attachments were refused (MIME, encoding, header syntax, file types).",
    "Fix how the message is built (headers, MIME structure, line lengths, 8-bit data without 8BITMIME, attachment types).",
  ),
  notcompliantrfc: _r(
    "content",
    false,
    "fix-content",
    "The message does not follow RFC 5322 (several From addresses, duplicate or missing required headers).",
    "Build the message with exactly one From address, one Date, one Message-ID and no duplicated single headers.",
  ),
  policyviolation: _r(
    "content",
    false,
    "contact-postmaster",
    "A local policy of the receiver refused the message.",
    "Read the policy named in the reply; if none is named, ask the recipient's postmaster.",
  ),
  filtered: _r(
    "mailbox",
    false,
    "contact-postmaster",
    "The message was refused after it was sent (after DATA): the recipient's filter or the receiver's settings.",
    "Only the recipient or their postmaster can lift this; reach them another way.",
  ),
  authfailure: _r(
    "dns-authentication",
    false,
    "fix-dns",
    "The message failed sender authentication (SPF, DKIM or DMARC).",
    "Publish SPF for the sending IP, sign with DKIM aligned to the From: domain, and check the DMARC record.",
  ),
  requireptr: _r(
    "reputation",
    false,
    "fix-dns",
    "The sending IP has no valid reverse DNS (PTR) name.",
    "Give the sending IP a PTR record whose name resolves back to it.",
  ),
  securityerror: _r(
    "auth",
    false,
    "fix-sender",
    "A security requirement failed: SMTP authentication, or a security check of the sender.",
    "Authenticate with valid credentials (an app password or OAuth where the provider needs one) and check the security policy the reply names.",
  ),
  failedstarttls: _r(
    "tls",
    false,
    "fix-tls",
    "Encryption could not be agreed as required: STARTTLS missing or failing, REQUIRETLS, DANE or MTA-STS validation.",
    "Enable STARTTLS with a valid certificate chain on the sending side; if the receiver's MTA-STS or DANE policy failed, its postmaster has to fix the certificate or policy.",
  ),
  ratelimited: _r(
    "reputation",
    false,
    "slow-down",
    "Too many messages or connections: the receiver is throttling the sender.",
    "Slow down: fewer connections and messages per minute, and retry later with back-off.",
  ),
  expired: _r(
    "remote-system",
    false,
    "retry",
    "Delivery kept failing temporarily until the queue gave up.",
    "Look at the last error given; the address may well be fine, so retry once the cause is fixed.",
  ),
  onhold: _r(
    "none",
    false,
    "retry",
    "The report does not settle the reason yet (a temporary state).",
    "Wait for the final report, or retry later.",
  ),
  systemerror: _r(
    "remote-system",
    false,
    "retry",
    "The receiving system had an internal error, a loop or a configuration fault.",
    "Retry later; if it persists, tell the recipient's postmaster.",
  ),
  systemfull: _r(
    "remote-system",
    false,
    "retry",
    "The receiving system is out of storage.",
    "Retry later; the receiving side has to free space.",
  ),
  networkerror: _r(
    "tcp",
    false,
    "retry",
    "The receiving host could not be reached or the connection broke (network or DNS trouble).",
    "Retry later; if it lasts, check the recipient domain's MX hosts and your outbound network.",
  ),
  mailererror: _r(
    "remote-system",
    false,
    "contact-postmaster",
    "The receiving side's local delivery program failed.",
    "Retry later; the recipient's administrator has to fix their delivery program.",
  ),
  syntaxerror: _r(
    "envelope",
    false,
    "fix-sender",
    "The receiver refused an SMTP command as malformed.",
    "Check the sending software's SMTP commands (addresses, parameters) against RFC 5321.",
  ),
  vacation: _r(
    "none",
    false,
    "none",
    "An automatic reply (vacation, out of office): the message was delivered.",
    "Nothing to do; do not count it as a bounce.",
  ),
  feedback: _r(
    "reputation",
    false,
    "suppress",
    "A complaint (feedback report): the recipient marked the message as spam.",
    "Stop sending to this recipient and review why they did not want the mail.",
  ),
  delivered: _r("none", false, "none", "The message was delivered (a success notification).", "Nothing to do."),
  undefined: _r(
    "none",
    false,
    "contact-postmaster",
    "No known reason could be read from the report.",
    "Read the diagnostic text; the reply code tells whether retrying can help.",
  ),
};

/** The action for a recipient: the reason's, but never "suppress" for a failure that is only temporary. */
export function recommendationFor(reason: Reason, permanent: boolean, failed: boolean): Recommendation {
  const r = REASON_INFO[reason].recommended;
  if (r === "suppress" && !permanent && reason !== "feedback" && reason !== "suppressed") return "retry";
  if (reason === "undefined" && !permanent && failed) return "retry";
  return r;
}
