/**
 * Making untrusted or user-typed text safe to print. What a server, a
 * certificate, a DNS record, a bounce or a file says reaches a terminal only
 * through these functions: terminal controls (C0 and C1, among them ESC and
 * the one-byte CSI U+009B), the bidirectional embeddings, overrides and
 * isolates that reorder what is shown (U+202A–U+202E, U+2066–U+2069), line
 * and paragraph separators, and invisible characters are replaced by `·`.
 *
 * - `shown()`, `sanitize()` and `printable()` are for one value (a host, an
 *   address, a certificate subject, a reply line): they also replace line
 *   ends and the characters that make one name look like another (zero-width
 *   joiners and non-joiners, direction marks, soft hyphens, fillers).
 * - `terminalSafe()` is for a whole text output: line ends and tabs stay, and
 *   so do joiners and marks, which prose in some scripts needs.
 * - `jsonSafe()` is for a serialised JSON document: the value is kept, the
 *   same characters are written as `\uXXXX` escapes, so `--json` shown on a
 *   terminal cannot reorder or hide text either.
 */

const _C0_C1 = "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f";
/** Always unsafe besides C0/C1: line and paragraph separators, bidi embeddings/overrides/isolates, invisibles. */
const _FORMAT = "\\u2028-\\u202e\\u2066-\\u2069\\u200b\\u2060-\\u2064\\ufeff\\ufff9-\\ufffb\\u180e";
/** Unsafe inside one value: joiners, direction marks, soft hyphen, combining grapheme joiner, Hangul fillers. */
const _LOOKALIKE = "\\u00ad\\u034f\\u061c\\u115f\\u1160\\u200c-\\u200f\\u3164\\uffa0";
/** Tag characters (U+E0000–U+E007F), invisible, as UTF-16 surrogate pairs. */
const _TAGS = "\\udb40[\\udc00-\\udc7f]";

const _VALUE = new RegExp(`[\\n${_C0_C1}${_FORMAT}${_LOOKALIKE}]|${_TAGS}`, "g");
const _TEXT = new RegExp(`[${_C0_C1}${_FORMAT}]|${_TAGS}`, "g");
const _JSON = new RegExp(`[\\x7f-\\x9f${_FORMAT}${_LOOKALIKE}]|${_TAGS}`, "g");

/**
 * Replaces control, bidi-override and invisible characters (tab excepted) by
 * `·` so one untrusted value can be printed safely.
 */
export function sanitize(text: string): string {
  return text.replace(_VALUE, "·");
}

/**
 * A whole text output made safe for a terminal: line feeds and tabs stay;
 * other controls, bidi embeddings/overrides/isolates, separators and
 * invisible characters become `·`.
 */
export function terminalSafe(text: string): string {
  return text.replace(_TEXT, "·");
}

/**
 * A serialised JSON document with C1 controls, bidi and invisible characters
 * written as `\uXXXX` escapes (JSON.stringify already escapes C0): the
 * parsed value is unchanged. Those characters only occur inside strings.
 */
export function jsonSafe(json: string): string {
  return json.replace(_JSON, _escape);
}

/** `\uXXXX` for each UTF-16 code unit (a tag character is two). */
function _escape(c: string): string {
  let out = "";
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}

/**
 * True when text holds a character `sanitize` would replace, or a tab: a
 * name printed into a command a person copies (recipes) must not hide one.
 */
export function hasHidden(text: string): boolean {
  return text.includes("\t") || sanitize(text) !== text;
}

/** True when text holds control characters (CR, LF, ESC, NUL, tab…), which no flag value needs. */
export function hasControl(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\x00-\x1f\x7f-\x9f]/.test(text);
}

/** Sanitizes and shortens untrusted text for facts and transcripts. */
export function printable(text: string, max = 200): string {
  const clean = sanitize(text);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** How many characters of an echoed value are shown before it is cut. */
export const SHOWN_MAX = 60;

/**
 * A value echoed in a message: quoted, control and bidi characters made
 * visible as `·`, and cut after SHOWN_MAX characters with its full length
 * noted — `"x·[31m"`, `"aaaa…" (5000 characters)`.
 */
export function shown(value: unknown, max = SHOWN_MAX): string {
  const text = typeof value === "string" ? value : String(value);
  const chars = [...text];
  const clean = sanitize(chars.length > max ? chars.slice(0, max).join("") : text);
  return chars.length > max ? `"${clean}…" (${chars.length} characters)` : `"${clean}"`;
}
