/**
 * SPF macros (RFC 7208 §7): `%{s}`, `%{ir}.%{v}._spf.%{d2}` and kin. Checked
 * when a record is parsed (a malformed macro is a syntax error), expanded
 * when a term is evaluated. `c`, `r` and `t` exist only in explanation text;
 * an upper-case letter URL-escapes the value; a domain that ends up longer
 * than 253 characters loses labels on the left until it fits (§7.3).
 */

const _LETTERS = "slodiphcrtv";
const _EXP_ONLY = "crt";
const _MACRO = /%(?:\{([A-Za-z])(\d*)(r?)([-.+,/_=]*)\}|([%_-]))/gi;

/** Values the macros stand for; `p` is looked up only when used. */
export interface MacroContext {
  sender: string;
  local: string;
  senderDomain: string;
  domain: string;
  ip: string;
  /** `%{i}` form of the IP (dotted quad, or nibbles for IPv6). */
  ipMacro: string;
  /** "in-addr" or "ip6". */
  v: string;
  helo: string;
  /** The validated host name of the client (`%{p}`), resolved lazily. */
  p(): Promise<string>;
  /** `%{r}`: the checking host's name. */
  receiver: string;
  /** `%{t}`: seconds since the epoch. */
  now: number;
}

/** Why `text` is not a valid macro-string (allowing c/r/t when `exp`), or undefined. */
export function checkMacroString(text: string, exp = false): string | undefined {
  let i = 0;
  while (i < text.length) {
    const pct = text.indexOf("%", i);
    if (pct === -1) break;
    _MACRO.lastIndex = pct;
    const m = _MACRO.exec(text);
    if (!m || m.index !== pct) return `invalid macro at ${JSON.stringify(text.slice(pct, pct + 8))}`;
    const letter = m[1]?.toLowerCase();
    if (letter !== undefined) {
      if (!_LETTERS.includes(letter)) return `unknown macro letter %{${m[1]}}`;
      if (!exp && _EXP_ONLY.includes(letter)) return `%{${m[1]}} is allowed only in exp= text`;
      if (m[2] !== "" && Number(m[2]) === 0) return `%{${m[1]}${m[2]}…}: the digit transformer must be at least 1`;
    }
    i = pct + m[0].length;
  }
  return undefined;
}

/** True when the text contains a macro at all (most domain-specs do not). */
export function hasMacro(text: string): boolean {
  return text.includes("%");
}

/**
 * Expands a macro-string that `checkMacroString` accepted. A domain-spec is
 * then shortened to at most 253 characters by dropping labels on the left.
 */
export async function expandMacros(text: string, ctx: MacroContext, asDomain: boolean): Promise<string> {
  if (!hasMacro(text)) return text;
  let out = "";
  let last = 0;
  for (const m of text.matchAll(new RegExp(_MACRO.source, "gi"))) {
    out += text.slice(last, m.index);
    last = (m.index ?? 0) + m[0].length;
    if (m[5] !== undefined) {
      out += m[5] === "%" ? "%" : m[5] === "_" ? " " : "%20";
      continue;
    }
    const letter = m[1] ?? "s";
    const value = await _value(letter.toLowerCase(), ctx);
    const delimiters = m[4] || ".";
    let parts = value.split(new RegExp(`[${delimiters.replace(/[-\\\]^]/g, "\\$&")}]`));
    if (m[3]) parts = parts.reverse();
    if (m[2]) parts = parts.slice(Math.max(0, parts.length - Number(m[2])));
    const joined = parts.join(".");
    out += letter !== letter.toLowerCase() ? _urlEscape(joined) : joined;
  }
  out += text.slice(last);
  if (asDomain) {
    while (out.length > 253 && out.includes(".")) out = out.slice(out.indexOf(".") + 1);
  }
  return out;
}

async function _value(letter: string, ctx: MacroContext): Promise<string> {
  switch (letter) {
    case "s":
      return ctx.sender;
    case "l":
      return ctx.local;
    case "o":
      return ctx.senderDomain;
    case "d":
      return ctx.domain;
    case "i":
      return ctx.ipMacro;
    case "p":
      return await ctx.p();
    case "v":
      return ctx.v;
    case "h":
      return ctx.helo;
    case "c":
      return ctx.ip;
    case "r":
      return ctx.receiver;
    case "t":
      return String(ctx.now);
    default:
      return "";
  }
}

/** RFC 3986 escaping of everything but the unreserved characters, as §7.3 asks for upper-case macros. */
function _urlEscape(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}
