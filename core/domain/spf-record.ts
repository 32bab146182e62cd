/**
 * SPF record syntax (RFC 7208 §4.5, §4.6, §12 ABNF): selecting the one
 * `v=spf1` record among a name's TXT strings, and parsing it into terms with
 * the position of each, so a syntax error names the column it starts at. A
 * record with any syntax error is not evaluated at all (§4.6: permerror),
 * which is why the whole record is parsed before anything is looked up.
 */
import { checkMacroString } from "./spf-macro.ts";

/** A directive's qualifier: pass, fail, softfail, neutral. */
export type Qualifier = "+" | "-" | "~" | "?";

/** The mechanisms RFC 7208 defines. */
export type MechanismName = "all" | "include" | "a" | "mx" | "ptr" | "ip4" | "ip6" | "exists";

/** A mechanism with its qualifier and arguments. */
export interface SpfMechanism {
  kind: "mechanism";
  qualifier: Qualifier;
  name: MechanismName;
  /** The unexpanded domain-spec (include, exists, and optionally a, mx, ptr). */
  domainSpec?: string;
  /** The network of ip4/ip6. */
  ip?: string;
  /** Prefix lengths: ip4 and the IPv4 part of a/mx, ip6 and the IPv6 part of a/mx. */
  cidr4?: number;
  cidr6?: number;
  /** The term as written, and its 0-based column in the record. */
  text: string;
  position: number;
}

/** A modifier: `redirect=`, `exp=` or one SPF ignores. */
export interface SpfModifier {
  kind: "modifier";
  name: string;
  value: string;
  text: string;
  position: number;
}

/** A parsed record. */
export interface SpfRecord {
  text: string;
  terms: (SpfMechanism | SpfModifier)[];
  redirect?: SpfModifier;
  exp?: SpfModifier;
}

/** A syntax error: what is wrong, the offending term, and its 0-based column. */
export interface SpfSyntaxError {
  message: string;
  term: string;
  position: number;
}

const _VERSION = /^v=spf1(?: |$)/i;
const _MODIFIER = /^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$/s;
const _MECHANISM = /^([-+~?]?)(all|include|a|mx|ptr|ip4|ip6|exists)(?=$|[:/])(.*)$/is;
const _CIDR = "(?:0|[1-9][0-9]?[0-9]?)";
const _DUAL_CIDR = new RegExp(`^(.*?)(?:/(${_CIDR}))?(?://(${_CIDR}))?$`, "s");
const _IP4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const _IP6 = /^[0-9A-Fa-f:.]+$/;
// domain-end = "." toplabel ["."] / macro-expand (RFC 7208 §7.1)
const _TOPLABEL = /\.(?:[0-9A-Za-z]*[A-Za-z][0-9A-Za-z]*|[0-9A-Za-z]+-[0-9A-Za-z-]*[0-9A-Za-z])\.?$/;
const _MACRO_END = /%\{[^}]*\}$|%[-_%]$/;

/** True for a TXT string set that is an SPF record (`v=spf1` then a space or the end). */
export function isSpfText(text: string): boolean {
  return _VERSION.test(text);
}

/** Joins a TXT record's character-strings the way RFC 7208 §3.3 says: with nothing between them. */
export function joinTxt(strings: readonly string[]): string {
  return strings.join("");
}

/** Parses a record already selected by `isSpfText`; returns the record or its first syntax error. */
export function parseSpf(text: string): SpfRecord | SpfSyntaxError {
  const record: SpfRecord = { text, terms: [] };
  const bad = /[^\x20-\x7e]/.exec(text);
  if (bad) return _error("a character SPF does not allow (control or non-ASCII)", text, bad.index);
  let pos = 6;
  while (pos < text.length) {
    if (text[pos] === " ") {
      pos++;
      continue;
    }
    const end = text.indexOf(" ", pos);
    const term = text.slice(pos, end === -1 ? text.length : end);
    const parsed = _term(term, pos);
    if ("message" in parsed) return parsed;
    if (parsed.kind === "modifier") {
      const name = parsed.name.toLowerCase();
      if (name === "redirect" || name === "exp") {
        if (record[name]) return _error(`the ${name}= modifier appears twice`, term, pos);
        record[name] = parsed;
      }
    }
    record.terms.push(parsed);
    pos += term.length;
  }
  return record;
}

/** True when parseSpf failed. */
export function isSyntaxError(r: SpfRecord | SpfSyntaxError): r is SpfSyntaxError {
  return "message" in r;
}

function _error(message: string, term: string, position: number): SpfSyntaxError {
  return { message, term, position };
}

