/**
 * The vocabulary of the domain audit: every finding code it can report, with
 * its usual severity and one line of meaning. Codes are stable, prefixed by
 * the record they are about, documented in docs/codes.md from this table, and
 * asserted by the tests. A finding is data: code, severity, a one-sentence
 * summary, the evidence (records, include chains) and, where it can be
 * derived, the fix as the record to publish.
 */

/** How bad a finding is: an error makes the audit exit 1. */
export type Severity = "error" | "warning" | "info";

/** One finding of the audit. */
export interface Finding {
  code: DomainCode;
  severity: Severity;
  summary: string;
  /** The records and chains that show it, one item per line. */
  evidence: string[];
  /** The record to publish instead, in zone-file form, when it can be derived. */
  fix?: string;
}

/** Every code, with its default severity and meaning (docs/codes.md's table is generated from this by `npm run docs`). */
export const DOMAIN_CODES = {
  "domain.fix-connection-first": [
    "error",
    "the profile's last check failed below envelope (connection, TLS or authentication): no DNS change fixes that",
  ],
  "domain.nxdomain": ["error", "the domain does not exist in DNS"],
  "domain.dns-error": [
    "error",
    "a lookup failed or timed out (as it may for receivers): the check it belongs to is incomplete",
  ],
  "spf.none": ["error", "no `v=spf1` TXT record: receivers cannot tell which servers may send for the domain"],
  "spf.multiple-records": ["error", "more than one `v=spf1` record: every SPF check is a permerror"],
  "spf.syntax": ["error", "the record does not parse (the column is given): every SPF check is a permerror"],
  "spf.lookup-limit": ["error", "more than 10 DNS-querying terms (include, a, mx, ptr, exists, redirect) in the tree"],
  "spf.lookups-near-limit": ["warning", "9 or 10 DNS-querying terms: one more include breaks SPF"],
  "spf.void-lookup-limit": ["error", "more than 2 terms look up names that do not exist or have no records"],
  "spf.void-lookup": ["warning", "a term looks up a name that does not exist or has no records"],
  "spf.include-loop": ["error", "an include or redirect leads back to a record already in the chain"],
  "spf.include-missing": ["error", "an included domain has no SPF record: permerror when evaluated"],
  "spf.redirect-missing": ["error", "the redirect target has no SPF record: permerror"],
  "spf.all-pass": ["error", "`+all` (or a bare `all`): every server on the Internet may send as the domain"],
  "spf.all-neutral": ["warning", "`?all`: unlisted servers get neutral, which protects nothing"],
  "spf.no-all": ["warning", "no `all` and no `redirect`: unlisted servers get neutral"],
  "spf.after-all": ["warning", "terms after `all` are never evaluated"],
  "spf.redirect-ignored": ["warning", "`redirect=` is ignored because the record has an `all`"],
  "spf.ptr": ["warning", "the `ptr` mechanism is slow, unreliable and deprecated (RFC 7208 §5.5)"],
  "spf.mx-limit": ["error", "an `mx` term names a domain with more than 10 MX hosts: permerror"],
  "spf.record-too-long": ["warning", "the record is over 450 bytes (RFC 7208 §3.4): answers may not fit in UDP"],
  "spf.macro": ["info", "the record uses macros; terms that depend on the sender were not resolved"],
  "spf.ip-authorized": ["info", "`--ip` is authorised for the sender (result pass)"],
  "spf.ip-not-authorized": ["error", "`--ip` is not authorised: fail (error), softfail/neutral/none (warning)"],
  "spf.identity-invalid": [
    "warning",
    "the replayed MAIL FROM/HELO domain is not a domain name (empty or 64+ octet label, literal, one label): result none",
  ],
  "spf.permerror": ["error", "evaluating for `--ip` ends in permerror"],
  "spf.temperror": ["warning", "evaluating for `--ip` ends in temperror (a DNS failure)"],
  "dkim.not-found": ["error", "no DKIM key at the selectors tried (a warning when the selectors were guessed)"],
  "dkim.selectors-guessed": ["info", "no selector was given: common ones were tried"],
  "dkim.key-found": ["info", "a DKIM key was found and is sound"],
  "dkim.key-too-short": ["error", "an RSA key shorter than 1024 bits: receivers ignore the signature"],
  "dkim.key-weak": ["warning", "a 1024-bit RSA key: publish 2048 bits"],
  "dkim.testing": ["warning", "`t=y`: receivers may treat signatures as unsigned"],
  "dkim.revoked": ["warning", "an empty `p=`: the key is revoked and signatures with it fail"],
  "dkim.hash-unusable": [
    "error",
    "the key's `h=` allows no hash verifiers accept (only sha1, RFC 8301): no signature with it can pass",
  ],
  "dkim.syntax": ["error", "the key record does not parse (version, key type, base64)"],
  "dkim.no-signature": ["warning", "the `--message` carries no DKIM-Signature"],
  "dkim.signature-valid": ["info", "the `--message`'s DKIM signature verifies"],
  "dkim.signature-invalid": ["error", "the `--message`'s DKIM signature does not verify"],
  "dkim.body-hash-mismatch": ["error", "the `--message`'s body was changed after signing (bh= differs)"],
  "dmarc.none": ["error", "no DMARC record at `_dmarc.<domain>` nor anywhere up the tree (RFC 9989 tree walk)"],
  "dmarc.multiple-records": ["error", "more than one DMARC record: receivers apply none"],
  "dmarc.syntax": ["error", "the DMARC record does not parse or has an invalid tag value"],
  "dmarc.org-fallback": [
    "info",
    "no record at the domain itself: a parent's record applies (its `np=`, `sp=` or `p=`), found by the tree walk",
  ],
  "dmarc.test-mode": [
    "warning",
    "`t=y` (RFC 9989 test mode): receivers apply one level less (reject as quarantine, quarantine as none)",
  ],
  "dmarc.removed-tag": [
    "info",
    "`rf=`, `ri=` or a `!size` limit: removed by RFC 9989, still read by RFC 7489 receivers",
  ],
  "dmarc.rfc7489-differs": [
    "warning",
    "receivers still on RFC 7489 (PSL, pct=, no np=/t=/psd=) apply another policy (info: only the organisational domain or record location differs)",
  ],
  "dmarc.report-domain-missing": [
    "warning",
    "a `rua=`/`ruf=` destination's domain does not exist or has no MX and no address: reports go nowhere",
  ],
  "dmarc.policy-none": ["warning", "`p=none` (or `sp=none`): failing mail is delivered as if DMARC did not exist"],
  "dmarc.pct-partial": [
    "warning",
    "`pct` below 100: RFC 7489 receivers apply the policy to part of the failing mail (RFC 9989 removed `pct`)",
  ],
  "dmarc.no-rua": ["warning", "no `rua=`: no aggregate reports, so failures go unseen"],
  "dmarc.rua-unauthorized": [
    "warning",
    "a report address in another organisational domain has not authorised it (`<domain>._report._dmarc.<dest>`)",
  ],
  "dmarc.strict-alignment": ["info", "`adkim=s` or `aspf=s`: the domains must match exactly"],
  "mx.none": ["error", "no MX record (a warning when the domain has an address: implicit MX)"],
  "mx.null": ["warning", "a null MX (RFC 7505): the domain receives no mail, so replies and bounces cannot come back"],
  "mx.null-mixed": [
    "error",
    "a null MX next to other MX records (RFC 7505 §3): senders may treat the domain as broken",
  ],
  "mx.host-unresolved": ["error", "an MX host has no address"],
  "mx.host-is-address": ["error", "an MX record names an IP address instead of a host name"],
  "mx.host-cname": ["warning", "an MX host is a CNAME (RFC 2181 §10.3)"],
  "ptr.missing": ["error", "`--ip` has no reverse DNS (PTR): many receivers refuse such servers"],
  "ptr.not-confirmed": ["error", "no PTR name of `--ip` resolves back to it (no forward-confirmed reverse DNS)"],
  "ptr.generic": ["warning", "the PTR name looks like a dynamic or generic pool name"],
  "ptr.confirmed": ["info", "`--ip` has forward-confirmed reverse DNS"],
  "mta-sts.none": ["info", "no MTA-STS record: senders may deliver to the domain without TLS"],
  "mta-sts.syntax": ["error", "the `_mta-sts` record does not parse (`v=STSv1; id=…`)"],
  "mta-sts.multiple-records": ["error", "more than one `_mta-sts` record: senders ignore MTA-STS"],
  "mta-sts.policy-not-fetched": ["info", "the HTTPS policy was not fetched (use `--fetch-policy`)"],
  "mta-sts.policy-unreachable": [
    "error",
    "the policy at `https://mta-sts.<domain>/.well-known/mta-sts.txt` cannot be fetched with a verified certificate",
  ],
  "mta-sts.policy-content-type": [
    "error",
    "the policy is not served as `text/plain` (RFC 8461 §3.2): enforcing senders discard it",
  ],
  "mta-sts.policy-syntax": ["error", "the policy file does not parse"],
  "mta-sts.policy-testing": ["info", "the policy is in `mode: testing`"],
  "mta-sts.mx-mismatch": [
    "error",
    "an MX host is not covered by the policy's `mx:` lines: senders in enforce mode fail",
  ],
  "mx-tls.unreachable": [
    "warning",
    "`--recipient`: no SMTP session with the MX (outbound port 25 is often blocked): its verdict is unknown",
  ],
  "mx-tls.handshake-failed": ["warning", "`--recipient`: the MX offers STARTTLS but the TLS handshake fails"],
  "mx-tls.no-starttls": ["warning", "`--recipient`: the MX does not offer STARTTLS: mail to it travels in clear"],
  "mx-tls.cert-expired": ["warning", "`--recipient`: the MX certificate is expired or not yet valid"],
  "mx-tls.cert-untrusted": ["warning", "`--recipient`: the MX certificate does not chain to a trusted root"],
  "mx-tls.cert-name-mismatch": ["warning", "`--recipient`: the MX certificate does not name the MX host"],
  "dane.not-signed": ["info", "`--recipient`: the MX records are not DNSSEC-signed (no AD bit): DANE does not apply"],
  "dane.resolver-remote": [
    "warning",
    "`--recipient`: DNSSEC status came from a resolver across the network; DANE MTAs trust a local validating one",
  ],
  "dane.bogus": [
    "error",
    "`--recipient`: MX, address or TLSA records fail DNSSEC validation: DANE senders defer (RFC 7672 §2.2)",
  ],
  "dane.lookup-failed": ["error", "`--recipient`: the TLSA lookup failed: DANE senders cannot decide and defer"],
  "dane.no-tlsa": ["info", "`--recipient`: a DNSSEC-signed MX host without TLSA records: DANE does not apply to it"],
  "dane.tlsa-unusable": [
    "warning",
    "`--recipient`: TLSA records but none usable for SMTP (usage 0/1): TLS required, unauthenticated",
  ],
  "dane.tlsa-match": ["info", "`--recipient`: the MX's certificate chain matches a TLSA record"],
  "dane.tlsa-mismatch": ["error", "`--recipient`: the MX's certificate chain matches no usable TLSA record"],
  "delivery.deliver": [
    "info",
    "`--recipient`: a sender enforcing MTA-STS and DANE would deliver to this MX (the policy that decides, and why)",
  ],
  "delivery.defer": [
    "error",
    "`--recipient`: a sender enforcing MTA-STS and DANE would defer mail to this MX (a warning when another MX takes it)",
  ],
  "delivery.unknown": ["warning", "`--recipient`: the MX could not be reached from here: no verdict"],
  "tls-rpt.none": ["info", "no TLS-RPT record at `_smtp._tls.<domain>`: no reports of TLS failures"],
  "tls-rpt.syntax": ["error", "the TLS-RPT record does not parse (`v=TLSRPTv1; rua=…`)"],
  "bimi.none": ["info", "no BIMI record at `default._bimi.<domain>`"],
  "bimi.syntax": ["error", "the BIMI record does not parse (`v=BIMI1; l=https://…`)"],
  "bimi.needs-enforcing-dmarc": [
    "error",
    "a BIMI record without an enforcing DMARC policy (quarantine/reject at pct=100): no logo is shown",
  ],
  "bimi.no-authority": ["warning", "no `a=` certificate (VMC/CMC): Gmail and Apple show no logo"],
} as const satisfies Record<string, readonly [Severity, string]>;

/** A finding code. */
export type DomainCode = keyof typeof DOMAIN_CODES;

/** Builds a finding with the code's default severity unless one is given. */
export function finding(
  code: DomainCode,
  summary: string,
  evidence: string[] = [],
  extra: { fix?: string; severity?: Severity } = {},
): Finding {
  return {
    code,
    severity: extra.severity ?? DOMAIN_CODES[code][0],
    summary,
    evidence,
    ...(extra.fix !== undefined ? { fix: extra.fix } : {}),
  };
}

/** A TXT record in zone-file form, split into 255-byte strings as DNS requires. */
export function txtRecord(name: string, text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length || i === 0; i += 255) {
    parts.push(`"${text.slice(i, i + 255).replace(/(["\\])/g, "\\$1")}"`);
  }
  return `${name}. IN TXT ${parts.join(" ")}`;
}
