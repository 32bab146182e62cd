/**
 * Identity alignment (RFC 7489 §3.1): the identities one message carries —
 * the SMTP AUTH account, the envelope sender (MAIL FROM), the header From,
 * the DKIM signing domain d= and the Return-Path — reduced to their
 * organisational domains and compared the way DMARC compares them (relaxed
 * or strict, per the From domain's record). It also checks what no DMARC
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
import { orgDomain } from "../domain/org-domain.ts";

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

/** One identity, reduced to its domains. */
export interface Identity {
  role: "header-from" | "envelope-from" | "return-path" | "dkim-d" | "auth-user";
  value: string;
  /** The domain it names, or undefined (an account name without a domain). */
  domain?: string;
  orgDomain?: string;
}

/** A finding of the alignment check. Codes are `align.*`, or a provider's (`gmail.*`) from its policy. */
export interface AlignFinding {
  code: string;
  severity: Severity;
  summary: string;
  evidence: string[];
  fix?: string;
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
  aligned?: boolean;
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

/** Every `align.*` code with its severity and meaning (the README's table follows this list). */
export const ALIGN_CODES = {
  "align.spf-misaligned": ["warning", "the envelope sender's domain does not align with the From domain"],
  "align.dkim-misaligned": ["warning", "the DKIM d= domain does not align with the From domain"],
  "align.none-aligned": ["error", "neither SPF nor DKIM can align: DMARC fails for this message"],
  "align.envelope-unknown": ["info", "no envelope sender given: SPF alignment not checked"],
  "align.dkim-unknown": ["info", "no DKIM domain given: DKIM alignment not checked"],
  "align.return-path-differs": ["warning", "the Return-Path is not the envelope sender given: it was rewritten"],
  "align.auth-user-no-domain": ["info", "the SMTP AUTH account names no domain"],
  "align.auth-from-mismatch": ["warning", "the SMTP AUTH account's organisation differs from the From's"],
  "align.auth-envelope-mismatch": [
    "warning",
    "the SMTP AUTH account's organisation differs from the envelope sender's",
  ],
  "align.dmarc-none": ["warning", "the From domain has no usable DMARC record"],
  "align.provider-from-not-account": [
    "warning",
    "the provider lets the account send only as itself or a verified alias (Gmail), or a mailbox it has SendAs on (Microsoft 365)",
  ],
  "align.provider-identity-unverified": [
    "info",
    "the provider sends only from verified identities (SES) or mapped logins (a Postfix relay): check the From is one",
  ],
  "align.provider-envelope-rewritten": ["info", "the provider replaces the envelope sender with the account"],
} as const satisfies Record<string, readonly [Severity, string]>;

/** Domain of an address or bare domain; undefined for an account name without one. */
export function domainOf(value: string): string | undefined {
  const v = value.trim().replace(/^<(.*)>$/, "$1");
  const at = v.lastIndexOf("@");
  if (at !== -1) return normalName(v.slice(at + 1)) || undefined;
  return v.includes(".") && !v.includes(" ") ? normalName(v) : undefined;
}

/** True when `a` aligns with `b` in the given mode. */
export function aligned(a: string, b: string, mode: "r" | "s"): boolean {
  return mode === "s" ? normalName(a) === normalName(b) : orgDomain(a) === orgDomain(b);
}

/** Checks the alignment of a message's identities against the From domain's DMARC record. */
export async function checkAlignment(
  input: AlignInput,
  inner: DnsClient,
  policy?: AlignPolicy,
): Promise<AlignReport> {
  const dns = cachedDns(inner);
  const identities = _identities(input);
  const from = identities[0];
  const fromDomain = from?.domain ?? "";
  const dmarc = await lookupDmarc(dns, fromDomain);
  const failed = dns.log.filter((q) => q.status === "error");
  if (failed.length > 0) {
    throw new EnvironmentError(
      `The DMARC lookup of ${fromDomain} failed (${
        failed.map((q) => `${q.name}: ${q.code}`).join(", ")
      }): check the resolver or the network`,
      "E_DNS",
    );
  }
  const rec = dmarc.record;
  const adkim = rec?.adkim ?? "r";
  const aspf = rec?.aspf ?? "r";
  const findings: AlignFinding[] = [];
  const ev = (role: Identity["role"]) => identities.filter((i) => i.role === role).map(_line);
  const fromLine = from ? _line(from) : "";

  const envelope = identities.find((i) => i.role === "envelope-from");
  const spf: AlignmentVerdict = { mode: aspf === "s" ? "strict" : "relaxed" };
  if (envelope?.domain) {
    spf.domain = envelope.domain;
    spf.aligned = aligned(envelope.domain, fromDomain, aspf);
    if (!spf.aligned) {
      findings.push(
        _f(
          "align.spf-misaligned",
          "warning",
          `The envelope sender's domain ${envelope.domain} does not align with From ${fromDomain} (${spf.mode}): SPF cannot make DMARC pass`,
          [fromLine, ...ev("envelope-from")],
        ),
      );
    }
  } else {
    findings.push(
      _f(
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
    dkim.aligned = aligned(dkimId.domain, fromDomain, adkim);
    if (!dkim.aligned) {
      findings.push(
        _f(
          "align.dkim-misaligned",
          "warning",
          `DKIM d=${dkimId.domain} does not align with From ${fromDomain} (${dkim.mode}): DKIM cannot make DMARC pass`,
          [fromLine, ...ev("dkim-d")],
          { fix: `sign with d=${fromDomain} (publish its key at <selector>._domainkey.${fromDomain})` },
        ),
      );
    }
  } else {
    findings.push(_f("align.dkim-unknown", "info", "No --dkim-domain: DKIM alignment not checked", [fromLine]));
  }
  const dmarcCanPass = spf.aligned === true || dkim.aligned === true;
  if (!dmarcCanPass && (spf.aligned === false || dkim.aligned === false)) {
    findings.push(
      _f(
        "align.none-aligned",
        "error",
        `Neither SPF nor DKIM aligns with From ${fromDomain}: DMARC fails for this message`,
        identities.map(_line),
      ),
    );
  }
  const returnPath = identities.find((i) => i.role === "return-path");
  if (returnPath?.domain && envelope?.domain && normalName(returnPath.domain) !== normalName(envelope.domain)) {
    findings.push(
      _f(
        "align.return-path-differs",
        "warning",
        `Return-Path ${returnPath.value} differs from the envelope sender ${envelope.value}: the envelope was rewritten on the way`,
        [...ev("envelope-from"), ...ev("return-path")],
      ),
    );
  }
  const auth = identities.find((i) => i.role === "auth-user");
  if (auth) {
    if (!auth.domain) {
      findings.push(
        _f(
          "align.auth-user-no-domain",
          "info",
          `The account ${auth.value} names no domain: the provider decides which senders it may use`,
          [_line(auth)],
        ),
      );
    } else {
      if (auth.orgDomain !== from?.orgDomain) {
        findings.push(
          _f(
            "align.auth-from-mismatch",
            "warning",
            `The authenticated account ${auth.value} is in ${auth.orgDomain}, the From in ${from?.orgDomain}: most providers rewrite or refuse a From the account does not own`,
            [_line(auth), fromLine],
          ),
        );
      }
      if (envelope?.domain && auth.orgDomain !== envelope.orgDomain) {
        findings.push(
          _f(
            "align.auth-envelope-mismatch",
            "warning",
            `The authenticated account ${auth.value} is in ${auth.orgDomain}, the envelope sender in ${envelope.orgDomain}: providers often replace the envelope sender with the account`,
            [_line(auth), _line(envelope)],
          ),
        );
      }
    }
  }
  if (!rec) {
    findings.push(
      _f(
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

function _identities(input: AlignInput): Identity[] {
  const out: Identity[] = [];
  const add = (role: Identity["role"], value: string | undefined) => {
    if (value === undefined) return;
    const domain = domainOf(value);
    out.push({ role, value, ...(domain ? { domain, orgDomain: orgDomain(domain) } : {}) });
  };
  add("header-from", input.from);
  add("envelope-from", input.envelopeFrom);
  add("return-path", input.returnPath ?? input.envelopeFrom);
  add("dkim-d", input.dkimDomain);
  add("auth-user", input.authUser);
  return out;
}

function _line(i: Identity): string {
  return `${i.role}: ${i.value}${i.domain ? ` (domain ${i.domain}, organisational ${i.orgDomain})` : ""}`;
}

function _f(
  code: string,
  severity: Severity,
  summary: string,
  evidence: string[],
  extra: { fix?: string } = {},
): AlignFinding {
  return { code, severity, summary, evidence, ...extra };
}
