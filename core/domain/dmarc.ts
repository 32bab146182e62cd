/**
 * DMARC findings (RFC 9989, and where receivers still on RFC 7489 decide
 * otherwise): the record the tree walk finds (dmarc-discovery.ts), its tags
 * (dmarc-record.ts), the policy that applies to the domain asked about — p=
 * for its own record; np= (when it does not exist), sp= or p= for a parent's;
 * one level weaker in test mode (t=y) — and the report destinations: their
 * domain must exist, and one in another organisation must authorise the
 * reports (`<domain>._report._dmarc.<destination>`).
 */
import type { DnsClient } from "./dns.ts";
import { discoverDmarc, type DmarcDiscovery, domainExists } from "./dmarc-discovery.ts";
import { type DmarcPolicy, type DmarcRecord, setTag, subdomainPolicy, weaker } from "./dmarc-record.ts";
import { compare7489, type Rfc7489View } from "./dmarc-7489.ts";
import { reportDestinationFindings } from "./dmarc-reports.ts";
import { type Finding, finding, txtRecord } from "./finding.ts";

export { type DmarcPolicy, type DmarcRecord, parseDmarc } from "./dmarc-record.ts";

/** The DMARC lookup result for a domain. */
export interface DmarcLookup {
  /** The record that applies under RFC 9989, if any. */
  record?: DmarcRecord;
  /** True when it came from a level above the domain. */
  fallback: boolean;
  /** The policy an RFC 9989 receiver applies to failing mail from the domain. */
  policy?: DmarcPolicy;
  /** The walk, with both organisational domains. */
  discovery?: DmarcDiscovery;
  /** What an RFC 7489 receiver finds and applies. */
  rfc7489?: Rfc7489View;
  /** The record lookup itself failed (receivers get a temporary error). */
  error?: string;
  findings: Finding[];
}

/** Finds the DMARC record that applies to `domain`, with findings about it. */
export async function lookupDmarc(dns: DnsClient, domain: string): Promise<DmarcLookup> {
  const found = await discoverDmarc(dns, domain);
  const d = found.domain;
  const findings: Finding[] = [];
  for (const level of found.levels) {
    if (level.texts.length > 1 && (!found.policy || found.levels.indexOf(level) < found.levels.indexOf(found.policy))) {
      findings.push(finding(
        "dmarc.multiple-records",
        `${level.name} has ${level.texts.length} DMARC records; receivers apply none of them`,
        level.texts.map((t) => `${level.name} TXT ${JSON.stringify(t)}`),
      ));
    }
  }
  if (found.error) {
    findings.push(
      finding("domain.dns-error", `The DMARC lookup of ${found.error.name} failed (${found.error.code})`),
    );
    return { fallback: false, discovery: found, error: found.error.code, findings };
  }
  const level = found.policy;
  const record = level?.record;
  if (!level || !record) {
    if (findings.length === 0) {
      const asked = found.levels.map((l) => l.name);
      findings.push(finding(
        "dmarc.none",
        `No DMARC record at ${asked.join(", ")}`,
        [`${asked.join(", ")}: no TXT record starts with v=DMARC1`],
        {
          fix: txtRecord(
            `_dmarc.${found.pslOrgDomain}`,
            `v=DMARC1; p=none; rua=mailto:dmarc-reports@${found.pslOrgDomain}`,
          ),
        },
      ));
    }
    const rfc7489 = compare7489(found, undefined, findings);
    return { fallback: false, discovery: found, ...(rfc7489 ? { rfc7489 } : {}), findings };
  }
  const owner = record.domain;
  const fallback = owner !== d;
  const evidence = [`${record.name} TXT ${JSON.stringify(record.text)}`];
  const exists = fallback && record.np !== undefined ? await domainExists(dns, d) : true;
  const base = fallback ? subdomainPolicy(record, exists) : record.p;
  const policy = record.testing ? weaker(base) : base;
  if (fallback) {
    const tag = !exists && record.np ? "np" : record.sp ? "sp" : "p";
    findings.push(finding(
      "dmarc.org-fallback",
      `${d} has no DMARC record; ${owner}'s applies (its ${tag}=${base}${
        record.psd === "y" ? ", a public suffix's policy" : ""
      })`,
      evidence,
    ));
  }
  if (record.problems.length > 0) {
    findings.push(
      finding("dmarc.syntax", `The DMARC record of ${owner} is invalid: ${record.problems.join("; ")}`, evidence),
    );
  }
  findings.push(..._policyFindings(record, fallback, d, base, evidence));
  // Reports belong to the record's owner: a public suffix's record (psd=y) is its own organisation.
  const org = owner === found.orgDomain || owner.endsWith(`.${found.orgDomain}`) ? found.orgDomain : owner;
  findings.push(...await reportDestinationFindings(dns, record, org));
  const rfc7489 = compare7489(found, { policy, exists }, findings);
  return { record, fallback, policy, discovery: found, ...(rfc7489 ? { rfc7489 } : {}), findings };
}