function _term(term: string, position: number): SpfMechanism | SpfModifier | SpfSyntaxError {
  const mod = _MODIFIER.exec(term);
  if (mod) {
    const name = mod[1] ?? "";
    const value = mod[2] ?? "";
    const lower = name.toLowerCase();
    const problem = lower === "redirect" || lower === "exp" ? _domainSpecProblem(value) : checkMacroString(value);
    if (problem) return _error(`${name}=: ${problem}`, term, position);
    return { kind: "modifier", name, value, text: term, position };
  }
  const m = _MECHANISM.exec(term);
  if (!m) return _error("not a known mechanism or a modifier", term, position);
  const qualifier = (m[1] || "+") as Qualifier;
  const name = (m[2] ?? "").toLowerCase() as MechanismName;
  const rest = m[3] ?? "";
  const base = { kind: "mechanism" as const, qualifier, name, text: term, position };
  const fail = (why: string) => _error(`${name}: ${why}`, term, position);
  switch (name) {
    case "all":
      return rest === "" ? base : fail("takes no argument");
    case "include":
    case "exists": {
      if (!rest.startsWith(":") || rest.length === 1) return fail("needs :domain");
      const problem = _domainSpecProblem(rest.slice(1));
      return problem ? fail(problem) : { ...base, domainSpec: rest.slice(1) };
    }
    case "ptr": {
      if (rest === "") return base;
      if (!rest.startsWith(":") || rest.length === 1) return fail("takes only :domain");
      const problem = _domainSpecProblem(rest.slice(1));
      return problem ? fail(problem) : { ...base, domainSpec: rest.slice(1) };
    }
    case "a":
    case "mx": {
      const c = _DUAL_CIDR.exec(rest);
      const spec = c?.[1] ?? "";
      const cidr4 = c?.[2] === undefined ? undefined : Number(c[2]);
      const cidr6 = c?.[3] === undefined ? undefined : Number(c[3]);
      if (cidr4 !== undefined && cidr4 > 32) return fail("IPv4 prefix length over 32");
      if (cidr6 !== undefined && cidr6 > 128) return fail("IPv6 prefix length over 128");
      if (spec !== "" && (!spec.startsWith(":") || spec.length === 1)) return fail("expected :domain or /prefix");
      const domainSpec = spec === "" ? undefined : spec.slice(1);
      const problem = domainSpec === undefined ? undefined : _domainSpecProblem(domainSpec);
      if (problem) return fail(problem);
      return {
        ...base,
        ...(domainSpec !== undefined ? { domainSpec } : {}),
        ...(cidr4 !== undefined ? { cidr4 } : {}),
        ...(cidr6 !== undefined ? { cidr6 } : {}),
      };
    }
    case "ip4": {
      const c = /^:([^/]*)(?:\/(\d+))?$/.exec(rest);
      if (!c || !_IP4.test(c[1] ?? "")) return fail("expected ip4:a.b.c.d[/prefix]");
      if (c[2] !== undefined && (!new RegExp(`^${_CIDR}$`).test(c[2]) || Number(c[2]) > 32)) {
        return fail("invalid IPv4 prefix length");
      }
      return { ...base, ip: c[1], ...(c[2] !== undefined ? { cidr4: Number(c[2]) } : {}) };
    }
    case "ip6": {
      const c = /^:([^/]*)(?:\/(\d+))?$/.exec(rest);
      const ip = c?.[1] ?? "";
      if (!c || !_IP6.test(ip) || !_isIp6(ip)) return fail("expected ip6:address[/prefix]");
      if (c[2] !== undefined && (!new RegExp(`^${_CIDR}$`).test(c[2]) || Number(c[2]) > 128)) {
        return fail("invalid IPv6 prefix length");
      }
      return { ...base, ip, ...(c[2] !== undefined ? { cidr6: Number(c[2]) } : {}) };
    }
  }
}

function _isIp6(ip: string): boolean {
  // node:net is not imported here to keep this file free of I/O modules; URL parsing validates IPv6 literals.
  try {
    return new URL(`http://[${ip}]/`).hostname !== "";
  } catch {
    return false;
  }
}

/** Why a domain-spec is not one (bad macro, or no valid domain-end), or undefined when it is. */
function _domainSpecProblem(spec: string): string | undefined {
  const macro = checkMacroString(spec);
  if (macro) return macro;
  if (!_TOPLABEL.test(spec) && !_MACRO_END.test(spec)) {
    return `${JSON.stringify(spec)} does not end in a valid top label`;
  }
  return undefined;
}
