/**
 * The rules that recognise a credential without being told its value:
 * `password=…`-style settings, JSON `"password": "…"`, command-line password
 * flags, bearer and basic tokens, passwords in URLs and AWS secret keys.
 *
 * Each rule finds a short anchor with a pattern of bounded match length (a
 * key word, `://`, a flag), then walks the value with a loop. That shape is
 * what keeps them linear: the patterns they replace had an unbounded prefix
 * (`(?:[A-Za-z][A-Za-z0-9]*[_.-])*pass…`, `[a-z][a-z0-9+.-]*://`) that was
 * tried again from every position of a long run, so `a.a.a.…` took time
 * growing with the square of the line.
 */
import {
  continuesBareValue,
  continuesToken,
  isBareValue,
  isLetter,
  isNonSpace,
  isQueryKey,
  isSchemeChar,
  isSpace,
  isTokenChar,
  isWord,
  runEnd,
  runStart,
} from "./chars.ts";
import { type Mask, REDACTION } from "./mask.ts";
import type { Work } from "./work.ts";

const _KEY_WORD = "pass(?:word|wd|phrase)?|pwd|secret(?:[_-]?access[_-]?key|[_-]?key)?|" +
  "(?:access|refresh|id|auth|api|bearer)?[_-]?token|api[_-]?key|client[_-]?secret|auth[_-]?pass(?:word)?";
/** A key word that names a credential, not glued to a letter or digit before it (`smtp_password`, not `bypass`). */
const _KEY = new RegExp(`(?<![A-Za-z0-9])(?:${_KEY_WORD})`, "gi");
/** A JSON key (at most 256 characters) that ends in such a word. */
const _JSON_KEY = new RegExp(`(?:^|[_.-])(?:${_KEY_WORD})$`, "i");
/** Command-line flags that carry a password (swaks `-ap`, `--auth-password`, `--password`). */
const _FLAG = /(?<!\S)(?:--auth-password|-ap|--password|--pass)(?=[=\s])/g;
/** `Bearer <token>`, `Authorization: Basic <b64>`. */
const _BEARER = /\b(?:Bearer|Basic)(?=\s)/g;
/** An AWS access key id; a 40-character secret key on the same line is masked with it. */
const _AWS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/;
const _AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/** Values that name where a secret lives rather than being one. */
const _REFERENCE = /^(?:env|dotenv|cmd):/;

/** Every pattern this file runs: each has a bounded match length (a test holds it to that). */
export const CREDENTIAL_PATTERNS: readonly RegExp[] = [_KEY, _JSON_KEY, _FLAG, _BEARER, _AWS_KEY_ID, _AWS_SECRET];

/**
 * Adds a mask for every credential value in `text`. `awsKeyIdSeen` says an
 * AWS key id came earlier on the same line (a long line read in windows);
 * returns whether one is seen by the end of this text.
 */
export function credentialMasks(text: string, work: Work, out: Mask[], awsKeyIdSeen = false): boolean {
  const quotes = new _Quotes(text, work);
  _keyValues(text, work, out, quotes);
  _jsonValues(text, work, out);
  _flags(text, work, out, quotes);
  _bearer(text, work, out);
  _urlPasswords(text, work, out);
  work.steps += text.length;
  const aws = awsKeyIdSeen || _AWS_KEY_ID.test(text);
  if (aws) {
    work.steps += text.length;
    for (const m of text.matchAll(_AWS_SECRET)) out.push({ start: m.index, end: m.index + 40, kind: "credential" });
  }
  return aws;
}

/**
 * The closing quote of a quoted value. A search that finds none remembers
 * it, so a line with many opening quotes and no closing one is scanned once.
 */
class _Quotes {
  readonly #text: string;
  readonly #work: Work;
  readonly #noneAfter = new Map<string, number>();

  constructor(text: string, work: Work) {
    this.#text = text;
    this.#work = work;
  }

  /** The index of the next `quote` at or after `from`, or -1. */
  next(quote: string, from: number): number {
    const none = this.#noneAfter.get(quote);
    if (none !== undefined && from >= none) return -1;
    const at = this.#text.indexOf(quote, from);
    this.#work.steps += (at === -1 ? this.#text.length : at) - from + 1;
    if (at === -1) this.#noneAfter.set(quote, from);
    return at;
  }
}

/** `password=…`, `pass: …`, `smtp_pass = '…'`, `aws_secret_access_key=…` (not `secretRef:`, which names a reference). */
function _keyValues(text: string, work: Work, out: Mask[], quotes: _Quotes): void {
  _KEY.lastIndex = 0;
  work.steps += text.length;
  for (let m = _KEY.exec(text); m !== null; m = _KEY.exec(text)) {
    const i = runEnd(text, m.index + m[0].length, isSpace, work);
    const sep = text.charCodeAt(i);
    if (sep !== 61 && sep !== 58) continue;
    const v = runEnd(text, i + 1, isSpace, work);
    const q = text[v];
    let end: number;
    let cont: ((c: number) => boolean) | undefined;
    if (q === '"' || q === "'") {
      const close = quotes.next(q, v + 1);
      if (close === -1) continue;
      end = close + 1;
    } else {
      if (text.startsWith("===", v)) continue; // a Markdown underline, not a value
      end = _bareValueEnd(text, v, work);
      if (end === v) continue;
      cont = continuesBareValue;
    }
    const value = text.slice(v, Math.min(end, v + 12));
    _KEY.lastIndex = end;
    if (value === `"${REDACTION}"` || _REFERENCE.test(value) || (end - v === 6 && value === "prompt")) continue;
    out.push({ start: v, end, kind: "credential", ...(cont ? { cont } : {}) });
  }
}

