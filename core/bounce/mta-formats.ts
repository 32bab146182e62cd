/**
 * How the bounces that are not RFC 3464 reports (or whose report lacks the
 * details) are laid out, one entry per MTA or provider, as data. Each entry
 * says how to recognise the text (`detect`), where the per-recipient part
 * starts and ends, and how a recipient line looks; the text between one
 * recipient line and the next is that recipient's diagnostic. Written from
 * the wording each program produces (Postfix, Exim, Sendmail, qmail and
 * vpopmail, Courier, Lotus/HCL Domino, Exchange and Microsoft 365, Gmail,
 * Yahoo, Amazon SES), tried in this order; `generic` catches the rest.
 *
 * Patterns run on at most MAX_FORMAT_TEXT characters of decoded text.
 */

/** One layout. */
export interface MtaFormat {
  id: string;
  name: string;
  /** The text is this MTA's bounce when this matches. */
  detect: RegExp;
  /** The recipients' section starts after the first match (default: the start of the text). */
  start?: RegExp;
  /** …and ends before the first match after the start (default: the end of the text). */
  end?: RegExp;
  /** A recipient line; the first defined capture group is the address. Must carry the g and m flags. */
  recipient: RegExp;
}

const _ADDR = String.raw`[^\s<>()"',;:]{1,128}@[A-Za-z0-9._-]{1,253}`;

/** Text sizes the format rules see. */
export const MAX_FORMAT_TEXT = 128 * 1024;

/** Where the returned message starts in the text of most bounces (its headers follow). */
export const RETURNED_MESSAGE_MARKER =
  /^[ \t]*-{2,}[ \t]*(?:this is a copy of|the header of the original|below this line is a copy|enclosed are the original|original message(?: follows| header)?|message header follows|undelivered message|returned mail|forwarded message)/im;

