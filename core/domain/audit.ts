/**
 * The domain audit: SPF, DKIM, DMARC, MX, PTR, MTA-STS, TLS-RPT and BIMI of
 * one sender domain, every check started at once over one cached resolver
 * (so independent lookups run in parallel and none is made twice), findings
 * gathered in check order into the `smtpilot.domain/1` document. DNS lookups
 * only: no connection to a mail server, no mail.
 */
import { EnvironmentError } from "../errors.ts";
import { type CachedDns, cachedDns, type DnsClient, normalName } from "./dns.ts";
import { auditDkimKeys, COMMON_SELECTORS } from "./dkim-key.ts";
import { dkimSignatures, splitMessage, verifyDkim } from "./dkim-verify.ts";
import { type DmarcLookup, lookupDmarc } from "./dmarc.ts";
import { auditBimi } from "./bimi.ts";
import { type Finding, finding } from "./finding.ts";
import { auditMtaSts, type PolicyFetcher } from "./mta-sts.ts";
import { auditMx } from "./mx.ts";
import { orgDomain } from "./org-domain.ts";
import { auditPtr } from "./ptr.ts";
import { auditSpf } from "./spf-audit.ts";
import { domainProblem, type SpfResult, type SpfTraceEntry } from "./spf-check.ts";
import type { SpfNode } from "./spf-tree.ts";
import { auditTlsRpt } from "./tls-rpt.ts";
import type { DnssecStatus } from "./recipient/dane.ts";
import type { MxDelivery } from "./recipient/delivery.ts";

/** Version tag of the audit document. */
export const DOMAIN_SCHEMA = "smtpilot.domain/1";

/** The checks an audit can run, as `--only` names them. */
export const DOMAIN_CHECKS = ["spf", "dkim", "dmarc", "mx", "ptr", "mta-sts", "tls-rpt", "bimi", "dane"] as const;
/** One check. */
export type DomainCheck = typeof DOMAIN_CHECKS[number];
/** The checks of a sender audit (DANE is about receiving: `--recipient`). */
export const SENDER_CHECKS: readonly DomainCheck[] = DOMAIN_CHECKS.filter((c) => c !== "dane");

/** Layers below envelope: a failure there is about the connection, TLS or the account, never DNS records. */
export const BELOW_ENVELOPE: readonly string[] = ["dns", "tcp", "greeting", "tls", "ehlo", "auth"];

/** What to audit. */
export interface DomainAuditOptions {
  domain: string;
  ip?: string;
  sender?: string;
  helo?: string;
  selectors?: readonly string[];
  /** A message file's bytes: its DKIM-Signature gives selectors and is verified. */
  message?: Buffer;
  /** Fetches the MTA-STS policy over HTTPS; absent means the policy is not fetched. */
  fetchPolicy?: (dns: DnsClient) => PolicyFetcher;
  /**
   * The last check of the profile the domain sends through, when it failed
   * below envelope: the report then says first that no DNS change fixes it.
   */
  lastFailure?: { profile: string; layer: string; code?: string; date: string };
  /** Run only these checks (default: all). */
  only?: readonly DomainCheck[];
  onProgress?: (check: string) => void;
  now?: () => number;
  /** A cache shared with other audits of the run (a batch): answers are reused, each audit logs its own queries. */
  cache?: CachedDns;
}

/** The SPF include tree as the document shows it. */
export interface SpfTreeView {
  domain: string;
  via: string;
  status: SpfNode["status"];
  record?: string;
  lookups: number;
  children: SpfTreeView[];
}

