/**
 * What a server certificate says about itself, and why verification refused
 * it. The reason is read from the certificate (dates, names, issuer), not from
 * the TLS stack's error code alone: Deno reports an expired certificate as
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE where Node says CERT_HAS_EXPIRED.
 */
import { isIP } from "node:net";
import type { X509Certificate } from "node:crypto";
import type { Warning } from "../layer.ts";

/** Days left under which a valid certificate earns `tls.cert-expiring-soon`. */
export const EXPIRING_SOON_DAYS = 14;

/** Certificate facts as reported in the tls layer. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  selfSigned: boolean;
  fingerprint256: string;
}

/** The four ways a certificate fails, as diagnosis codes. */
export type CertificateFailureCode =
  | "tls.cert-expired"
  | "tls.cert-not-yet-valid"
  | "tls.cert-hostname-mismatch"
  | "tls.cert-untrusted";

const _DAY_MS = 86_400_000;

/** Extracts the facts worth showing from a peer certificate. */
export function certificateFacts(cert: X509Certificate, now: Date): CertificateFacts {
  const notAfter = new Date(cert.validTo);
  return {
    subject: cert.subject.replace(/\n/g, ", "),
    issuer: cert.issuer.replace(/\n/g, ", "),
    sans: (cert.subjectAltName ?? "").split(/,\s*/).filter((s) => s.length > 0),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / _DAY_MS),
    selfSigned: isSelfSigned(cert),
    fingerprint256: cert.fingerprint256,
  };
}

/** True when the certificate names and signs itself. */
export function isSelfSigned(cert: X509Certificate): boolean {
  if (cert.subject !== cert.issuer) return false;
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

/** True when the certificate is valid for `name` (a host name or an IP literal). */
export function certificateMatches(cert: X509Certificate, name: string): boolean {
  return isIP(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name) !== undefined;
}

/**
 * Names the reason a verified handshake refused the certificate. Dates come
 * first (an expired certificate is usually also "untrusted" to some stacks),
 * then the name, then trust. `stackError` is only the fallback.
 */
export function classifyCertificateFailure(
  cert: X509Certificate | undefined,
  name: string,
  now: Date,
  stackError: string,
): CertificateFailureCode {
  if (cert) {
    if (new Date(cert.validTo).getTime() < now.getTime()) return "tls.cert-expired";
    if (new Date(cert.validFrom).getTime() > now.getTime()) return "tls.cert-not-yet-valid";
    if (!certificateMatches(cert, name)) return "tls.cert-hostname-mismatch";
  }
  if (stackError === "CERT_HAS_EXPIRED") return "tls.cert-expired";
  if (stackError === "CERT_NOT_YET_VALID") return "tls.cert-not-yet-valid";
  if (stackError === "ERR_TLS_CERT_ALTNAME_INVALID") return "tls.cert-hostname-mismatch";
  return "tls.cert-untrusted";
}

/** Warnings for a certificate that passed verification. */
export function certificateWarnings(facts: CertificateFacts): Warning[] {
  if (facts.daysLeft >= EXPIRING_SOON_DAYS) return [];
  return [{
    code: "tls.cert-expiring-soon",
    summary: `Certificate expires in ${facts.daysLeft} day(s), on ${facts.notAfter.slice(0, 10)}`,
  }];
}
