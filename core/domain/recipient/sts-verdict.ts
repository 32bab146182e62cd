/**
 * MTA-STS (RFC 8461 §4) at one MX host, as an enforcing sender applies a
 * policy it fetched: the host must match one of the policy's `mx:` patterns,
 * offer STARTTLS, and present a certificate that chains to a trusted root,
 * is within its validity period and names the MX host itself (a wildcard
 * covers one label). In `testing` mode a failure is only reported (TLS-RPT);
 * in `enforce` mode the sender does not deliver to that host.
 */
import type { X509Certificate } from "node:crypto";
import { mxMatches, type StsPolicy } from "../mta-sts.ts";
import type { MxProbe } from "./mx-probe.ts";

/** The outcome for one host. */
export interface StsHostVerdict {
  mode: "enforce" | "testing";
  /** The host matches a policy `mx:` pattern. */
  listed: boolean;
  ok: boolean;
  /** What an enforcing sender would hold against the host (empty when ok). */
  failures: StsFailure[];
}

/** One reason MTA-STS validation fails, with the TLS-RPT result type a sender would report (RFC 8460 §4.3). */
export interface StsFailure {
  kind:
    | "mx-mismatch"
    | "starttls-not-supported"
    | "certificate-not-trusted"
    | "certificate-expired"
    | "certificate-host-mismatch";
  detail: string;
}

/** Judges `host` under `policy`; undefined when no policy applies (none fetched, or `mode: none`). */
export function stsVerdict(
  policy: StsPolicy | undefined,
  host: string,
  probe: MxProbe | undefined,
  now: Date,
): StsHostVerdict | undefined {
  if (!policy || (policy.mode !== "enforce" && policy.mode !== "testing")) return undefined;
  const failures: StsFailure[] = [];
  const listed = policy.mx.some((p) => mxMatches(host, p));
  if (!listed) {
    failures.push({ kind: "mx-mismatch", detail: `${host} matches none of the policy's mx: ${policy.mx.join(", ")}` });
  }
  if (probe && !probe.error) {
    if (!probe.starttls) failures.push({ kind: "starttls-not-supported", detail: `${host} does not offer STARTTLS` });
    const leaf = probe.certificates[0];
    if (probe.starttls && probe.tls && leaf) failures.push(..._certificate(probe, leaf, host, now));
  } else if (probe?.error?.stage === "handshake") {
    failures.push({ kind: "starttls-not-supported", detail: `the TLS handshake with ${host} failed` });
  }
  return { mode: policy.mode, listed, ok: failures.length === 0, failures };
}

function _certificate(probe: MxProbe, leaf: X509Certificate, host: string, now: Date): StsFailure[] {
  const out: StsFailure[] = [];
  const expired = new Date(leaf.validTo) < now || new Date(leaf.validFrom) > now;
  if (expired) {
    const when = (d: string) => new Date(d).toISOString();
    out.push({
      kind: "certificate-expired",
      detail: `the certificate is valid ${when(leaf.validFrom)} – ${when(leaf.validTo)}`,
    });
  } else if (!probe.tls?.authorized) {
    out.push({
      kind: "certificate-not-trusted",
      detail: `the certificate does not chain to a trusted root (${probe.tls?.authorizationError ?? "unverified"})`,
    });
  }
  if (!probe.tls?.nameMatches) {
    out.push({
      kind: "certificate-host-mismatch",
      detail: `the certificate names ${probe.tls?.chain[0]?.names.join(", ") || "no DNS name"}, not ${host}`,
    });
  }
  return out;
}
