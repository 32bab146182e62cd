/**
 * Making untrusted or user-typed text safe to print: control characters
 * (terminal escapes, CR/LF) replaced, length bounded. `shown()` is the one
 * helper every error message uses to echo a value back.
 */

/**
 * Replaces control characters (C0 but tab, DEL and C1, which hold terminal
 * escape sequences) so untrusted text can be printed safely.
 */
export function sanitize(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, "·");
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
 * A value echoed in a message: quoted, control characters made visible as
 * `·`, and cut after SHOWN_MAX characters with its full length noted —
 * `"x·[31m"`, `"aaaa…" (5000 characters)`.
 */
export function shown(value: unknown, max = SHOWN_MAX): string {
  const text = typeof value === "string" ? value : String(value);
  const chars = [...text];
  const clean = sanitize(chars.length > max ? chars.slice(0, max).join("") : text);
  return chars.length > max ? `"${clean}…" (${chars.length} characters)` : `"${clean}"`;
}
