/**
 * The findings of the recipient check: what each MX presented (mx-tls.*),
 * what DANE concluded (dane.*), and the verdict an enforcing sender reaches
 * (delivery.*). A host an enforcing sender would defer is an error unless
 * another MX still takes the mail, then a warning.
 */
import { type Finding, finding } from "../finding.ts";
import type { DnssecStatus } from "./dane.ts";
import type { MxDelivery } from "./delivery.ts";

/** Findings for every judged host; `mxStatus` is the MX RRset's DNSSEC status. */
export function deliveryFindings(
  domain: string,
  mxStatus: DnssecStatus,
  hosts: readonly MxDelivery[],
  resolver: { local: boolean; shown: string },
): Finding[] {
  const out: Finding[] = [];
  const anyDelivers = hosts.some((h) => h.verdict === "deliver");
  if (mxStatus === "insecure") {
    out.push(finding("dane.not-signed", `${domain}'s MX records are not DNSSEC-signed: DANE does not apply`, [
      `${domain} MX: insecure (no AD bit from ${resolver.shown})`,
    ]));
  }
  if (mxStatus === "bogus") {
    const ev = [`${domain} MX: SERVFAIL from ${resolver.shown}, data only with checking disabled (CD)`];
    out.push(finding("dane.bogus", `${domain}'s MX records fail DNSSEC validation (bogus)`, ev));
    out.push(finding(
      "delivery.defer",
      `every MX of ${domain}: a sender enforcing DANE defers — its validating resolver gives no MX records (RFC 7672 §2.2.1)`,
      ev,
    ));
  }
  const dnssecUsed = mxStatus === "secure" || mxStatus === "bogus";
  if (dnssecUsed && !resolver.local) {
    out.push(finding(
      "dane.resolver-remote",
      `DNSSEC status comes from ${resolver.shown}, across the network: a DANE MTA trusts only a validating resolver on its own host`,
      [`resolver ${resolver.shown}`],
    ));
  }
  for (const h of hosts) {
    const at = `${h.host}${h.address ? ` (${h.address})` : ""}`;
    const evidence = [
      `${domain} MX ${h.priority} ${h.host}`,
      ...(h.probe?.greeting ? [`greeting: ${h.probe.greeting}`] : []),
      ...(h.probe?.tls
        ? [
          `TLS: ${h.probe.tls.protocol} ${h.probe.tls.cipher}${h.probe.tls.authorized ? ", chain trusted" : ""}`,
          ...h.probe.tls.chain.map((c, i) =>
            `certificate ${i}: ${c.names.join(", ") || c.subject} (issuer ${c.issuer}; ${c.validFrom} – ${c.validTo})`
          ),
        ]
        : []),
      ...h.dane.tlsa.map((t) => `_25._tcp.${h.host} TLSA ${t}`),
    ];
    out.push(..._probeFindings(h, at, evidence), ..._daneFindings(h, at, evidence));
    const because = h.because.join("; ");
    const policy = h.policy === "dane" ? "DANE" : h.policy === "mta-sts" ? "MTA-STS" : "no policy (opportunistic TLS)";
    if (h.verdict === "deliver") {
      out.push(
        finding(
          "delivery.deliver",
          `${at}: a sender enforcing MTA-STS and DANE would deliver (${policy}): ${because}`,
          evidence,
        ),
      );
    } else if (h.verdict === "defer") {
      out.push(finding(
        "delivery.defer",
        `${at}: a sender enforcing MTA-STS and DANE would defer (${policy}): ${because}`,
        evidence,
        anyDelivers ? { severity: "warning" } : {},
      ));
    } else {
      out.push(finding("delivery.unknown", `${at}: ${because}`, evidence));
    }
  }
  return out;
}

function _probeFindings(h: MxDelivery, at: string, evidence: string[]): Finding[] {
  const p = h.probe;
  if (!p) return [];
  if (p.error && p.error.stage !== "handshake") {
    return [finding("mx-tls.unreachable", `${at}: no SMTP session (${p.error.stage}: ${p.error.message})`, evidence)];
  }
  if (p.error) {
    return [finding("mx-tls.handshake-failed", `${at}: STARTTLS handshake failed: ${p.error.message}`, evidence)];
  }
  if (!p.starttls) return [finding("mx-tls.no-starttls", `${at} does not offer STARTTLS`, evidence)];
  const out: Finding[] = [];
  const leaf = p.tls?.chain[0];
  if (leaf && (new Date(leaf.validTo) < new Date() || new Date(leaf.validFrom) > new Date())) {
    out.push(
      finding("mx-tls.cert-expired", `${at}: the certificate is valid ${leaf.validFrom} – ${leaf.validTo}`, evidence),
    );
  } else if (p.tls && !p.tls.authorized) {
    out.push(finding(
      "mx-tls.cert-untrusted",
      `${at}: the certificate does not chain to a trusted root (${p.tls.authorizationError ?? "unverified"})`,
      evidence,
    ));
  }
  if (p.tls && !p.tls.nameMatches) {
    out.push(
      finding(
        "mx-tls.cert-name-mismatch",
        `${at}: the certificate names ${leaf?.names.join(", ") || "nothing"}, not ${h.host}`,
        evidence,
      ),
    );
  }
  return out;
}

function _daneFindings(h: MxDelivery, at: string, evidence: string[]): Finding[] {
  const d = h.dane;
  if (d.state === "defer") {
    const bogus = h.dnssec.mx === "bogus" || h.dnssec.addresses === "bogus" || h.dnssec.tlsa === "bogus";
    return [finding(bogus ? "dane.bogus" : "dane.lookup-failed", `${at}: ${d.reason}`, evidence)];
  }
  if (d.state === "unusable") return [finding("dane.tlsa-unusable", `${at}: ${d.reason}`, evidence)];
  if (d.state === "usable" && d.matched) {
    return [finding("dane.tlsa-match", `${at}: the presented chain matches TLSA ${d.matched}`, evidence)];
  }
  if (d.state === "usable" && d.misses) {
    return [
      finding(
        "dane.tlsa-mismatch",
        `${at}: the presented chain matches no TLSA record: ${d.misses.join("; ")}`,
        evidence,
      ),
    ];
  }
  if (d.state === "not-applicable" && h.dnssec.mx === "secure" && h.dnssec.addresses === "secure") {
    return [finding("dane.no-tlsa", `${at}: ${d.reason}: DANE does not apply to this host`, evidence)];
  }
  return [];
}
