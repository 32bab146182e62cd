/**
 * Identity alignment (RFC 9989 §4.4): the identities one message carries —
 * the SMTP AUTH account, the envelope sender (MAIL FROM), the header From,
 * the DKIM signing domain d= and the Return-Path — reduced to their
 * organisational domains (by the DNS tree walk; align-orgs.ts) and compared
 * the way DMARC compares them (relaxed or strict, per the From domain's
 * record), saying where a receiver still on RFC 7489 (Public Suffix List)
 * decides otherwise. It also checks what no DMARC
 * tool does: the authenticated account against the envelope sender and the
 * From, which submission services (Gmail, Microsoft 365, SES…) enforce by
 * rewriting or refusing. A provider's own rules come in as an
 * AlignPolicy. The send workflow's preflight calls this function too.
 */
import type { DnsClient } from "../domain/dns.ts";
import { EnvironmentError } from "../errors.ts";
import { cachedDns, normalName } from "../domain/dns.ts";
import { lookupDmarc } from "../domain/dmarc.ts";
import type { Severity } from "../domain/finding.ts";
import { alignment, type OrgDomains, orgDomainsOf, orgsOf } from "./align-orgs.ts";

import { type AlignFinding, alignFinding, type Identity, identityLine } from "./align-codes.ts";
import { authAccountFindings } from "./align-auth.ts";

export { ALIGN_CODES, type AlignFinding, type Identity } from "./align-codes.ts";

/** Version tag of the alignment document. */
export const ALIGN_SCHEMA = "smtpilot.align/1";

/** The identities of one message; only `from` is required. */
export interface AlignInput {
  from: string;
  envelopeFrom?: string;
  authUser?: string;
  dkimDomain?: string;
  /** Return-Path as delivered; defaults to the envelope sender, which it normally records. */
  returnPath?: string;
}

/**
 * A provider's identity rules, passed in for a profile's provider (see
 * provider-policy.ts, which turns a provider plugin's declared rule into
 * one): given the identities, what the provider will do to or say about them
 * (rewrite the envelope, refuse a From that is not an alias…).
 */
export interface AlignPolicy {
  provider: string;
  check(identities: readonly Identity[], input: AlignInput): AlignFinding[];
}

/** Alignment of one authentication method. */
export interface AlignmentVerdict {
  mode: "relaxed" | "strict";
  /** The domain that must align (envelope sender or d=); undefined when not given. */
  domain?: string;
  /** Aligned for an RFC 9989 receiver. */
  aligned?: boolean;
  /** Aligned for a receiver still on RFC 7489, when that differs. */
  aligned7489?: boolean;
}

/** The `smtpilot.align/1` document. */
export interface AlignReport {
  schema: typeof ALIGN_SCHEMA;
  mode: "dns-lookups";
  fromDomain: string;
  identities: Identity[];
  dmarc: { record?: string; where?: string; policy?: string; adkim: "r" | "s"; aspf: "r" | "s" };
  spf: AlignmentVerdict;
  dkim: AlignmentVerdict;
  /** True when at least one method can align (DMARC can pass if that method authenticates). */
  dmarcCanPass: boolean;
  provider?: string;
  findings: AlignFinding[];
  summary: { errors: number; warnings: number; info: number };
}

/** Domain of an address or bare domain; undefined for an account name without one. */
export function domainOf(value: string): string | undefined {
  const v = value.trim().replace(/^<(.*)>$/, "$1");
  const at = v.lastIndexOf("@");
  if (at !== -1) return normalName(v.slice(at + 1)) || undefined;
  return v.includes(".") && !v.includes(" ") ? normalName(v) : undefined;
}