/** The layouts, most specific first. */
export const MTA_FORMATS: readonly MtaFormat[] = [
  {
    id: "postfix",
    name: "Postfix",
    detect:
      /^This is the mail system at host |^\s*The mail system\s*$|^I'm sorry to have to inform you that your message could not/m,
    start: /^\s*The mail system\s*$/m,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(String.raw`^<(${_ADDR})>(?: \(expanded from <[^>]{0,256}>\))?:`, "gm"),
  },
  {
    id: "exim",
    name: "Exim",
    detect:
      /This message was created automatically by mail delivery software|^A message that you sent (?:could not be delivered|has not yet been delivered)|The following address\(es\) failed:/m,
    start:
      /following address(?:\(es\))? (?:failed|are still in the queue|have been delayed):?|address(?:es)? to which the message has not yet been delivered (?:is|are):|could not be delivered to one or more of its\s+recipients|has not yet been delivered to one or more of its\s+recipients/i,
    end:
      /^[ \t]*-{2,}[ \t]*this is a copy of|^[ \t]*-{2,}[ \t]*the header of the original|^No action is required on your part/im,
    recipient: new RegExp(String.raw`^ {1,4}<?(${_ADDR})>?(?: <[^>]{0,256}>)?:?[ \t]*$`, "gm"),
  },
  {
    id: "sendmail",
    name: "Sendmail",
    detect:
      /-{3,} The following addresses had (?:permanent fatal|transient non-fatal) errors -{3,}|-{3,} Transcript of session follows -{3,}/,
    start: /-{3,} The following addresses had (?:permanent fatal|transient non-fatal) errors -{3,}/,
    end: /-{3,} (?:Original message|Message header|Message body|Returned message) follows/,
    recipient: new RegExp(String.raw`^\s*<?(${_ADDR})>?\s*(?:\(expanded from: [^)]{0,256}\))?\s*$`, "gm"),
  },
  {
    id: "qmail",
    name: "qmail",
    detect:
      /This is the qmail-send program at |I'm afraid I wasn't able to deliver your message to the following addresses/,
    start: /wasn't able to deliver your message to the following addresses|qmail-send program at/,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(String.raw`^<(${_ADDR})>:\s*`, "gm"),
  },
  {
    id: "yahoo",
    name: "Yahoo",
    detect:
      /Sorry, we were unable to deliver your message to the following address|This is the mail delivery agent at .{0,80}yahoo/i,
    start: /unable to deliver your message to the following address/i,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(String.raw`^<(${_ADDR})>:`, "gm"),
  },
  {
    id: "courier",
    name: "Courier",
    detect: /running the Courier mail server|Courier mail server at /i,
    start: /cannot be delivered:|could not be delivered to the following|following recipients? (?:cannot|could not)/i,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(String.raw`^<(${_ADDR})>:?\s*$`, "gm"),
  },
  {
    id: "domino",
    name: "Lotus/HCL Domino",
    detect: /was not delivered to:\s+\S+@|Domino Directory|Lotus Domino/i,
    start: /was not delivered to:/i,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(String.raw`^\s*<?(${_ADDR})>?\s*$`, "gm"),
  },
  {
    id: "exchange",
    name: "Exchange / Microsoft 365 / Outlook.com",
    detect:
      /Delivery has failed to these recipients or groups|Your message (?:did not reach some or all of the intended recipients|to .{1,200} couldn't be delivered)|Diagnostic information for administrators|The following recipient\(s\) (?:cannot|could not) be reached|Generating server:/i,
    start:
      /Delivery has failed to these recipients or groups|The following recipient\(s\) (?:cannot|could not) be reached|Your message to .{1,200} couldn't be delivered|Diagnostic information for administrators/i,
    end: /^\s*Original message headers:|^-{2,}\s*Original message|^Received: from /im,
    recipient: new RegExp(
      String
        .raw`^\s*'?<?(${_ADDR})>?'?(?:<mailto:[^>]{1,256}>)?(?:\s+\([^)]{0,256}\))?(?:\s+on\s+\d[^\n]{0,60})?\s*$|^Your message to (${_ADDR}) couldn't be delivered`,
      "gm",
    ),
  },
  {
    id: "gmail",
    name: "Gmail",
    detect:
      /Delivery to the following recipients? (?:failed|has been delayed)|Your message wasn't delivered to |The response (?:from the remote server )?was:|Google tried to deliver your message|Message not delivered/,
    start:
      /Delivery to the following recipients? (?:failed|has been delayed)[^\n]*|Your message wasn't delivered to(?= )|Message not delivered/,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(
      String.raw`^\s{2,}<?(${_ADDR})>?\s*$|^\s?(${_ADDR}) because|^Your message wasn't delivered to (${_ADDR})`,
      "gm",
    ),
  },
  {
    id: "ses",
    name: "Amazon SES",
    detect: /An error occurred while trying to deliver the mail to the following recipients/i,
    start: /to the following recipients:/i,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(String.raw`^\s*<?(${_ADDR})>?\s*$`, "gm"),
  },
  {
    id: "generic",
    name: "Unknown MTA",
    detect: /./,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(String.raw`^\s*<?(${_ADDR})>?:?\s*$|(?:to|for|recipient:?)\s+<(${_ADDR})>`, "gim"),
  },
];

/**
 * Signs that a message without a report part is a bounce at all: who sent
 * it and what its subject says. Needed before the `generic` layout may
 * read addresses out of arbitrary text.
 */
export const BOUNCE_SIGNALS = {
  from:
    /mailer-daemon|postmaster|mail delivery (?:subsystem|system|service)|\bmdaemon\b|mail administrator|microsoftexchange|nobody@|bounces?@|returned[- ]mail/i,
  subject:
    /undeliver|returned (?:mail|to sender)|delivery (?:status notification|failure|failed|notification|report|problem)|failure notice|mail delivery failed|could not be delivered|non[- ]?remis|unzustellbar|nicht zustellbar|no entregado|non recapitabile|delivery has failed|message not delivered|rejected:|warning: (?:message|could not)|delayed mail|mail system error/i,
};
