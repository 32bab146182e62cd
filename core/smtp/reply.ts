/**
 * A complete SMTP reply as read from the wire: the three-digit code, the
 * enhanced status code (RFC 3463) when the server sent one, and the text lines.
 */
export interface SmtpReply {
  /** Three-digit reply code, e.g. 250. */
  code: number;
  /** Enhanced status code such as "5.7.8", when present on the first line. */
  enhanced?: string;
  /** Text of every line with the code, separator and enhanced code removed. */
  lines: string[];
  /** The raw lines as received, without CRLF (for transcripts). */
  raw: string[];
}

const _ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

/** Parses the lines of one reply (already split and validated) into an SmtpReply. */
export function toReply(code: number, raw: string[]): SmtpReply {
  let enhanced: string | undefined;
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    let text = (raw[i] as string).slice(4);
    // A status code starts with its class digit: most text lines are passed over without a match.
    const c = text.charCodeAt(0);
    const m = c >= 0x32 && c <= 0x35 ? _ENHANCED.exec(text) : null;
    if (m) {
      if (i === 0) enhanced = m[0];
      text = text.slice(m[0].length).trimStart();
    }
    lines.push(text);
  }
  return enhanced === undefined ? { code, lines, raw } : { code, enhanced, lines, raw };
}

/** The reply's text as one line, for summaries and pattern matching. */
export function replyText(reply: SmtpReply): string {
  return reply.lines.join(" ").replace(/\s+/g, " ").trim();
}

/** The reply as the server said it, one line: "550 5.1.1 User unknown". */
export function replyLine(reply: SmtpReply): string {
  const enh = reply.enhanced ? ` ${reply.enhanced}` : "";
  const text = replyText(reply);
  return `${reply.code}${enh}${text ? ` ${text}` : ""}`;
}
