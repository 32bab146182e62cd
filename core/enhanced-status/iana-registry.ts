/**
 * The IANA "Simple Mail Transfer Protocol (SMTP) Enhanced Status Codes"
 * registry as data: its three sub-registries (class, subject, enumerated
 * status codes), every entry with its summary, a one-sentence description
 * and the document that registered it. Transcribed from the registry, not
 * from any other program's table; update it from the source when IANA adds
 * codes (the page's "Last Updated" date is recorded below).
 */

/** One registry entry: `code` is "4.XXX.YYY" (class), "X.7.YYY" (subject) or "X.7.30" (detail). */
export interface EnhancedStatusEntry {
  code: string;
  summary: string;
  description: string;
  reference: string;
}

/** Where the data comes from and when it was taken. */
export const IANA_REGISTRY_SOURCE = {
  url: "https://www.iana.org/assignments/smtp-enhanced-status-codes/smtp-enhanced-status-codes.xhtml",
  lastUpdated: "2024-12-06",
  transcribed: "2026-12-02",
} as const;

/** Class sub-codes: the first digit. */
export const IANA_CLASSES: readonly EnhancedStatusEntry[] = [
  {
    code: "2.XXX.YYY",
    summary: "Success",
    description:
      "The report is of a positive delivery action; detail codes may note transformations needed to deliver.",
    reference: "RFC3463",
  },
  {
    code: "4.XXX.YYY",
    summary: "Persistent Transient Failure",
    description:
      "The message is valid but a temporary condition persisted and delayed or stopped delivery; sending again later may succeed.",
    reference: "RFC3463",
  },
  {
    code: "5.XXX.YYY",
    summary: "Permanent Failure",
    description:
      "Resending the message as it is will not succeed; the message or the destination must change before delivery can work.",
    reference: "RFC3463",
  },
];

/** Subject sub-codes: the second number. */
export const IANA_SUBJECTS: readonly EnhancedStatusEntry[] = [
  {
    code: "X.0.YYY",
    summary: "Other or Undefined Status",
    description: "No further subject information.",
    reference: "RFC3463",
  },
  {
    code: "X.1.YYY",
    summary: "Addressing Status",
    description:
      "About the originator or destination address: its syntax or validity. The sender can usually correct these and retry.",
    reference: "RFC3463",
  },
  {
    code: "X.2.YYY",
    summary: "Mailbox Status",
    description:
      "Something about the destination mailbox, beyond the address being valid, caused this status; the recipient or their administrator can act on it.",
    reference: "RFC3463",
  },
  {
    code: "X.3.YYY",
    summary: "Mail System Status",
    description:
      "The destination mail system caused this status: it is assumed to be the problem of the system that receives the message.",
    reference: "RFC3463",
  },
  {
    code: "X.4.YYY",
    summary: "Network and Routing Status",
    description:
      "A problem of the network or of routing between the systems (DNS, connectivity, routing loops), usually fixed by the network operator.",
    reference: "RFC3463",
  },
  {
    code: "X.5.YYY",
    summary: "Mail Delivery Protocol Status",
    description: "The delivery protocol itself failed: a command, its syntax or its arguments were not acceptable.",
    reference: "RFC3463",
  },
  {
    code: "X.6.YYY",
    summary: "Message Content or Media Status",
    description: "The message content or its media types caused the failure (conversion, unsupported media).",
    reference: "RFC3463",
  },
  {
    code: "X.7.YYY",
    summary: "Security or Policy Status",
    description:
      "Security or policy: authentication, authorisation, encryption, and local policy decisions about the message or its sender.",
    reference: "RFC3463",
  },
];