/** The end of a bare value: an `&` ends it only where a URL query goes on (`&user=`); a password may hold one. */
function _bareValueEnd(text: string, from: number, work: Work): number {
  let i = from;
  for (;;) {
    i = runEnd(text, i, isBareValue, work);
    if (text.charCodeAt(i) !== 38) return i;
    const key = runEnd(text, i + 1, isQueryKey, work);
    if (key > i + 1 && text.charCodeAt(key) === 61) return i;
    i = key;
  }
}

/** `"password": "…"` in JSON: the string's content is masked, its quotes kept. */
function _jsonValues(text: string, work: Work, out: Mask[]): void {
  // The searches for the next quote move forward only: together they look at each character once.
  work.steps += text.length;
  let q = text.indexOf('"');
  while (q !== -1) {
    const k = runEnd(text, q + 1, (c) => isQueryKey(c), work);
    if (text.charCodeAt(k) !== 34) {
      q = text.indexOf('"', k);
      continue;
    }
    const key = k - q - 1 <= 256 ? text.slice(q + 1, k) : "";
    work.steps += key.length;
    let i = runEnd(text, k + 1, isSpace, work);
    if (key === "" || !_JSON_KEY.test(key) || text.charCodeAt(i) !== 58) {
      q = k;
      continue;
    }
    i = runEnd(text, i + 1, isSpace, work);
    if (text.charCodeAt(i) !== 34) {
      q = k;
      continue;
    }
    let j = i + 1;
    while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
    work.steps += j - i;
    // Unterminated: every later key's closing quote would have ended this string, so there is none.
    if (j >= text.length) return;
    out.push({ start: i + 1, end: j, kind: "credential" });
    q = text.indexOf('"', j + 1);
  }
}

/** `--auth-password X`, `-ap X`, `--password=X` (not `-ap "$VAR"`: a shell variable is a reference). */
function _flags(text: string, work: Work, out: Mask[], quotes: _Quotes): void {
  _FLAG.lastIndex = 0;
  work.steps += text.length;
  for (let m = _FLAG.exec(text); m !== null; m = _FLAG.exec(text)) {
    const after = m.index + m[0].length;
    const v = text[after] === "=" ? after + 1 : runEnd(text, after, isSpace, work);
    if (text[v] === "$" || (text[v] === '"' && text[v + 1] === "$")) continue;
    const q = text[v];
    let end = q === '"' || q === "'" ? quotes.next(q, v + 1) + 1 : 0;
    let cont: ((c: number) => boolean) | undefined;
    if (end === 0) {
      end = runEnd(text, v, isNonSpace, work);
      cont = isNonSpace;
    }
    if (end === v) continue;
    _FLAG.lastIndex = end;
    if (text.slice(v, end) === REDACTION) continue;
    out.push({ start: v, end, kind: "credential", ...(cont ? { cont } : {}) });
  }
}

/** `Bearer <token>` and `Basic <b64>`: a token of at least 8 characters. */
function _bearer(text: string, work: Work, out: Mask[]): void {
  _BEARER.lastIndex = 0;
  work.steps += text.length;
  for (let m = _BEARER.exec(text); m !== null; m = _BEARER.exec(text)) {
    const start = runEnd(text, m.index + m[0].length, isSpace, work);
    const body = runEnd(text, start, isTokenChar, work);
    if (body - start < 8) continue;
    const end = runEnd(text, body, (c) => c === 61, work);
    out.push({ start, end, kind: "credential", cont: continuesToken });
    _BEARER.lastIndex = end;
  }
}

/** A URL with a password: `smtp://user:pass@host` (the scheme starts with a letter at a word boundary). */
function _urlPasswords(text: string, work: Work, out: Mask[]): void {
  for (let at = text.indexOf("://"); at !== -1; at = text.indexOf("://", at + 3)) {
    work.steps += 3;
    const from = runStart(text, at, isSchemeChar, work);
    let scheme = false;
    for (let i = from; i < at && !scheme; i++) {
      scheme = isLetter(text.charCodeAt(i)) && (i === 0 || !isWord(text.charCodeAt(i - 1)));
    }
    work.steps += at - from;
    if (!scheme) continue;
    const user = runEnd(text, at + 3, (c) => isNonSpace(c) && c !== 47 && c !== 58 && c !== 64, work);
    if (text.charCodeAt(user) !== 58) continue;
    const end = runEnd(text, user + 1, (c) => isNonSpace(c) && c !== 64 && c !== 47, work);
    if (end === user + 1 || text.charCodeAt(end) !== 64) continue;
    out.push({ start: user + 1, end, kind: "credential" });
  }
}
