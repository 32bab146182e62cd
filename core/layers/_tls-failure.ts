/**
 * The diagnoses of a TLS handshake that did not give a verified session: a
 * certificate refused (named from the certificate itself), an alert the
 * server sent (named after the alert), a server that only speaks TLS 1.0/1.1,
 * or a server that hung up mid-handshake.
 */
import type { Diagnosis } from "../layer.ts";
import type { CertificateFacts } from "../tls/certificate.ts";

/** The diagnosis for a certificate that failed verification. */
export function certificateDiagnosis(
  code: string,
  name: string,
  cert: CertificateFacts | undefined,
  privateCa: boolean,
): Diagnosis {
  switch (code) {
    case "tls.cert-expired":
      return {
        code,
        summary: "The server's certificate has expired",
        cause: "The certificate's validity ended; clients that verify TLS refuse it.",
        next:
          "Renew the certificate on the server (or ask the provider to); check that the renewed one is actually deployed and the service reloaded.",
      };
    case "tls.cert-not-yet-valid":
      return {
        code,
        summary: "The server's certificate is not valid yet",
        cause: "The certificate's start date is in the future: a clock is wrong on the server or on this machine.",
        next: "Check the clocks (date, NTP) on both machines; reissue the certificate if its dates are wrong.",
      };
    case "tls.cert-hostname-mismatch":
      return {
        code,
        summary: `The certificate does not cover ${name}`,
        cause: `The certificate is for ${cert?.sans.join(", ") || "other names"}, not the name you connected to.`,
        next:
          "Connect with a name the certificate covers (--host, or --servername to check another name), or reissue the certificate with this name.",
      };
    default:
      return { code, ..._untrusted(cert?.selfSigned === true, privateCa) };
  }
}

function _untrusted(selfSigned: boolean, privateCa: boolean): Omit<Diagnosis, "code"> {
  if (selfSigned) {
    return {
      summary: "The server's certificate is self-signed",
      cause: privateCa
        ? "The certificate is its own issuer: it was not issued by the CA given with --ca, so that CA cannot vouch for it."
        : "The certificate is its own issuer, so no certificate authority vouches for it.",
      next: privateCa
        ? "Install a certificate issued by your CA on the server; to trust this very certificate instead, give the certificate itself with --ca FILE."
        : "Install a certificate from a public CA with its full chain; to trust this very certificate, give it with --ca FILE.",
    };
  }
  return {
    summary: "The server's certificate is not trusted",
    cause: privateCa
      ? "The certificate chain does not lead to the CA given with --ca."
      : "The certificate is issued by a CA this machine does not trust, or the server omits its intermediate certificates.",
    next: privateCa
      ? "Give the CA that issued the server's certificate with --ca FILE, or have the server send its intermediate certificates."
      : "Install a publicly trusted certificate with its full chain; if your organisation runs its own CA, pass that CA with --ca FILE.",
  };
}

/** Alerts that say the two sides share no TLS version or cipher suite. */
const _VERSION_OR_CIPHER_ALERTS = new Set(["protocol version", "handshake failure", "insufficient security"]);

/** True when a failed handshake may be a server that only speaks TLS 1.0/1.1 (worth asking it). */
export function mayBeLegacyTls(error: string, alert: string | undefined): boolean {
  if (alert !== undefined) return _VERSION_OR_CIPHER_ALERTS.has(alert);
  return /^(?:ECONNRESET|EPIPE)$|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|NO_SHARED_CIPHER|NO_CIPHERS/.test(error);
}

/** The diagnosis for a server that completed a TLS 1.0/1.1 handshake after refusing a modern one. */
export function legacyTlsDiagnosis(version: string): Diagnosis {
  return {
    code: "tls.handshake-failed",
    summary: `The server only speaks ${version}, which is too old`,
    cause:
      `The server refused a TLS 1.2/1.3 handshake but completed a ${version} one when asked: it speaks nothing newer, and smtpilot, like current mail clients, refuses TLS 1.0 and 1.1 (RFC 8996).`,
    next:
      "Enable TLS 1.2 or later on the server (its TLS protocol settings; an old appliance may need a firmware update).",
  };
}

/** The diagnosis for a TLS alert the server sent during the handshake. */
export function alertDiagnosis(alert: string, name: string): Diagnosis {
  const summary = `The server ended the TLS handshake with the alert "${alert}"`;
  const code = "tls.handshake-failed";
  const next =
    "Check the server's TLS configuration (certificate and key, protocols, ciphers) and its log for this connection.";
  switch (alert) {
    case "internal error":
      return {
        code,
        summary,
        cause:
          "The server answered in TLS, then failed on its own side of the handshake: it could not use its private key or certificate, or its TLS library failed (OpenSMTPD 6.8 with OpenSSL 3 does this on every handshake).",
        next: "Check the server's key and certificate set-up and its log; nothing on this client's side can fix it.",
      };
    case "unrecognized name":
      return {
        code,
        summary,
        cause: `The server has no certificate for the name ${name} sent in SNI.`,
        next: "Connect with a name the server hosts (--host, or --servername NAME).",
      };
    case "access denied":
      return {
        code,
        summary,
        cause:
          "The server refused the TLS handshake by policy (this client's address or the lack of a client certificate).",
        next,
      };
    default:
      return {
        code,
        summary,
        cause: _VERSION_OR_CIPHER_ALERTS.has(alert)
          ? "Client and server share no TLS version or cipher suite (the server may only offer TLS 1.0/1.1 or old ciphers)."
          : "The server answered in TLS and broke the handshake off with this alert.",
        next,
      };
  }
}

/** The diagnosis for a handshake that failed without an alert. */
export function handshakeDiagnosis(error: string): Diagnosis {
  if (error === "ECONNRESET" || error === "EPIPE") {
    return {
      code: "tls.connection-dropped",
      summary: `The server closed the connection during the TLS handshake (${error})`,
      cause:
        "The server accepted the connection (or gave the go-ahead for TLS) and hung up mid-handshake: a TLS fault on the server, such as a missing or unreadable certificate or key, or a server that only speaks TLS versions older than 1.2.",
      next: "Check the server's TLS certificate/key and protocol versions, and its log for this connection.",
    };
  }
  return {
    code: "tls.handshake-failed",
    summary: `The TLS handshake failed (${error})`,
    cause: /VERSION|PROTOCOL|CIPHER|HANDSHAKE_FAILURE/i.test(error)
      ? "Client and server share no TLS version or cipher suite (the server may only offer TLS 1.0/1.1)."
      : "The server broke off the TLS handshake or answered with something that is not TLS.",
    next:
      "Check the server's TLS configuration (protocols, ciphers, certificate/key pair) and the --tls mode for this port.",
  };
}
