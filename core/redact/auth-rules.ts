/**
 * The SMTP AUTH exchange in a transcript or log: the payload of an
 * `AUTH MECH payload` command, and the bare SASL responses a client sends
 * after a `334` (base64 on a line of its own, after a transcript arrow or a
 * log prefix). The line redactor keeps one line of state between them.
 */
import { isBase64, isNonSpace, isSpace, runEnd, runStart } from "./chars.ts";
import type { Mask } from "./mask.ts";
import type { Work } from "./work.ts";

const _MECHS = "PLAIN|LOGIN|XOAUTH2|OAUTHBEARER|CRAM-MD5|CRAM-SHA1|SCRAM-SHA-1(?:-PLUS)?|SCRAM-SHA-256(?:-PLUS)?|" +
  "DIGEST-MD5|NTLM|GSSAPI|EXTERNAL|ANONYMOUS";
/** `AUTH` followed by a blank: where a command may start. */
const _AUTH = /\bAUTH(?=[ \t])/gi;
/** A mechanism name, matched where the blanks after `AUTH` end. */
const _MECH = new RegExp(`(?:${_MECHS})\\b`, "iy");
/** An EHLO capability line (`250-AUTH PLAIN LOGIN`): a list of mechanisms, not a payload. */
const _AUTH_CAPABILITY = /\b250[ -]AUTH\b/i;
/**
 * A server reply code in a transcript or log line (swaks, openssl, Postfix and Exim debug, smtpilot;
 * quoted as Python's smtplib logs it: `reply: b'334 VXNlcm5hbWU6\r\n'`).
 */
const _REPLY = /(?:^|[\s:>\]*~'"-])([2-5]\d\d)(?:[ -]|$)/;

/** Every pattern this file runs: each has a bounded match length (a test holds it to that). */
export const AUTH_PATTERNS: readonly RegExp[] = [_AUTH, _MECH, _AUTH_CAPABILITY, _REPLY];

/** True for an EHLO capability line that lists mechanisms. */
export function isAuthCapability(text: string, work: Work): boolean {
  work.steps += text.length;
  return _AUTH_CAPABILITY.test(text);
}

/**
 * Finds the first `AUTH MECH` command of a line; adds a mask for its
 * payload when it has one that looks like base64 (or `=`). Returns whether a
 * command was found (the exchange starts).
 */
export function authCommand(text: string, work: Work, out: Mask[]): boolean {
  _AUTH.lastIndex = 0;
  work.steps += text.length;
  for (let m = _AUTH.exec(text); m !== null; m = _AUTH.exec(text)) {
    _MECH.lastIndex = runEnd(text, m.index + 4, (c) => c === 32 || c === 9, work);
    const mech = _MECH.exec(text);
    if (!mech) continue;
    const after = mech.index + mech[0].length;
    const start = runEnd(text, after, (c) => c === 32 || c === 9 || c === 61, work);
    if (start === after) return true;
    const end = runEnd(text, start, isNonSpace, work);
    if (end > start && isBase64Payload(text, start, end, work)) {
      out.push({ start, end, kind: "auth", cont: isNonSpace });
    } else {
      // Quoted or escaped in a log (`send: 'AUTH PLAIN AGJv…\r\n'`, `{"msg":"C: AUTH PLAIN AGJv…"}`):
      // the payload ends where base64 does, before a closing quote, bracket or separator.
      const payload = _base64End(text, start, work);
      if (payload > start && _closesQuoted(text, payload)) out.push({ start, end: payload, kind: "auth" });
    }
    return true;
  }
  return false;
}

/** The reply code of a server reply line, if the line holds one. */
export function replyCode(text: string, work: Work): string | undefined {
  work.steps += text.length;
  return _REPLY.exec(text)?.[1];
}

/**
 * Adds a mask for a bare SASL response at the end of a line: padded base64
 * (a length that is a multiple of 4), `=` for an empty one or `*` to cancel,
 * after a blank or a transcript arrow — not after `:`, so `host:2525` is not one.
 */
export function saslResponse(text: string, work: Work, out: Mask[]): void {
  const last = runStart(text, text.length, isSpace, work);
  // A log that quotes or escapes what was sent (Python's smtplib: `send: 'SHVu…==\r\n'`; a JSON
  // log: `{"msg":"C: SHVu…=="}`) closes the response with a tail of quotes, brackets and escapes.
  const end = _quotedTailStart(text, last);
  const start = runStart(text, end, (c) => isBase64(c) || c === 61 || c === 42, work);
  if (start === end) return;
  const before = text.charCodeAt(start - 1);
  const quoted = end < last && (before === 39 || before === 34);
  if (start > 0 && !isSpace(before) && before !== 62 && !quoted) return;
  const one = end - start === 1 ? text[start] : undefined;
  // Padded base64: groups of four, at most two of the last one `=`.
  const ok = one === "=" || one === "*" || ((end - start) % 4 === 0 && isBase64Payload(text, start, end, work));
  if (ok) out.push({ start, end: end < last ? end : text.length, kind: "auth" });
}

/** A character that may close a quoted or bracketed value in a log line: `'"`,;)]}`. */
function _isCloser(c: number): boolean {
  return c === 39 || c === 34 || c === 96 || c === 44 || c === 59 || c === 41 || c === 93 || c === 125;
}

/** Where a closing tail of `_isCloser` characters and `\r`/`\n` escapes before `end` starts (`end` when none). */
function _quotedTailStart(text: string, end: number): number {
  let i = end;
  for (;;) {
    if (i > 0 && _isCloser(text.charCodeAt(i - 1))) i--;
    else if (i > 1 && text.charCodeAt(i - 2) === 92 && (text[i - 1] === "r" || text[i - 1] === "n")) i -= 2;
    else return i;
  }
}

/** Whether what follows a payload ending at `i` closes it: the line's end, a blank, a closer or an escape. */
function _closesQuoted(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  return isSpace(c) || _isCloser(c) || (c === 92 && (text[i + 1] === "r" || text[i + 1] === "n"));
}

/** The end of a base64 run from `start` and at most two `=` of padding. */
function _base64End(text: string, start: number, work: Work): number {
  const body = runEnd(text, start, isBase64, work);
  let end = body;
  while (end < text.length && end - body < 2 && text.charCodeAt(end) === 61) end++;
  return end;
}

/** `[A-Za-z0-9+/]+` followed by at most two `=`, or a lone `=`. */
function isBase64Payload(text: string, start: number, end: number, work: Work): boolean {
  if (end - start === 1 && text.charCodeAt(start) === 61) return true;
  return isBase64(text.charCodeAt(start)) && _base64End(text, start, work) === end;
}
