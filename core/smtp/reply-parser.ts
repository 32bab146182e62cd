/**
 * Incremental, bounded parser for SMTP replies. A server is untrusted input:
 * every buffer here has a ceiling, and anything that is not a well-formed
 * reply becomes a `ProtocolViolation` instead of an exception or a hang.
 */
import { printable, sanitize } from "../printable.ts";
import { type SmtpReply, toReply } from "./reply.ts";

export { printable, sanitize };

/** RFC 5321 allows 512 octets per reply line; real servers stay well below this ceiling. */
export const MAX_LINE_BYTES = 2048;
/** EHLO replies have ~20 lines; more than this is a server that never ends its reply. */
export const MAX_REPLY_LINES = 128;

/** Why the byte stream stopped being SMTP. */
export type ViolationKind =
  | "line-too-long"
  | "too-many-lines"
  | "not-a-reply"
  | "inconsistent-code"
  | "unsolicited-reply";

/** A protocol violation, with the offending line (truncated) for the report. */
export interface ProtocolViolation {
  kind: ViolationKind;
  line: string;
  /** True when the offending line is the very first the server sent. */
  first: boolean;
}

/** True when the character at `at` is an ASCII digit. */
function _isDigit(line: string, at: number): boolean {
  const c = line.charCodeAt(at);
  return c >= 0x30 && c <= 0x39;
}
const _EMPTY = Buffer.alloc(0);

/** Removes secrets from text; applied before anything is shortened, so no prefix of a secret survives. */
export type Redact = (text: string) => string;

/**
 * Feeds chunks in, emits complete replies out. After a violation it stays
 * failed: callers report it and close the connection.
 */
export class ReplyParser {
  #pending: Buffer = _EMPTY;
  #lines: string[] = [];
  #code = -1;
  #sawAnyLine = false;
  #violation: ProtocolViolation | undefined;
  readonly #redact: Redact;

  /** `redact` is applied to the copies kept for display (violations, pending text) before they are shortened. */
  constructor(redact: Redact = (t) => t) {
    this.#redact = redact;
  }

  /** The violation that stopped the parser, if any. */
  get violation(): ProtocolViolation | undefined {
    return this.#violation;
  }

  /** True while a reply has been started but not finished (or bytes wait for CRLF). */
  get midReply(): boolean {
    return this.#lines.length > 0 || this.#pending.length > 0;
  }

  /** The first bytes seen so far that did not form a line yet (for protocol sniffing). */
  get pendingText(): string {
    return this.#shown(this.#pending.toString("utf8"));
  }

  /** How many bytes wait for a line end (never more than MAX_LINE_BYTES). */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** Adds bytes; returns every reply they complete. */
  push(chunk: Buffer): SmtpReply[] {
    if (this.#violation) return [];
    // The usual chunk — a pipelined group's replies, whole lines, nothing waiting before them — is
    // decoded once and split as text; short enough that none of its lines can be too long. The
    // same replies as line by line: a line end is one byte that no UTF-8 sequence contains.
    if (this.#pending.length === 0 && chunk.length <= MAX_LINE_BYTES && chunk[chunk.length - 1] === 0x0a) {
      return this.#pushLines(chunk.toString("utf8"));
    }
    const out: SmtpReply[] = [];
    let buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) break;
      const end = nl > 0 && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      if (end > MAX_LINE_BYTES) return this.#fail("line-too-long", buf.subarray(0, end), out);
      // Parsed as received: redacting here would corrupt replies (a secret "250", a CRAM-MD5
      // challenge). Only the copies kept for display are redacted, before they are shortened.
      const line = sanitize(buf.subarray(0, end).toString("utf8"));
      buf = buf.subarray(nl + 1);
      const reply = this.#line(line);
      if (this.#violation) return out;
      if (reply) out.push(reply);
    }
    if (buf.length > MAX_LINE_BYTES) return this.#fail("line-too-long", buf, out);
    // Copy so a retained slice does not pin the (possibly large) original chunk; a chunk that
    // ended on a line end (the usual case) leaves nothing to copy.
    this.#pending = buf.length === 0 ? _EMPTY : Buffer.from(buf);
    return out;
  }

  /** The replies in `text`, whole lines each ended by LF (push's usual case). */
  #pushLines(text: string): SmtpReply[] {
    const out: SmtpReply[] = [];
    for (let from = 0; from < text.length;) {
      const nl = text.indexOf("\n", from);
      const end = nl > from && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      const reply = this.#line(sanitize(text.slice(from, end)));
      if (this.#violation) return out;
      if (reply) out.push(reply);
      from = nl + 1;
    }
    return out;
  }

  #line(line: string): SmtpReply | undefined {
    const first = !this.#sawAnyLine;
    this.#sawAnyLine = true;
    // `^(\d{3})(?:([ -])(.*))?$`: three ASCII digits, then nothing, a space or a hyphen.
    const sep = line.length === 3 ? 0x20 : line.charCodeAt(3);
    if (!_isDigit(line, 0) || !_isDigit(line, 1) || !_isDigit(line, 2) || (sep !== 0x20 && sep !== 0x2d)) {
      this.#violation = { kind: "not-a-reply", line: this.#shown(line), first };
      return undefined;
    }
    const code = (line.charCodeAt(0) - 0x30) * 100 + (line.charCodeAt(1) - 0x30) * 10 + line.charCodeAt(2) - 0x30;
    if (this.#lines.length > 0 && code !== this.#code) {
      this.#violation = { kind: "inconsistent-code", line: this.#shown(line), first };
      return undefined;
    }
    this.#code = code;
    const raw = line.length === 3 ? `${line} ` : line;
    if (sep === 0x2d) {
      this.#lines.push(raw);
      if (this.#lines.length >= MAX_REPLY_LINES) {
        this.#violation = { kind: "too-many-lines", line: this.#shown(line), first };
      }
      return undefined;
    }
    if (this.#lines.length === 0) return toReply(code, [raw]);
    this.#lines.push(raw);
    const reply = toReply(code, this.#lines);
    this.#lines = [];
    return reply;
  }

  /** A display copy of untrusted text: redacted first, then sanitised and shortened. */
  #shown(text: string): string {
    return printable(this.#redact(text));
  }

  #fail(kind: ViolationKind, sample: Buffer, out: SmtpReply[]): SmtpReply[] {
    // Redact the whole sample (bounded by the chunk) before shortening it, so no prefix of a secret survives.
    this.#violation = { kind, line: this.#shown(sample.toString("utf8")), first: !this.#sawAnyLine };
    this.#pending = Buffer.alloc(0);
    return out;
  }
}