/** The `smtpilot.domain/1` document. */
export interface DomainReport {
  schema: typeof DOMAIN_SCHEMA;
  /** `dns-lookups` for a sender audit; `connectivity-probe` for `--recipient` (SMTP without mail, HTTPS when asked). */
  mode: "dns-lookups" | "connectivity-probe";
  /** What a connectivity probe contacted beyond DNS. */
  reaches?: string[];
  domain: string;
  /** The organisational domain: by the RFC 9989 tree walk when DMARC was checked, else by the Public Suffix List. */
  orgDomain: string;
  findings: Finding[];
  /**
   * check_host() for `--ip`: the identities evaluated (as given; `sender` is
   * empty for a bounce, when the HELO domain is checked), the result, the
   * domain's explanation for a fail, and the trace.
   */
  spf?: {
    ip: string;
    sender: string;
    helo: string;
    /** The identity check_host() evaluated and its domain. */
    identity: "mailfrom" | "helo";
    domain: string;
    result: SpfResult;
    explanation?: string;
    trace: SpfTraceEntry[];
  };
  /** The SPF include tree (absent when SPF was not checked). */
  spfTree?: { lookups: number; voidLookups: number; tree: SpfTreeView };
  /** The checks that ran. */
  checks: DomainCheck[];
  dkim: { selectors: string[]; guessed: boolean };
  /**
   * The record an RFC 9989 receiver applies (`where` it was found by the tree
   * walk, the effective `policy`), and what a receiver still on RFC 7489
   * finds and applies instead.
   */
  dmarc?: {
    record: string;
    where: string;
    policy: string;
    fallback: boolean;
    rfc7489: { orgDomain: string; where?: string; policy?: string; pct: number; differences: string[] };
  };
  /** `--recipient`: each MX host's verdict for a sender enforcing MTA-STS and DANE. */
  delivery?: {
    port: number;
    mxDnssec: DnssecStatus;
    policyFetched: boolean;
    mtaSts?: { mode: string; mx: string[] };
    hosts: MxDelivery[];
  };
  dns: { queries: number; ms: number };
  summary: { errors: number; warnings: number; info: number };
}

/**
 * Failures the resolver answered with: the resolver works, a zone behind it
 * does not (a receiver gets the same temperror), so they do not mean "no
 * DNS at all".
 */
const _ANSWERED = ["ESERVFAIL", "ENOTIMP", "EFORMERR"];

