/**
 * The vocabulary of `smtpilot align`: every `align.*` code with its usual
 * severity and one line of meaning (docs/codes.md's table is generated from
 * this list by `npm run docs`), the shape of a
 * finding and of an identity, and how an identity reads as evidence.
 */
import type { Severity } from "../domain/finding.ts";

/** One identity, reduced to its domains. */
export interface Identity {
  role: "header-from" | "envelope-from" | "return-path" | "dkim-d" | "auth-user";
  value: string;
  /** The domain it names, or undefined (an account name without a domain). */
  domain?: string;
  /** Its organisational domain by the RFC 9989 tree walk. */
  orgDomain?: string;
  /** Its organisational domain by the Public Suffix List (RFC 7489), when that differs. */
  pslOrgDomain?: string;
}

/** A finding of the alignment check. Codes are `align.*`, or a provider's (`gmail.*`) from its policy. */
export interface AlignFinding {
  code: string;
  severity: Severity;
  summary: string;
  evidence: string[];
  fix?: string;
}

/** Every `align.*` code with its severity and meaning (docs/codes.md's table is generated from it by `npm run docs`). */
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
  "align.rfc7489-differs": [
    "warning",
    "receivers still on RFC 7489 (Public Suffix List organisational domains) decide this alignment the other way",
  ],
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

/** A finding of the alignment check. */
export function alignFinding(
  code: string,
  severity: Severity,
  summary: string,
  evidence: string[],
  extra: { fix?: string } = {},
): AlignFinding {
  return { code, severity, summary, evidence, ...extra };
}

/** One identity as evidence: role, value, its domain and organisational domain. */
export function identityLine(i: Identity): string {
  return `${i.role}: ${i.value}${i.domain ? ` (domain ${i.domain}, organisational ${i.orgDomain})` : ""}`;
}
