/**
 * Organisational domains for relaxed alignment, both ways receivers find
 * them: RFC 9989's DNS tree walk (the level whose record says psd=n, the one
 * below a psd=y, else the highest level with a DMARC record) and RFC 7489's
 * Public Suffix List. Each identity's domain is walked once over the run's
 * cached resolver; alignment is decided by RFC 9989 and the difference, when
 * there is one, is said.
 */
import type { DnsClient } from "../domain/dns.ts";
import { normalName } from "../domain/dns.ts";
import { discoverDmarc } from "../domain/dmarc-discovery.ts";
import { orgDomain as pslOrgDomain } from "../domain/org-domain.ts";

/** Both organisational domains of one domain. */
export interface OrgDomains {
  /** RFC 9989 (tree walk). */
  orgDomain: string;
  /** RFC 7489 (Public Suffix List). */
  pslOrgDomain: string;
}

/** Finds the organisational domains of each distinct domain; `known` holds ones already walked. */
export async function orgDomainsOf(
  dns: DnsClient,
  domains: readonly (string | undefined)[],
  known: ReadonlyMap<string, OrgDomains> = new Map(),
): Promise<Map<string, OrgDomains>> {
  const out = new Map(known);
  const todo = [...new Set(domains.filter((d): d is string => d !== undefined).map(normalName))]
    .filter((d) => !out.has(d));
  const walked = await Promise.all(todo.map((d) => discoverDmarc(dns, d)));
  walked.forEach((w) => out.set(w.domain, { orgDomain: w.orgDomain, pslOrgDomain: w.pslOrgDomain }));
  return out;
}

/** The organisational domains of `domain` from `orgs`, or both by the Public Suffix List when it was not walked. */
export function orgsOf(orgs: ReadonlyMap<string, OrgDomains>, domain: string): OrgDomains {
  const d = normalName(domain);
  return orgs.get(d) ?? { orgDomain: pslOrgDomain(d), pslOrgDomain: pslOrgDomain(d) };
}

/** Alignment of `a` with `b` in `mode`, by RFC 9989 and by RFC 7489. */
export function alignment(
  orgs: ReadonlyMap<string, OrgDomains>,
  a: string,
  b: string,
  mode: "r" | "s",
): { aligned: boolean; aligned7489: boolean } {
  if (mode === "s") {
    const same = normalName(a) === normalName(b);
    return { aligned: same, aligned7489: same };
  }
  const x = orgsOf(orgs, a);
  const y = orgsOf(orgs, b);
  return { aligned: x.orgDomain === y.orgDomain, aligned7489: x.pslOrgDomain === y.pslOrgDomain };
}