/** Runs every check of the audit. */
export async function auditDomain(options: DomainAuditOptions, inner: DnsClient): Promise<DomainReport> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const dns = options.cache ? options.cache.view() : cachedDns(inner, now);
  const domain = normalName(options.domain);
  const progress = options.onProgress ?? (() => {});
  const message = options.message ? splitMessage(options.message) : undefined;
  const signatures = message ? dkimSignatures(message.headers) : [];
  const fromMessage = [...new Set(signatures.filter((s) => s.domain === domain).map((s) => s.selector))];
  const guessed = (options.selectors ?? []).length === 0 && fromMessage.length === 0;
  const selectors = (options.selectors ?? []).length > 0
    ? [...new Set(options.selectors)]
    : fromMessage.length > 0
    ? fromMessage
    : [...COMMON_SELECTORS];

  // A replayed identity that is not a domain name has nothing to audit but its SPF result (none).
  const only = domainProblem(domain) === undefined ? options.only ?? SENDER_CHECKS : ["spf"];
  const want = (c: DomainCheck) => only === undefined || only.includes(c);
  const skip = <T>(value: T) => Promise.resolve(value);
  const noSpf = { tree: undefined, lookups: 0, voidLookups: 0, findings: [], check: undefined };
  const noMx = { hosts: [], records: [], nxdomain: false, findings: [] };
  let done = 0;
  const check = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const result = await run();
    progress(`${++done} checks done (${name})`);
    return result;
  };
  progress(`looking up ${domain}…`);
  // The identities check_host() evaluates: as given, else what a receiver assumes for the domain.
  const client = options.ip === undefined
    ? undefined
    : { ip: options.ip, sender: options.sender ?? `postmaster@${domain}`, helo: options.helo ?? domain };
  const spfP = !want("spf") ? skip(noSpf) : check("SPF", () => auditSpf(dns, domain, client));
  const dkimP = !want("dkim")
    ? skip({ keys: [], findings: [] })
    : check("DKIM", () => auditDkimKeys(dns, domain, selectors, guessed));
  const signedP = !want("dkim") ? skip([]) : check("DKIM signatures", async () => {
    if (!message) return [];
    if (signatures.length === 0) return [finding("dkim.no-signature", "The message has no DKIM-Signature header")];
    const results = await Promise.all(signatures.map((s) => verifyDkim(dns, message.headers, message.body, s)));
    return results.map((r) => {
      const ev = [`d=${r.signature.domain} s=${r.signature.selector} a=${r.signature.algorithm}`, r.detail];
      if (r.result === "pass") {
        return finding("dkim.signature-valid", `The DKIM signature by ${r.signature.domain} verifies`, ev);
      }
      if (r.result === "body-hash-mismatch") {
        return finding("dkim.body-hash-mismatch", "The message body changed after it was signed", ev);
      }
      if (r.result === "temperror") return finding("domain.dns-error", `The DKIM key lookup failed: ${r.detail}`, ev);
      return finding(
        "dkim.signature-invalid",
        `The DKIM signature by ${r.signature.domain} does not verify: ${r.detail}`,
        ev,
      );
    });
  });
  const dmarcP = !want("dmarc") && !want("bimi")
    ? skip({ fallback: false, findings: [] } as DmarcLookup)
    : check("DMARC", () => lookupDmarc(dns, domain));
  const mxP = !want("mx") && !want("mta-sts") ? skip(noMx) : check("MX", () => auditMx(dns, domain));
  const ptrP = !want("ptr") || options.ip === undefined
    ? skip([])
    : check("PTR", () => auditPtr(dns, options.ip ?? ""));
  const stsP = !want("mta-sts")
    ? skip({ findings: [], published: false })
    : check("MTA-STS", async () => auditMtaSts(dns, domain, (await mxP).hosts, options.fetchPolicy?.(dns)));
  const rptP = !want("tls-rpt") ? skip([]) : check("TLS-RPT", () => auditTlsRpt(dns, domain));
  const bimiP = !want("bimi") ? skip([]) : check("BIMI", async () => auditBimi(dns, domain, await dmarcP));
  const [spf, dkim, signed, dmarc, mx, ptr, sts, rpt, bimi] = await Promise.all([
    spfP,
    dkimP,
    signedP,
    dmarcP,
    mxP,
    ptrP,
    stsP,
    rptP,
    bimiP,
  ]);
  progress("");
  if (dns.log.length > 0 && dns.log.every((q) => q.status === "error" && !_ANSWERED.includes(q.code ?? ""))) {
    const codes = [...new Set(dns.log.map((q) => q.code ?? "error"))].join(", ");
    throw new EnvironmentError(`No DNS query was answered (${codes}): check the resolver or the network`, "E_DNS");
  }

  const findings: Finding[] = [];
  const failure = options.lastFailure;
  if (failure && BELOW_ENVELOPE.includes(failure.layer)) {
    findings.push(finding(
      "domain.fix-connection-first",
      `The last check of profile ${failure.profile} failed at ${failure.layer}${
        failure.code ? ` (${failure.code})` : ""
      }: no change to these DNS records fixes a connection, TLS or authentication failure — fix that first`,
      [`profile ${failure.profile}: last check ${failure.date} failed at ${failure.layer}`],
      { fix: `smtpilot diagnose --profile ${failure.profile}` },
    ));
  }
  if (mx.nxdomain && spf.tree?.nxdomain === true) {
    findings.push(finding("domain.nxdomain", `${domain} does not exist in DNS`, [`${domain}: NXDOMAIN`]));
  }
  findings.push(
    ...spf.findings,
    ...dkim.findings,
    ...signed,
    ...(want("dmarc") ? dmarc.findings : []),
    ...(want("mx") ? mx.findings : []),
    ...ptr,
    ...sts.findings,
    ...rpt,
    ...bimi,
  );
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  return {
    schema: DOMAIN_SCHEMA,
    mode: "dns-lookups",
    domain,
    orgDomain: dmarc.discovery?.orgDomain ?? orgDomain(domain),
    findings,
    ...(spf.check
      ? {
        spf: {
          ip: client?.ip ?? "",
          sender: client?.sender ?? "",
          helo: client?.helo ?? "",
          identity: spf.check.identity,
          domain: spf.check.domain,
          result: spf.check.result,
          ...(spf.check.explanation !== undefined ? { explanation: spf.check.explanation } : {}),
          trace: spf.check.trace,
        },
      }
      : {}),
    ...(spf.tree ? { spfTree: { lookups: spf.lookups, voidLookups: spf.voidLookups, tree: _view(spf.tree) } } : {}),
    checks: DOMAIN_CHECKS.filter(want),
    dkim: { selectors, guessed },
    ...(dmarc.record && dmarc.policy && dmarc.rfc7489
      ? {
        dmarc: {
          record: dmarc.record.text,
          where: dmarc.record.name,
          policy: dmarc.policy,
          fallback: dmarc.fallback,
          rfc7489: dmarc.rfc7489,
        },
      }
      : {}),
    dns: { queries: dns.log.length, ms: Math.round(now() - started) },
    summary: { errors: count("error"), warnings: count("warning"), info: count("info") },
  };
}

function _view(n: SpfNode): SpfTreeView {
  return {
    domain: n.domain,
    via: n.via,
    status: n.status,
    ...(n.text !== undefined ? { record: n.text } : {}),
    lookups: n.lookups,
    children: n.children.map(_view),
  };
}

/** True when the audit found an error (exit 1). */
export function hasErrors(report: DomainReport): boolean {
  return report.summary.errors > 0;
}