/** Enumerated status codes: subject and detail together. */
export const IANA_DETAILS: readonly EnhancedStatusEntry[] = [
  { code: "X.0.0", summary: "Other undefined Status", description: "No specific code applies.", reference: "RFC3463" },
  {
    code: "X.1.0",
    summary: "Other address status",
    description: "Something about the address caused this status.",
    reference: "RFC3463",
  },
  {
    code: "X.1.1",
    summary: "Bad destination mailbox address",
    description: "The mailbox named left of the @ does not exist at the destination.",
    reference: "RFC3463",
  },
  {
    code: "X.1.2",
    summary: "Bad destination system address",
    description: "The destination system named right of the @ does not exist or cannot accept mail.",
    reference: "RFC3463",
  },
  {
    code: "X.1.3",
    summary: "Bad destination mailbox address syntax",
    description: "The destination address is syntactically invalid.",
    reference: "RFC3463",
  },
  {
    code: "X.1.4",
    summary: "Destination mailbox address ambiguous",
    description: "The address matches more than one recipient at the destination.",
    reference: "RFC3463",
  },
  {
    code: "X.1.5",
    summary: "Destination address valid",
    description: "The destination address is valid (used with success).",
    reference: "RFC3463",
  },
  {
    code: "X.1.6",
    summary: "Destination mailbox has moved, No forwarding address",
    description: "The mailbox existed but has moved and no forwarding address is known.",
    reference: "RFC3463",
  },
  {
    code: "X.1.7",
    summary: "Bad sender's mailbox address syntax",
    description: "The sender's address is syntactically invalid.",
    reference: "RFC3463",
  },
  {
    code: "X.1.8",
    summary: "Bad sender's system address",
    description: "The sender's domain does not exist or cannot accept replies.",
    reference: "RFC3463",
  },
  {
    code: "X.1.9",
    summary: "Message relayed to non-compliant mailer",
    description: "Delivered to a system that does not do DSNs; only a relay receipt is possible.",
    reference: "RFC3886",
  },
  {
    code: "X.1.10",
    summary: "Recipient address has null MX",
    description: "The recipient's domain publishes a null MX: it accepts no mail at all.",
    reference: "RFC7505",
  },
  {
    code: "X.2.0",
    summary: "Other or undefined mailbox status",
    description: "The mailbox exists but something about it caused this status.",
    reference: "RFC3463",
  },
  {
    code: "X.2.1",
    summary: "Mailbox disabled, not accepting messages",
    description: "The mailbox exists but accepts no mail (disabled or suspended).",
    reference: "RFC3463",
  },
  {
    code: "X.2.2",
    summary: "Mailbox full",
    description: "The mailbox is over its storage limit.",
    reference: "RFC3463",
  },
  {
    code: "X.2.3",
    summary: "Message length exceeds administrative limit",
    description: "The message is larger than this recipient's per-message size limit.",
    reference: "RFC3463",
  },
  {
    code: "X.2.4",
    summary: "Mailing list expansion problem",
    description: "The address is a mailing list that could not be expanded.",
    reference: "RFC3463",
  },
  {
    code: "X.3.0",
    summary: "Other or undefined mail system status",
    description: "The destination system accepts mail but something about it caused this status.",
    reference: "RFC3463",
  },
  {
    code: "X.3.1",
    summary: "Mail system full",
    description: "The destination system is out of storage (not one mailbox: the whole system).",
    reference: "RFC3463",
  },
  {
    code: "X.3.2",
    summary: "System not accepting network messages",
    description: "The host does not accept mail right now (shutting down, maintenance).",
    reference: "RFC3463",
  },
  {
    code: "X.3.3",
    summary: "System not capable of selected features",
    description: "Features the message asks for are not supported by the destination.",
    reference: "RFC3463",
  },
  {
    code: "X.3.4",
    summary: "Message too big for system",
    description: "The message is larger than the receiving system allows for any message.",
    reference: "RFC3463",
  },
  {
    code: "X.3.5",
    summary: "System incorrectly configured",
    description: "The receiving system is misconfigured and cannot deliver.",
    reference: "RFC3463",
  },
  {
    code: "X.3.6",
    summary: "Requested priority was changed",
    description: "The message was accepted at a different priority than requested.",
    reference: "RFC6710",
  },
  {
    code: "X.4.0",
    summary: "Other or undefined network or routing status",
    description: "Something in the network or routing caused this status.",
    reference: "RFC3463",
  },
  {
    code: "X.4.1",
    summary: "No answer from host",
    description: "The outbound connection attempt was not answered (host down or unreachable).",
    reference: "RFC3463",
  },
  {
    code: "X.4.2",
    summary: "Bad connection",
    description: "The connection was made but broke off or stayed unusable.",
    reference: "RFC3463",
  },
  {
    code: "X.4.3",
    summary: "Directory server failure",
    description: "A directory (usually DNS) lookup failed, so the next hop is unknown.",
    reference: "RFC3463",
  },
  {
    code: "X.4.4",
    summary: "Unable to route",
    description: "No route to the destination could be determined (no MX or address for it).",
    reference: "RFC3463",
  },
  {
    code: "X.4.5",
    summary: "Mail system congestion",
    description: "The mail system is congested and is holding messages back.",
    reference: "RFC3463",
  },
  {
    code: "X.4.6",
    summary: "Routing loop detected",
    description: "The message looped between systems (too many hops).",
    reference: "RFC3463",
  },
  {
    code: "X.4.7",
    summary: "Delivery time expired",
    description: "The message stayed undeliverable longer than the queue lifetime and was given up.",
    reference: "RFC3463",
  },
  {
    code: "X.5.0",
    summary: "Other or undefined protocol status",
    description: "Something in the mail protocol exchange caused this status.",
    reference: "RFC3463",
  },
  {
    code: "X.5.1",
    summary: "Invalid command",
    description: "A command was not recognised or not allowed at this point of the session.",
    reference: "RFC3463",
  },
  {
    code: "X.5.2",
    summary: "Syntax error",
    description: "A command could not be parsed.",
    reference: "RFC3463",
  },
  {
    code: "X.5.3",
    summary: "Too many recipients",
    description: "More recipients than the server accepts for one message.",
    reference: "RFC3463",
  },
  {
    code: "X.5.4",
    summary: "Invalid command arguments",
    description: "A command's arguments (a parameter, an extension keyword) were not acceptable.",
    reference: "RFC3463",
  },
  {
    code: "X.5.5",
    summary: "Wrong protocol version",
    description: "The protocol versions of the two systems do not work together.",
    reference: "RFC3463",
  },
  {
    code: "X.5.6",
    summary: "Authentication Exchange line is too long",
    description: "An AUTH exchange line exceeded the server's limit.",
    reference: "RFC4954",
  },
  {
    code: "X.6.0",
    summary: "Other or undefined media error",
    description: "Something about the content caused this status.",
    reference: "RFC3463",
  },
  {
    code: "X.6.1",
    summary: "Media not supported",
    description: "The media type of the message is not supported by a system on the path.",
    reference: "RFC3463",
  },
  {
    code: "X.6.2",
    summary: "Conversion required and prohibited",
    description: "The content must be converted to be delivered, but conversion is not allowed.",
    reference: "RFC3463",
  },
  {
    code: "X.6.3",
    summary: "Conversion required but not supported",
    description: "The content must be converted to be delivered, but no system can convert it.",
    reference: "RFC3463",
  },
  {
    code: "X.6.4",
    summary: "Conversion with loss performed",
    description: "The content was delivered after a conversion that lost information.",
    reference: "RFC3463",
  },
  {
    code: "X.6.5",
    summary: "Conversion Failed",
    description: "A needed conversion was attempted and failed.",
    reference: "RFC3463",
  },
  {
    code: "X.6.6",
    summary: "Message content not available",
    description: "The referenced content (BURL) could not be fetched.",
    reference: "RFC4468",
  },
  {
    code: "X.6.7",
    summary: "Non-ASCII addresses not permitted for that sender/recipient",
    description: "The path cannot carry internationalised (UTF-8) addresses for this sender or recipient.",
    reference: "RFC6531",
  },
  {
    code: "X.6.8",
    summary: "UTF-8 string reply is required, but not permitted by the SMTP client",
    description: "The server must reply with UTF-8 text the client did not allow.",
    reference: "RFC6531",
  },
  {
    code: "X.6.9",
    summary: "UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected",
    description: "The message has UTF-8 header fields and the next hop does not support SMTPUTF8.",
    reference: "RFC6531",
  },
  {
    code: "X.6.10",
    summary: "UTF-8 string reply is required, but not permitted by the SMTP client",
    description: "Registered in error as a duplicate of X.6.8; use X.6.8.",
    reference: "RFC6531",
  },
  {
    code: "X.7.0",
    summary: "Other or undefined security status",
    description: "Something about security or policy caused this status.",
    reference: "RFC3463",
  },
  {
    code: "X.7.1",
    summary: "Delivery not authorized, message refused",
    description:
      "The sender is not allowed to send to this recipient (policy, blocklist, relay refusal, per-recipient filtering).",
    reference: "RFC3463",
  },
  {
    code: "X.7.2",
    summary: "Mailing list expansion prohibited",
    description: "The sender may not send to this mailing list.",
    reference: "RFC3463",
  },
  {
    code: "X.7.3",
    summary: "Security conversion required but not possible",
    description: "Delivery needs a secure conversion the path cannot do.",
    reference: "RFC3463",
  },
  {
    code: "X.7.4",
    summary: "Security features not supported",
    description: "A security feature the message requires is not supported by the destination.",
    reference: "RFC3463",
  },
  {
    code: "X.7.5",
    summary: "Cryptographic failure",
    description: "A cryptographic operation (decryption, signature verification) failed.",
    reference: "RFC3463",
  },
  {
    code: "X.7.6",
    summary: "Cryptographic algorithm not supported",
    description: "The message uses a cryptographic algorithm the destination does not support.",
    reference: "RFC3463",
  },
  {
    code: "X.7.7",
    summary: "Message integrity failure",
    description: "The message was altered or corrupted on the way (integrity check failed).",
    reference: "RFC3463",
  },
  {
    code: "X.7.8",
    summary: "Authentication credentials invalid",
    description: "SMTP AUTH failed: the user name or password (or token) is not valid.",
    reference: "RFC4954",
  },
  {
    code: "X.7.9",
    summary: "Authentication mechanism is too weak",
    description: "The chosen AUTH mechanism is weaker than the server's policy allows.",
    reference: "RFC4954",
  },
  {
    code: "X.7.10",
    summary: "Encryption Needed",
    description: "The server requires an encrypted connection (TLS) for this.",
    reference: "RFC5248",
  },
  {
    code: "X.7.11",
    summary: "Encryption required for requested authentication mechanism",
    description: "This AUTH mechanism may only be used over an encrypted connection.",
    reference: "RFC4954",
  },
  {
    code: "X.7.12",
    summary: "A password transition is needed",
    description: "The user must change or set up the password (once, through another channel) before AUTH works.",
    reference: "RFC4954",
  },
  {
    code: "X.7.13",
    summary: "User Account Disabled",
    description: "The account is disabled or locked.",
    reference: "RFC5248",
  },
  {
    code: "X.7.14",
    summary: "Trust relationship required",
    description: "The two systems need a pre-arranged trust relationship for this.",
    reference: "RFC5248",
  },
  {
    code: "X.7.15",
    summary: "Priority Level is too low",
    description: "The requested priority is below what the server accepts now.",
    reference: "RFC6710",
  },
  {
    code: "X.7.16",
    summary: "Message is too big for the specified priority",
    description: "Messages of this size are not accepted at the requested priority.",
    reference: "RFC6710",
  },
  {
    code: "X.7.17",
    summary: "Mailbox owner has changed",
    description: "The mailbox changed owner since the time the sender asked about (RRVS).",
    reference: "RFC7293",
  },
  {
    code: "X.7.18",
    summary: "Domain owner has changed",
    description: "The domain changed owner since the time the sender asked about (RRVS).",
    reference: "RFC7293",
  },
  {
    code: "X.7.19",
    summary: "RRVS test cannot be completed",
    description: "The receiver cannot check the RRVS time for this recipient.",
    reference: "RFC7293",
  },
  {
    code: "X.7.20",
    summary: "No passing DKIM signature found",
    description: "The message carries no DKIM signature that validates.",
    reference: "RFC7372",
  },
  {
    code: "X.7.21",
    summary: "No acceptable DKIM signature found",
    description: "DKIM signatures validate, but none is acceptable under local policy (domain, algorithm).",
    reference: "RFC7372",
  },
  {
    code: "X.7.22",
    summary: "No valid author-matched DKIM signature found",
    description: "No valid DKIM signature matches the author (From:) domain.",
    reference: "RFC7372",
  },
  {
    code: "X.7.23",
    summary: "SPF validation failed",
    description: "The sending IP is not authorised by the sender domain's SPF record.",
    reference: "RFC7372",
  },
  {
    code: "X.7.24",
    summary: "SPF validation error",
    description: "The SPF check could not be completed (DNS error or broken SPF record).",
    reference: "RFC7372",
  },
  {
    code: "X.7.25",
    summary: "Reverse DNS validation failed",
    description: "The sending IP has no reverse DNS name, or it does not resolve back to the IP.",
    reference: "RFC7372",
  },
  {
    code: "X.7.26",
    summary: "Multiple authentication checks failed",
    description: "More than one authentication check (SPF, DKIM, DMARC, reverse DNS) failed.",
    reference: "RFC7372",
  },
  {
    code: "X.7.27",
    summary: "Sender address has null MX",
    description: "The sender's domain publishes a null MX, so it could never receive a reply or bounce.",
    reference: "RFC7505",
  },
  {
    code: "X.7.28",
    summary: "Mail flood detected",
    description: "The message is part of a flood of similar messages and was refused as abusive.",
    reference: "registry (expert review)",
  },
  {
    code: "X.7.29",
    summary: "ARC validation failure",
    description: "The message's ARC (Authenticated Received Chain) did not validate.",
    reference: "RFC8617",
  },
  {
    code: "X.7.30",
    summary: "REQUIRETLS support required",
    description: "The message demands REQUIRETLS and the next hop does not offer it, so it was not relayed.",
    reference: "RFC8689",
  },
];
