/**
 * Many domains in one run: a fixed number of audits at a time over one
 * shared DNS cache (a name two domains both include — `_spf.google.com`, a
 * provider's MX — is asked once), each report handed over the moment it is
 * done, so a domain whose servers are slow holds one slot and never the
 * others' results. A domain that got no DNS answer at all becomes a report
 * with a `domain.dns-error` finding instead of ending the run.
 */
import { EnvironmentError } from "../errors.ts";
import { auditDomain, DOMAIN_SCHEMA, type DomainAuditOptions, type DomainReport } from "./audit.ts";
import { type CachedDns, cachedDns, type DnsClient, normalName } from "./dns.ts";
import { finding } from "./finding.ts";
import { orgDomain } from "./org-domain.ts";

/** Audits at a time unless told otherwise: enough to hide DNS latency, few enough to stay polite to resolvers. */
export const DEFAULT_CONCURRENCY = 10;

/** One domain of a batch, with the options that differ per domain (an SPF replay's identities). */
export type BatchEntry = Pick<DomainAuditOptions, "domain" | "ip" | "sender" | "helo">;

/** What the whole batch did. */
export interface BatchSummary {
  domains: number;
  /** Domains with at least one error finding. */
  failed: number;
  /** Domains for which no DNS query was answered at all. */
  unanswered: number;
  /** Queries that reached the resolver, for the whole batch (shared answers counted once). */
  queries: number;
  ms: number;
}

/** Options shared by every audit of the batch. */
export type BatchOptions = Omit<DomainAuditOptions, "domain" | "ip" | "sender" | "helo" | "cache" | "onProgress">;

/**
 * Audits `entries`, `concurrency` at a time, calling `onReport` with each
 * report as it completes (completion order, not input order).
 */
export async function auditMany(
  entries: readonly BatchEntry[],
  common: BatchOptions,
  inner: DnsClient,
  run: { concurrency?: number; onReport: (report: DomainReport) => void; onProgress?: (text: string) => void },
): Promise<BatchSummary> {
  const now = common.now ?? (() => performance.now());
  const started = now();
  const cache: CachedDns = cachedDns(inner, now);
  const width = Math.max(1, Math.min(run.concurrency ?? DEFAULT_CONCURRENCY, entries.length));
  let next = 0;
  let done = 0;
  let failed = 0;
  let unanswered = 0;
  const worker = async () => {
    for (;;) {
      const entry = entries[next++];
      if (entry === undefined) return;
      const report = await _auditOne(entry, common, cache, now).catch((err: unknown) => {
        if (!(err instanceof EnvironmentError)) throw err;
        unanswered++;
        return _unanswered(entry, (err as Error).message);
      });
      if (report.summary.errors > 0) failed++;
      run.onProgress?.(`${++done} of ${entries.length} domains done`);
      run.onReport(report);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  run.onProgress?.("");
  return { domains: entries.length, failed, unanswered, queries: cache.log.length, ms: Math.round(now() - started) };
}

function _auditOne(entry: BatchEntry, common: BatchOptions, cache: CachedDns, now: () => number) {
  return auditDomain({ ...common, ...entry, cache, now }, cache);
}

/** The report of a domain whose every query failed: one finding saying so. */
function _unanswered(entry: BatchEntry, message: string): DomainReport {
  const domain = normalName(entry.domain);
  return {
    schema: DOMAIN_SCHEMA,
    mode: "dns-lookups",
    domain,
    orgDomain: orgDomain(domain),
    findings: [finding("domain.dns-error", message)],
    checks: [],
    dkim: { selectors: [], guessed: false },
    dns: { queries: 0, ms: 0 },
    summary: { errors: 1, warnings: 0, info: 0 },
  };
}
