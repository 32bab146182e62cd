/**
 * What each basic SMTP reply code means, as data (RFC 5321 section 4.2, with
 * the codes RFC 4954 adds for AUTH, RFC 7504 for hosts that take no mail and
 * RFC 3030 / 1870 usage). A code not listed is described by its first digit.
 */

/** Code → meaning. */
export const REPLY_CODE_MEANINGS: Readonly<Record<string, string>> = {
  "211": "System status, or system help reply",
  "214": "Help message",
  "220": "Service ready",
  "221": "Service closing transmission channel",
  "235": "Authentication succeeded",
  "250": "Requested mail action okay, completed",
  "251": "User not local; will forward",
  "252": "Cannot verify the user, but will accept the message and attempt delivery",
  "334": "Server challenge (AUTH continues)",
  "354": "Start mail input; end with <CRLF>.<CRLF>",
  "421": "Service not available, closing transmission channel",
  "432": "A password transition is needed",
  "450": "Requested mail action not taken: mailbox unavailable (busy or temporarily blocked)",
  "451": "Requested action aborted: local error in processing",
  "452": "Requested action not taken: insufficient system storage",
  "454": "Temporary authentication failure (or TLS not available)",
  "455": "Server unable to accommodate parameters",
  "500": "Syntax error, command unrecognized",
  "501": "Syntax error in parameters or arguments",
  "502": "Command not implemented",
  "503": "Bad sequence of commands",
  "504": "Command parameter not implemented",
  "521": "Host does not accept mail",
  "523": "Encryption needed",
  "530": "Authentication required",
  "534": "Authentication mechanism is too weak",
  "535": "Authentication credentials invalid",
  "538": "Encryption required for requested authentication mechanism",
  "550": "Requested action not taken: mailbox unavailable (not found, no access, or refused by policy)",
  "551": "User not local; please try the forward path",
  "552": "Requested mail action aborted: exceeded storage allocation",
  "553": "Requested action not taken: mailbox name not allowed",
  "554": "Transaction failed (or, as a greeting, no SMTP service here)",
  "555": "MAIL FROM/RCPT TO parameters not recognized or not implemented",
  "556": "Domain does not accept mail",
};

/** Meaning of the first digit, for codes without their own entry. */
export const REPLY_CLASS_MEANINGS: Readonly<Record<string, string>> = {
  "2": "Positive completion",
  "3": "Positive intermediate (more input expected)",
  "4": "Transient negative completion: try again later",
  "5": "Permanent negative completion: do not retry as is",
};

/** The meaning of a reply code (its own or its class's). */
export function replyCodeMeaning(code: number): string {
  return REPLY_CODE_MEANINGS[String(code)] ?? REPLY_CLASS_MEANINGS[String(code).charAt(0)] ?? "Not an SMTP reply code";
}
