/**
 * How the bounces that are not RFC 3464 reports (or whose report lacks the
 * details) are laid out, one entry per MTA, provider or appliance family,
 * as data (core/bounce/formats/). Each entry says how to recognise the
 * message (`detect`, tried on its main header fields and the first KiB of
 * its text), where the per-recipient part starts and ends, and how a
 * recipient line looks; the text between one recipient line and the next
 * is that recipient's diagnostic. A family without a recipient pattern of
 * its own uses the shapes every MTA family shares (GENERIC_RECIPIENT): an
 * address in angle brackets or quotes ending a line, "addr... reason",
 * ">>> RCPT TO:<addr>" then "<<< 550", "Recipient address: addr" and the
 * like. So an MTA nobody listed is still read by structure.
 *
 * Patterns run on at most MAX_FORMAT_TEXT characters of decoded text.
 */
import { APPLIANCE_FORMATS } from "./formats/appliances.ts";
import { JAPANESE_FORMATS } from "./formats/japan.ts";
import { MICROSOFT_FORMATS } from "./formats/microsoft.ts";
import { PROVIDER_FORMATS } from "./formats/providers.ts";
import { UNIX_FORMATS } from "./formats/unix-mtas.ts";
import { GENERIC_RECIPIENT, type MtaFormat, RETURNED_MESSAGE_MARKER } from "./formats/shapes.ts";

export { GENERIC_RECIPIENT, type MtaFormat, RETURNED_MESSAGE_MARKER };

/** Text sizes the format rules see. */
export const MAX_FORMAT_TEXT = 128 * 1024;

/** The families, most specific first (providers and appliances by their signature, then the MTAs), generic last. */
export const MTA_FORMATS: readonly MtaFormat[] = [
  ...JAPANESE_FORMATS,
  ...PROVIDER_FORMATS,
  ...APPLIANCE_FORMATS,
  ...MICROSOFT_FORMATS,
  ...UNIX_FORMATS,
  {
    id: "generic",
    name: "Unknown MTA",
    detect: /./,
    end: RETURNED_MESSAGE_MARKER,
  },
];

/**
 * Signs that a message without a report part is a bounce at all: who sent
 * it and what its subject says. Needed before the `generic` layout may
 * read addresses out of arbitrary text.
 */
export const BOUNCE_SIGNALS = {
  from:
    /mailer-daemon|postmaster|mail delivery (?:subsystem|system|service)|\bmdaemon\b|mail administrator|microsoftexchange|nobody@|bounces?@|returned[- ]mail|mail router|\bmail ?(?:daemon|gateway|server)\b/i,
  // The Japanese tail is エラー|不達|送信できません, escaped: the single binary's CLI asset stays ASCII.
  subject:
    /undeliver|returned (?:mail|to sender)|delivery (?:status notification|failure|failed|notification|report|problem)|failure notice|mail delivery failed|could not be delivered|non[- ]?remis|unzustellbar|nicht zustellbar|no entregado|non recapitabile|delivery has failed|message not delivered|rejected:|warning: (?:message|could not)|delayed mail|mail system error|mail could not be delivered|error sending mail|failed mail|returned message|bounced? mail|mail failure|delivery incomplete|unable to deliver|not delivered|\u30a8\u30e9\u30fc|\u4e0d\u9054|\u9001\u4fe1\u3067\u304d\u307e\u305b\u3093/i,
};