/** Findings about the tags that decide what happens to failing mail. */
function _policyFindings(
  record: DmarcRecord,
  fallback: boolean,
  domain: string,
  base: DmarcPolicy,
  evidence: string[],
): Finding[] {
  const out: Finding[] = [];
  const better = (text: string) => txtRecord(record.name, text);
  const owner = record.domain;
  if (base === "none") {
    // Only the policy that applies to the domain asked about: a subdomain an sp=reject protects is protected.
    const tag = fallback ? (record.sp !== undefined ? "sp" : "p") : "p";
    out.push(finding(
      "dmarc.policy-none",
      fallback
        ? `${owner}'s ${tag}=none applies to ${domain}: failing mail is delivered anyway`
        : `${owner} publishes p=none: failing mail is delivered anyway`,
      evidence,
      { fix: better(setTag(record.text, tag, "quarantine")) },
    ));
  } else if (!fallback && record.sp === "none") {
    out.push(finding("dmarc.policy-none", `${owner} publishes sp=none: subdomains are unprotected`, evidence, {
      fix: better(setTag(record.text, "sp", record.p)),
    }));
  }
  if (record.testing) {
    out.push(finding(
      "dmarc.test-mode",
      `t=y: RFC 9989 receivers apply ${weaker(base)} instead of ${base} (test mode)`,
      evidence,
      { fix: better(setTag(record.text, "t", undefined)) },
    ));
  }
  if (record.pct < 100) {
    out.push(finding(
      "dmarc.pct-partial",
      `pct=${record.pct}: RFC 7489 receivers apply the policy to ${record.pct}% of failing mail (RFC 9989 removed pct=)`,
      evidence,
      { fix: better(setTag(record.text, "pct", undefined)) },
    ));
  }
  for (const tag of record.removed.filter((t) => t !== "pct")) {
    out.push(finding(
      "dmarc.removed-tag",
      `${tag}= is removed by RFC 9989: receivers following it ignore it, RFC 7489 receivers still read it`,
      evidence,
      { fix: better(setTag(record.text, tag, undefined)) },
    ));
  }
  if (record.sizeLimits.length > 0) {
    out.push(finding(
      "dmarc.removed-tag",
      `A report size limit (!size) is obsolete: RFC 9989 reporters ignore it (${record.sizeLimits.join(", ")})`,
      evidence,
    ));
  }
  if (record.rua.length === 0) {
    out.push(finding("dmarc.no-rua", `${owner}'s DMARC record asks for no aggregate reports`, evidence, {
      fix: better(setTag(record.text, "rua", `mailto:dmarc-reports@${owner}`)),
    }));
  }
  if (record.adkim === "s" || record.aspf === "s") {
    out.push(
      finding("dmarc.strict-alignment", `Strict alignment (adkim=${record.adkim}, aspf=${record.aspf})`, evidence),
    );
  }
  return out;
}
