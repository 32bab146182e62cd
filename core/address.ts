/**
 * Mailbox syntax (RFC 5321 §4.1.2, with RFC 6531 SMTPUTF8): the check every
 * address passes before it may go on the wire, so a typo is a usage error
 * naming the address, never a server's 501 blamed on the server. An
 * internationalised domain is sent in its ASCII (A-label) form; a non-ASCII
 * local part needs the server's SMTPUTF8 extension and says so.
 */
import net from "node:net";
import { domainToASCII, domainToUnicode } from "node:url";
import { hasControl } from "./printable.ts";

/** A mailbox that passed the syntax check, in the form to send. */
export interface Mailbox {
  /** `local@domain` with the domain in ASCII: what goes between `<` and `>`. */
  address: string;
  local: string;
  /** ASCII (A-label) domain, or the address literal with its brackets. */
  domain: string;
  /** The domain as a person reads it (U-labels). */
  unicodeDomain: string;
  /** True when the local part is not ASCII: the server must offer SMTPUTF8. */
  smtputf8: boolean;
}

/** Why an address was refused, in words that name the part at fault. */
export type MailboxProblem = { ok: false; reason: string };

// RFC 5322 atext, plus any non-ASCII character (RFC 6531 UTF8-non-ascii).
const _ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+$/u;
// qtextSMTP / quoted-pairSMTP, plus non-ASCII.
const _QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10FFFF}]|\\[\x20-\x7e])*"$/u;
const _LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Local parts longer than this (octets) break RFC 5321 §4.5.3.1.1. */
export const MAX_LOCAL_OCTETS = 64;
/** A whole forward-path is at most 256 octets with its brackets. */
export const MAX_MAILBOX_OCTETS = 254;

/**
 * The usual address — an ASCII dot-atom local part of at most 64 characters,
 * one @, a domain of letters, digits, dots and hyphens — passes every check
 * before the domain's (no control character, comma, semicolon or angle
 * bracket, nothing to quote): parseMailbox skips them for it (a list of a
 * million is parsed in a send's start-up). Only the domain is checked.
 */
const _PLAIN = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*@[A-Za-z0-9.-]+$/;

/** Parses a mailbox; returns it or the reason it is not one. */
export function parseMailbox(input: string): Mailbox | MailboxProblem {
  const text = input.trim();
  const at = text.lastIndexOf("@");
  if (!(at <= MAX_LOCAL_OCTETS && _PLAIN.test(text))) {
    const problem = _shapeProblem(text, at);
    if (problem) return { ok: false, reason: problem };
  }
  const local = text.slice(0, at);
  const known = _domains.get(text.slice(at + 1), _domainOf);
  if ("ok" in known) return known;
  const { domain, unicodeDomain } = known;
  const address = `${local}@${domain}`;
  // At most three bytes a UTF-16 unit: a short address needs no count.
  if (address.length > MAX_MAILBOX_OCTETS / 3 && Buffer.byteLength(address, "utf8") > MAX_MAILBOX_OCTETS) {
    return { ok: false, reason: `it is longer than ${MAX_MAILBOX_OCTETS} octets` };
  }
  return {
    address,
    local,
    domain,
    unicodeDomain,
    // deno-lint-ignore no-control-regex
    smtputf8: /[^\x00-\x7f]/.test(local),
  };
}

/** What is wrong with `text` before its domain (`at`: its last @), if anything. */
function _shapeProblem(text: string, at: number): string | undefined {
  if (text === "") return "it is empty";
  if (hasControl(text)) return "it contains control characters";
  if (/[,;]/.test(text) && !text.startsWith('"')) {
    return "it holds more than one address: give one per flag (repeat the flag)";
  }
  if (/^<.*>$/.test(text)) return "leave out the angle brackets";
  if (at < 0) return "it has no @domain";
  if (at === 0) return "the part before @ is empty";
  return _localProblem(text.slice(0, at));
}

/** True when parseMailbox refused the input. */
export function isMailboxProblem(m: Mailbox | MailboxProblem): m is MailboxProblem {
  return (m as MailboxProblem).ok === false;
}

function _localProblem(local: string): string | undefined {
  if (Buffer.byteLength(local, "utf8") > MAX_LOCAL_OCTETS) {
    return `the part before @ is longer than ${MAX_LOCAL_OCTETS} octets`;
  }
  if (local.startsWith('"')) return _QUOTED.test(local) ? undefined : "the quoted part before @ is malformed";
  if (local.split(".").every((atom) => _ATOM.test(atom))) return undefined;
  if (/\.\./.test(local) || local.startsWith(".") || local.endsWith(".")) {
    return "the part before @ has an empty dot-separated part (.. or a leading/trailing dot)";
  }
  if (/\s/.test(local)) return "the part before @ contains a space (quote it if that is really meant)";
  return "the part before @ contains a character that needs quoting (such as @, ( ) [ ] \\ or a double quote)";
}

/**
 * Results by argument, for functions of a domain: a list names thousands of
 * recipients at a few domains, and converting each one's domain (IDNA both
 * ways) cost as much as the rest of its parse. Bounded: emptied when full.
 */
class _PerDomain<T> {
  #map = new Map<string, T>();
  get(key: string, compute: (key: string) => T): T {
    let value = this.#map.get(key);
    if (value === undefined) {
      if (this.#map.size >= 4096) this.#map.clear();
      value = compute(key);
      this.#map.set(key, value);
    }
    return value;
  }
}

const _domains = new _PerDomain<{ domain: string; unicodeDomain: string } | MailboxProblem>();
const _ascii = new _PerDomain<string>();

/** WHATWG's domainToASCII (what `new URL` and MailComposer apply), computed once per distinct domain. */
export function domainToAsciiOnce(domain: string): string {
  return _ascii.get(domain, domainToASCII);
}

/** A domain as sent (A-labels) and as a person reads it (U-labels), or why it is not one. */
function _domainOf(raw: string): { domain: string; unicodeDomain: string } | MailboxProblem {
  const domain = _domain(raw);
  if (typeof domain !== "string") return domain;
  // Only a name with an A-label reads differently in Unicode.
  const unicodeDomain = domain.startsWith("[") || !domain.includes("xn--") ? domain : domainToUnicode(domain) || domain;
  return { domain, unicodeDomain };
}

/** The ASCII domain or address literal, or why it is not one. */
function _domain(raw: string): string | MailboxProblem {
  if (raw === "") return { ok: false, reason: "the domain after @ is empty" };
  const literal = /^\[(IPv6:)?(.+)\]$/i.exec(raw);
  if (literal) {
    const ok = literal[1] ? net.isIPv6(literal[2] ?? "") : net.isIPv4(literal[2] ?? "");
    return ok ? raw : { ok: false, reason: "the address literal after @ is not [IPv4] or [IPv6:…]" };
  }
  if (raw.endsWith(".")) return { ok: false, reason: "the domain ends with a dot" };
  if (raw.split(".").some((label) => label === "")) {
    return { ok: false, reason: "the domain has an empty label (..)" };
  }
  // deno-lint-ignore no-control-regex
  const ascii = /[^\x00-\x7f]/.test(raw) ? domainToASCII(raw) : raw.toLowerCase();
  if (ascii === "") return { ok: false, reason: "the domain is not a valid internationalised name" };
  if (ascii.length > 253 || !ascii.split(".").every((label) => _LABEL.test(label))) {
    return { ok: false, reason: "the domain is not a valid host name (letters, digits and hyphens per label)" };
  }
  if (/^[\d.]+$/.test(ascii)) return { ok: false, reason: "a bare IP address needs brackets: user@[192.0.2.1]" };
  return ascii;
}
