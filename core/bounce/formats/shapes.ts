/**
 * What a bounce layout is, and the pieces every family shares: the address
 * pattern, where the returned message starts, and the recipient-line shapes
 * MTAs have used for decades. Families list only what differs.
 */

/** One layout. */
export interface MtaFormat {
  id: string;
  name: string;
  /** The message is this family's bounce when this matches its main header fields and the start of its text. */
  detect: RegExp;
  /** The recipients' section starts after the first match (default: the start of the text). */
  start?: RegExp;
  /** …and ends before the first match after the start (default: the returned message's marker). */
  end?: RegExp;
  /** A recipient line; the first defined capture group is the address. Must carry the g and m flags. Default: GENERIC_RECIPIENT. */
  recipient?: RegExp;
}

/** An address as bounces write it (bounded: untrusted text). */
export const ADDR = String.raw`[^\s<>()"',;:\[\]]{1,128}@[A-Za-z0-9._-]{1,253}[A-Za-z0-9]`;

/** Where the returned message starts in the text of most bounces (its headers follow). */
export const RETURNED_MESSAGE_MARKER =
  /^[ \t]*-{2,}[ \t]*(?:this is a copy of|the header of the original|below this line is a copy|below is a copy|enclosed are the original|original message(?: follows| header)?|message header follows|undelivered message|returned mail|forwarded message|unsent message follows|returned message follows|message headers? follows?)|^(?:original message follows|original message headers?:?|message headers follow|below is a copy of the original message)|^Received: from \S+ (?:\(|by )|^[ \t]*-{5,}[ \t]*original message|^(?:Return-Path|Received|Message-ID|From|To|Subject|Date):[^\n]*\n(?:(?:Return-Path|Received|Message-ID|From|To|Subject|Date|MIME-Version|Content-Type):[^\n]*\n){2}/im;

/**
 * The recipient-line shapes shared by every family, tried together: the
 * first defined capture group is the address.
 *
 * 1. `<addr>:` or `<addr>` alone, or followed by a reply code (Postfix, qmail, OpenSMTPD, Courier);
 * 2. `"addr":` (GMX, 1&1 and other Exim-derived gateways);
 * 3. an address alone on an indented line, or followed by "on <date>" (Exim, Exchange 2003, Domino);
 * 4. `addr... reason` and `550 <addr>... reason` (Sendmail, old and new);
 * 5. `>>> RCPT TO:<addr>` in a quoted SMTP dialogue (Sendmail, Courier, InterScan "Sent <<<");
 * 6. a label, then the address: "Recipient address:", "Failed to deliver to", "Could not be delivered
 *    to:", "Unable to deliver message to:", "RCPT TO:", "Unknown user:", "Original-Recipient:"…;
 * 7. `addr, ERROR CODE :550` (Zoho) and `addr: 550 …` on one line (OpenSMTPD, James);
 * 8. `>>> addr` (list managers and gateways that quote the recipient);
 * 9. a short label and the address alone after it ("Mailbox full: addr", IMail).
 */
export const GENERIC_RECIPIENT = new RegExp(
  [
    String.raw`^[ \t]*<(${ADDR})>(?::|[ \t]*$|[ \t]+[45]\d\d\b|[ \t]*\()`,
    String.raw`^[ \t]*"(${ADDR})":?[ \t]*$`,
    String.raw`^[ \t]{0,12}'?(${ADDR})'?:?(?:[ \t]+on[ \t]+\d[^\n]{0,60})?[ \t]*$`,
    String.raw`^[ \t]*(?:[45]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}[ \t])?)?<?(${ADDR})>?\.\.\.[ \t]`,
    String.raw`(?:>>>|<<<|Sent <<<)[ \t]*RCPT TO:?[ \t]*<(${ADDR})>`,
    String
      .raw`(?:recipient address|intended recipients?|failed to deliver to|could not be delivered to|not be delivered to|unable to deliver (?:message |mail )?to|delivery to (?:the following recipient )?failed(?: for)?|undeliverable to|unknown user|original-recipient|final-recipient|rcpt to|failed recipient|invalid recipient|recipient)[ \t]*:?[ \t]*(?:rfc822;[ \t]*)?['"<]?(${ADDR})`,
    String.raw`^[ \t]*<?(${ADDR})>?(?:,[ \t]*ERROR CODE|:[ \t]+[45]\d\d[ -])`,
    String.raw`^>>>[ \t]*<?(${ADDR})>?`,
    String.raw`^[A-Z][A-Za-z ]{2,40}:[ \t]*<?(${ADDR})>?[ \t]*$`,
  ].join("|"),
  "gim",
);
