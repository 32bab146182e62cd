/**
 * Finding the DMARC record that applies to a domain, two ways:
 *
 * - RFC 9989 (which obsoletes RFC 7489): the DNS tree walk. `_dmarc.<domain>`,
 *   then one label less at a time (a name of 8 labels or more first drops to
 *   7), up to and including the top-level label — at most 8 queries. The
 *   first level with exactly one valid record is the policy record. The
 *   organisational domain comes from the same walk: the level whose record
 *   says `psd=n`, the level just below one saying `psd=y`, else the level with
 *   the fewest labels that has a record, else the domain itself.
 * - RFC 7489, as receivers not yet updated still do it: `_dmarc.<domain>`,
 *   then `_dmarc.<organisational domain>` under the Public Suffix List.
 *
 * Both are computed from one walk (the 7489 names are on its path), so the
 * audit can say exactly where the two kinds of receiver decide differently.
 */
import { type DnsClient, normalName, recordsOf } from "./dns.ts";
import { type DmarcRecord, parseDmarc } from "./dmarc-record.ts";
import { orgDomain as pslOrgDomain } from "./org-domain.ts";

/** One level of the walk: the name asked and what it held. */
export interface DmarcLevel {
  domain: string;
  /** `_dmarc.<domain>`. */
  name: string;
  /** The TXT strings that start with v=DMARC1. */
  texts: string[];
  /** The record, when there is exactly one. */
  record?: DmarcRecord;
  /** The lookup failed (a temporary error). */
  error?: string;
}

/** Where each kind of receiver finds the policy, and the organisational domains. */
export interface DmarcDiscovery {
  domain: string;
  /** Every level asked, from the domain up. */
  levels: DmarcLevel[];
  /** RFC 9989: the level whose record applies. */
  policy?: DmarcLevel;
  /** RFC 9989's organisational domain (tree walk). */
  orgDomain: string;
  /** RFC 7489's organisational domain (Public Suffix List). */
  pslOrgDomain: string;
  /** RFC 7489: the level whose record applies (the domain's own, or the PSL organisational domain's). */
  policy7489?: DmarcLevel;
  /** A lookup failed before any record was found: receivers get a temporary error. */
  error?: { name: string; code: string };
}

/** The most queries a walk makes (RFC 9989 §4.10.1). */
export const MAX_WALK = 8;

/** The names a tree walk from `domain` asks about, in order. */
export function walkTargets(domain: string): string[] {
  let labels = normalName(domain).split(".").filter((l) => l !== "");
  const out: string[] = [];
  while (labels.length > 0 && out.length < MAX_WALK) {
    out.push(labels.join("."));
    labels = labels.length >= 8 ? labels.slice(labels.length - 7) : labels.slice(1);
  }
  return out;
}

/** Walks the tree above `domain` and works out both receivers' answers. */
export async function discoverDmarc(dns: DnsClient, domain: string): Promise<DmarcDiscovery> {
  const d = normalName(domain);
  const psl = pslOrgDomain(d);
  const targets = walkTargets(d);
  if (!targets.includes(psl)) targets.push(psl);
  // Every level is asked at once: a walk is a handful of queries, and the organisational domain needs them all.
  const levels = await Promise.all(targets.map((t) => _level(dns, t)));
  const walk = levels.filter((l) => l.domain !== psl || walkTargets(d).includes(psl));
  const firstError = walk.findIndex((l) => l.error !== undefined);
  const firstRecord = walk.findIndex((l) => l.record !== undefined);
  const stop = firstError !== -1 && (firstRecord === -1 || firstError < firstRecord) ? walk[firstError] : undefined;
  const own = levels[0];
  const orgLevel = levels.find((l) => l.domain === psl);
  const policy7489 = own?.record !== undefined
    ? own
    : psl !== d && orgLevel?.record !== undefined
    ? orgLevel
    : undefined;
  return {
    domain: d,
    levels: walk,
    ...(firstRecord !== -1 && !stop ? { policy: walk[firstRecord] } : {}),
    orgDomain: _orgDomain(d, walk),
    pslOrgDomain: psl,
    ...(policy7489 ? { policy7489 } : {}),
    ...(stop?.error !== undefined ? { error: { name: stop.name, code: stop.error } } : {}),
  };
}

/** RFC 9989 §4.10.2 on the levels of one walk. */
function _orgDomain(domain: string, levels: readonly DmarcLevel[]): string {
  const labels = domain.split(".");
  let fewest: string | undefined;
  for (const [i, level] of levels.entries()) {
    const r = level.record;
    if (!r) continue;
    if (r.psd === "n") return level.domain;
    if (r.psd === "y" && i > 0) {
      const below = labels.slice(labels.length - level.domain.split(".").length - 1).join(".");
      return below;
    }
    fewest = level.domain;
  }
  return fewest ?? domain;
}

async function _level(dns: DnsClient, domain: string): Promise<DmarcLevel> {
  const name = `_dmarc.${domain}`;
  const answer = await dns.query(name, "TXT");
  if (answer.status === "error") return { domain, name, texts: [], error: answer.code };
  const texts = recordsOf(answer).map((t) => t.join("")).filter((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t));
  return { domain, name, texts, ...(texts.length === 1 ? { record: parseDmarc(texts[0] ?? "", name, domain) } : {}) };
}

/** True when a domain exists for np= (RFC 9989): any of A, AAAA or MX answers other than NXDOMAIN. */
export async function domainExists(dns: DnsClient, domain: string): Promise<boolean> {
  const answers = await Promise.all([dns.query(domain, "A"), dns.query(domain, "AAAA"), dns.query(domain, "MX")]);
  return answers.some((a) => a.status !== "nxdomain");
}