/** Checks the alignment of a message's identities against the From domain's DMARC record. */
export async function checkAlignment(
  input: AlignInput,
  inner: DnsClient,
  policy?: AlignPolicy,
): Promise<AlignReport> {
  const dns = cachedDns(inner);
  const fromDomain = domainOf(input.from) ?? "";
  const dmarc = await lookupDmarc(dns, fromDomain);
  // Only the record lookup decides whether there is an answer; a failed report-authorisation lookup is a finding.
  if (dmarc.error !== undefined) {
    const failed = dns.log.filter((q) => q.status === "error");
    throw new EnvironmentError(
      `The DMARC lookup of ${fromDomain} failed (${
        failed.map((q) => `${q.name}: ${q.code}`).join(", ")
      }): check the resolver or the network`,
      "E_DNS",
    );
  }
  const known = new Map<string, OrgDomains>();
  if (dmarc.discovery) {
    const { domain, orgDomain, pslOrgDomain } = dmarc.discovery;
    known.set(domain, { orgDomain, pslOrgDomain });
  }
  const orgs = await orgDomainsOf(
    dns,
    [input.envelopeFrom, input.returnPath, input.dkimDomain, input.authUser].map((v) => v && domainOf(v)),
    known,
  );
  const identities = _identities(input, orgs);
  const from = identities[0];
  const rec = dmarc.record;
  const adkim = rec?.adkim ?? "r";
  const aspf = rec?.aspf ?? "r";
  const findings: AlignFinding[] = [];
  const ev = (role: Identity["role"]) => identities.filter((i) => i.role === role).map(identityLine);
  const fromLine = from ? identityLine(from) : "";

  const envelope = identities.find((i) => i.role === "envelope-from");
  const spf: AlignmentVerdict = { mode: aspf === "s" ? "strict" : "relaxed" };
  if (envelope?.domain) {
    spf.domain = envelope.domain;
    const a = alignment(orgs, envelope.domain, fromDomain, aspf);
    spf.aligned = a.aligned;
    if (a.aligned7489 !== a.aligned) spf.aligned7489 = a.aligned7489;
    if (!spf.aligned) {
      findings.push(
        alignFinding(
          "align.spf-misaligned",
          "warning",
          `The envelope sender's domain ${envelope.domain} does not align with From ${fromDomain} (${spf.mode}): SPF cannot make DMARC pass`,
          [fromLine, ...ev("envelope-from")],
        ),
      );
    }
  } else {
    findings.push(
      alignFinding(
        "align.envelope-unknown",
        "info",
        "No --envelope-from: SPF alignment not checked (a bounce address of your provider usually does not align)",
        [fromLine],
      ),
    );
  }
  const dkimId = identities.find((i) => i.role === "dkim-d");
  const dkim: AlignmentVerdict = { mode: adkim === "s" ? "strict" : "relaxed" };
  if (dkimId?.domain) {
    dkim.domain = dkimId.domain;
    const a = alignment(orgs, dkimId.domain, fromDomain, adkim);
    dkim.aligned = a.aligned;
    if (a.aligned7489 !== a.aligned) dkim.aligned7489 = a.aligned7489;
    if (!dkim.aligned) {
      findings.push(
        alignFinding(
          "align.dkim-misaligned",
          "warning",
          `DKIM d=${dkimId.domain} does not align with From ${fromDomain} (${dkim.mode}): DKIM cannot make DMARC pass`,
          [fromLine, ...ev("dkim-d")],
          { fix: `sign with d=${fromDomain} (publish its key at <selector>._domainkey.${fromDomain})` },
        ),
      );
    }
  } else {
    findings.push(
      alignFinding("align.dkim-unknown", "info", "No --dkim-domain: DKIM alignment not checked", [fromLine]),
    );
  }
  for (const [method, v] of [["SPF", spf], ["DKIM", dkim]] as const) {
    if (v.aligned7489 === undefined || v.domain === undefined) continue;
    const o = orgsOf(orgs, v.domain);
    const f = orgsOf(orgs, fromDomain);
    findings.push(alignFinding(
      "align.rfc7489-differs",
      "warning",
      `${method}: ${v.domain} ${
        v.aligned ? "aligns" : "does not align"
      } with From ${fromDomain} for RFC 9989 receivers (organisational domains ${o.orgDomain} and ${f.orgDomain} by the DNS tree walk) but ${
        v.aligned7489 ? "aligns" : "does not"
      } for RFC 7489 receivers (${o.pslOrgDomain} and ${f.pslOrgDomain} by the Public Suffix List)`,
      [fromLine, ...identities.filter((i) => i.domain === v.domain).map(identityLine)],
    ));
  }
  const dmarcCanPass = spf.aligned === true || dkim.aligned === true;
  if (!dmarcCanPass && (spf.aligned === false || dkim.aligned === false)) {
    findings.push(
      alignFinding(
        "align.none-aligned",
        "error",
        `Neither SPF nor DKIM aligns with From ${fromDomain}: DMARC fails for this message`,
        identities.map(identityLine),
      ),
    );
  }
  const returnPath = identities.find((i) => i.role === "return-path");
  if (returnPath?.domain && envelope?.domain && normalName(returnPath.domain) !== normalName(envelope.domain)) {
    findings.push(
      alignFinding(
        "align.return-path-differs",
        "warning",
        `Return-Path ${returnPath.value} differs from the envelope sender ${envelope.value}: the envelope was rewritten on the way`,
        [...ev("envelope-from"), ...ev("return-path")],
      ),
    );
  }
  findings.push(...authAccountFindings(identities));
  if (!rec) {
    findings.push(
      alignFinding(
        "align.dmarc-none",
        "warning",
        `${fromDomain} has no usable DMARC record: receivers do not check alignment for it, and relaxed alignment is assumed here`,
        [`_dmarc.${fromDomain}`],
      ),
    );
  }
  if (policy) findings.push(...policy.check(identities, input));
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    schema: ALIGN_SCHEMA,
    mode: "dns-lookups",
    fromDomain,
    identities,
    dmarc: { ...(rec ? { record: rec.text, where: rec.name, policy: dmarc.policy ?? rec.p } : {}), adkim, aspf },
    spf,
    dkim,
    dmarcCanPass,
    ...(policy ? { provider: policy.provider } : {}),
    findings,
    summary: { errors: count("error"), warnings: count("warning"), info: count("info") },
  };
}

function _identities(input: AlignInput, orgs: ReadonlyMap<string, OrgDomains>): Identity[] {
  const out: Identity[] = [];
  const add = (role: Identity["role"], value: string | undefined) => {
    if (value === undefined) return;
    const domain = domainOf(value);
    const o = domain ? orgsOf(orgs, domain) : undefined;
    out.push({
      role,
      value,
      ...(domain && o ? { domain, orgDomain: o.orgDomain } : {}),
      ...(o && o.pslOrgDomain !== o.orgDomain ? { pslOrgDomain: o.pslOrgDomain } : {}),
    });
  };
  add("header-from", input.from);
  add("envelope-from", input.envelopeFrom);
  add("return-path", input.returnPath ?? input.envelopeFrom);
  add("dkim-d", input.dkimDomain);
  add("auth-user", input.authUser);
  return out;
}
