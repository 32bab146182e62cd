/**
 * Organisational domains (RFC 7489 §3.2): the registrable domain under the
 * Public Suffix List, private section included — so `alice.github.io` and
 * `bob.github.io` are different organisations, as receivers treat them.
 * The list comes from tldts, which ships it.
 */
import { getDomain } from "tldts";
import { normalName } from "./dns.ts";

/** The organisational domain of a name; the name itself when it is a public suffix or unknown. */
export function orgDomain(name: string): string {
  const n = normalName(name);
  return getDomain(n, { allowPrivateDomains: true }) ?? n;
}

/** True when two names have the same organisational domain (DMARC relaxed alignment). */
export function sameOrg(a: string, b: string): boolean {
  return orgDomain(a) === orgDomain(b);
}
