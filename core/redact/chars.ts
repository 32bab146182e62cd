/**
 * Character classes of the redactor's hand-written scans, by UTF-16 code
 * unit. The scans walk runs of these classes with plain loops (each
 * character counted as one step), which is what keeps the redactor linear:
 * no pattern can try a long run again from every position inside it.
 */

/** JavaScript's `\s`. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Not `\s`. */
export function isNonSpace(c: number): boolean {
  return !isSpace(c);
}

/** `[A-Za-z]`. */
export function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** `[A-Za-z0-9]`. */
export function isAlnum(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57);
}

/** `\w`: `[A-Za-z0-9_]`. */
export function isWord(c: number): boolean {
  return isAlnum(c) || c === 95;
}

/** Standard base64 `[A-Za-z0-9+/]`. */
export function isBase64(c: number): boolean {
  return isAlnum(c) || c === 43 || c === 47;
}

/** A character of a bare `key=value` value: not space, not one of `,;&"'<>` (an `&` is judged apart). */
export function isBareValue(c: number): boolean {
  return !isSpace(c) && c !== 44 && c !== 59 && c !== 38 && c !== 34 && c !== 39 && c !== 60 && c !== 62;
}

/** What may continue a bare value past a window's end (an `&` too: masking more is the safe side). */
export function continuesBareValue(c: number): boolean {
  return isBareValue(c) || c === 38;
}

/** A URL query key `[A-Za-z0-9_.-]` (after `&`, it ends a value: `&user=`). */
export function isQueryKey(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 46 || c === 45;
}

/** A bearer token character `[A-Za-z0-9-._~+/]` (and `=` padding at its end). */
export function isTokenChar(c: number): boolean {
  return isAlnum(c) || c === 45 || c === 46 || c === 95 || c === 126 || c === 43 || c === 47;
}

/** A bearer token or its `=` padding. */
export function continuesToken(c: number): boolean {
  return isTokenChar(c) || c === 61;
}

/** A URL scheme character `[A-Za-z0-9+.-]`. */
export function isSchemeChar(c: number): boolean {
  return isAlnum(c) || c === 43 || c === 46 || c === 45;
}

/**
 * An atom character of an address's local part (RFC 5322 atext) but `=`, so
 * `sasl_username=alice@example.com` keeps its key.
 */
export function isAtext(c: number): boolean {
  return isAlnum(c) || (c < 128 && "!#$%&'*+/?^_`{|}~-".includes(String.fromCharCode(c)));
}

/**
 * The end of the run of `test` characters from `from` (exclusive), counting
 * one step per character looked at.
 */
export function runEnd(text: string, from: number, test: (c: number) => boolean, work: { steps: number }): number {
  let i = from;
  while (i < text.length && test(text.charCodeAt(i))) i++;
  work.steps += i - from + 1;
  return i;
}

/** The start of the run of `test` characters that ends just before `to`. */
export function runStart(text: string, to: number, test: (c: number) => boolean, work: { steps: number }): number {
  let i = to;
  while (i > 0 && test(text.charCodeAt(i - 1))) i--;
  work.steps += to - i + 1;
  return i;
}
