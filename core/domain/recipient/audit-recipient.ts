/**
 * `smtpilot domain D --recipient`: the domain as mail arrives at it. Its MX
 * records (DNSSEC status included), its MTA-STS record and — only when asked
 * (`--fetch-policy`) — its policy over HTTPS, its TLS-RPT record, and for
 * each MX host a STARTTLS probe without mail and the verdict of a sender that
 * enforces MTA-STS and DANE (delivery.ts). Every DNS question carries the AD
 * bit, so each is asked once, for its DNSSEC status too.
 */
import { type CachedDns, cachedDns, type DnsClient, normalName } from "../dns.ts";
import { DOMAIN_SCHEMA, type DomainReport } from "../audit.ts";
import type { Finding } from "../finding.ts";
import { auditMtaSts, type PolicyFetcher } from "../mta-sts.ts";
import { auditMx } from "../mx.ts";
import { orgDomain } from "../org-domain.ts";
import { auditTlsRpt } from "../tls-rpt.ts";
import { judgeDelivery } from "./delivery.ts";
import { deliveryFindings } from "./delivery-findings.ts";

/** What to check. */
export interface RecipientAuditOptions {
  domain: string;
  /** Fetches the MTA-STS policy; absent: the policy is not fetched (and the mode line says so). */
  fetchPolicy?: (dns: DnsClient) => PolicyFetcher;
  /** The SMTP port to probe (25; a lab may listen elsewhere). */
  port: number;
  timeoutMs: number;
  /** Trusted CA certificates (PEM) instead of the system's, for the MX certificates. */
  ca?: string;
  ehloName?: string;
  /** The resolver as shown, and whether it runs on this host (a DANE MTA trusts only a local one). */
  resolver: { local: boolean; shown: string };
  onProgress?: (text: string) => void;
  now?: () => number;
  date?: () => Date;
  cache?: CachedDns;
}

/** Runs the recipient check. */
export async function auditRecipient(options: RecipientAuditOptions, inner: DnsClient): Promise<DomainReport> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const dns = options.cache ? options.cache.view() : cachedDns(inner, now, { dnssec: true });
  const domain = normalName(options.domain);
  const progress = options.onProgress ?? (() => {});
  progress(`looking up ${domain}'s MX, MTA-STS and TLS-RPT…`);
  const mx = await auditMx(dns, domain);
  const [sts, rpt] = await Promise.all([
    auditMtaSts(dns, domain, mx.hosts, options.fetchPolicy?.(dns)),
    auditTlsRpt(dns, domain),
  ]);
  progress(`probing ${mx.hosts.length} MX host(s) with STARTTLS (no mail)…`);
  const delivery = await judgeDelivery(dns, domain, sts.policy, {
    port: options.port,
    timeoutMs: options.timeoutMs,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.ehloName !== undefined ? { ehloName: options.ehloName } : {}),
    now: options.date?.() ?? new Date(),
  });
  progress("");
  const findings: Finding[] = [
    ...mx.findings,
    ...sts.findings,
    ...rpt,
    ...deliveryFindings(domain, delivery.mxStatus, delivery.hosts, options.resolver),
  ];
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  return {
    schema: DOMAIN_SCHEMA,
    mode: "connectivity-probe",
    reaches: [
      "dns",
      `smtp:${options.port} (EHLO, STARTTLS, QUIT)`,
      ...(options.fetchPolicy && sts.published ? [`https:mta-sts.${domain}`] : []),
    ],
    domain,
    orgDomain: orgDomain(domain),
    findings,
    checks: ["mx", "mta-sts", "tls-rpt", "dane"],
    dkim: { selectors: [], guessed: false },
    delivery: {
      port: options.port,
      mxDnssec: delivery.mxStatus,
      policyFetched: options.fetchPolicy !== undefined,
      ...(sts.policy ? { mtaSts: { mode: sts.policy.mode ?? "none", mx: sts.policy.mx } } : {}),
      hosts: delivery.hosts,
    },
    dns: { queries: dns.log.length, ms: Math.round(now() - started) },
    summary: { errors: count("error"), warnings: count("warning"), info: count("info") },
  };
}
