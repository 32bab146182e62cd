/**
 * Layer tls: a verified TLS session, by implicit TLS or STARTTLS. Reports
 * protocol, cipher and certificate; names a certificate failure from the
 * certificate itself, and a port that speaks another TLS mode as a mismatch.
 */
import { interpretReply } from "../knowledge/interpret-reply.ts";
import { type Diagnosis, type Facts, failed, type LayerResult, passed } from "../layer.ts";
import { SmtpConnection, SmtpReadError } from "../smtp/connection.ts";
import { hasCapability } from "../smtp/capabilities.ts";
import { replyLine } from "../smtp/reply.ts";
import { certificateFacts, certificateWarnings, classifyCertificateFailure } from "../tls/certificate.ts";
import { verifiedHandshake } from "../tls/handshake.ts";
import { plainSpeaks, type PortProtocol } from "../tls/port-speaks.ts";
import { type LayerContext, since } from "./context.ts";
import { readFailureDiagnosis, readFailureFacts } from "./_failure.ts";
import { PROBE_MS } from "./first-contact.ts";
import type net from "node:net";

/** Handshake errors that mean "the peer answered with bytes that are not TLS" (OpenSSL 3 codes). */
const _NON_TLS_ERRORS = /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|RECORD_LAYER_FAILURE/;

/** The diagnosis for a port that speaks another TLS mode than the one used. */
export function modeMismatch(requested: string, speaks: PortProtocol, port: number): Diagnosis {
  const implicitPort = speaks === "tls";
  return {
    code: "tls.mode-mismatch",
    summary: implicitPort
      ? `Port ${port} speaks implicit TLS, but ${requested} was used`
      : `Port ${port} speaks plaintext SMTP (STARTTLS style), but implicit TLS was used`,
    cause: implicitPort
      ? "The server waits for a TLS ClientHello and sends no banner until it gets one (port 465 style)."
      : "The server sent a plaintext SMTP banner where a TLS handshake was expected (port 587/25 style).",
    next: implicitPort
      ? 'Use --tls implicit (or --tls auto) for this port; in application settings: SSL/TLS, "secure: true".'
      : 'Use --tls starttls (or --tls auto) for this port; in application settings: STARTTLS, "secure: false".',
  };
}

/** Implicit TLS: the handshake is the first thing on the connection. */
export async function runImplicitTls(ctx: LayerContext, start: number): Promise<LayerResult> {
  const socket = ctx.state.rawSocket;
  if (!socket) throw new Error("Implicit TLS without a socket");
  const result = await _handshake(ctx, socket, start, { mode: "implicit" });
  if (result.status === "fail" && result.diagnosis?.code === "tls.handshake-failed") {
    // A plaintext banner breaks the handshake at once; confirm on a side connection what the port speaks.
    const speaks = await plainSpeaks(
      ctx.io.connect,
      ctx.state.address?.address ?? ctx.options.host,
      ctx.options.port,
      Math.min(PROBE_MS, ctx.options.timeoutMs),
    );
    // The TLS stack saw bytes that are not TLS: a plaintext server, even if its banner is too slow for the probe.
    const slowPlaintext = _NON_TLS_ERRORS.test(String(result.facts.error ?? "")) &&
      (speaks === "silent" || speaks === "closed");
    result.facts.portSpeaks = slowPlaintext ? "not-tls" : speaks;
    if (speaks === "smtp" || slowPlaintext) {
      return failed("tls", since(ctx, start), result.facts, modeMismatch("implicit TLS", speaks, ctx.options.port));
    }
  }
  return result;
}

/** STARTTLS: requires the capability, the 220 go-ahead, then the handshake. */
export async function runStartTls(ctx: LayerContext, start: number): Promise<LayerResult> {
  const conn = ctx.state.conn;
  const caps = ctx.state.capsBefore;
  if (!conn || !caps) throw new Error("STARTTLS before EHLO");
  const facts: Facts = { mode: "starttls" };
  if (!hasCapability(caps, "STARTTLS")) {
    return failed("tls", since(ctx, start), { ...facts, offered: caps.keywords }, {
      code: "tls.starttls-not-offered",
      summary: "The server does not offer STARTTLS",
      cause:
        "The EHLO reply lists no STARTTLS, so the session cannot be encrypted on this port (or something on the path strips it).",
      next: ctx.options.port === 587 || ctx.options.port === 25
        ? "Try port 465 with --tls implicit; if this is an internal plaintext relay, re-run with --tls none (credentials are never sent over it)."
        : "Check the port: use the provider's STARTTLS (587) or implicit TLS (465) port; use --tls none only for a plaintext relay.",
    });
  }
  let reply;
  try {
    reply = await conn.command("STARTTLS", ctx.options.timeoutMs);
  } catch (err) {
    if (!(err instanceof SmtpReadError)) throw err;
    return failed(
      "tls",
      since(ctx, start),
      { ...facts, ...readFailureFacts(err.failure) },
      readFailureDiagnosis("tls", err.failure, "STARTTLS"),
    );
  }
  if (reply.code !== 220) {
    return failed(
      "tls",
      since(ctx, start),
      { ...facts, reply: replyLine(reply) },
      interpretReply("starttls", reply, ctx.rules, ctx.transcript.redact),
    );
  }
  // Anything buffered after the 220 came in clear and is discarded with the old parser (STARTTLS injection).
  return await _handshake(ctx, conn.detach(), start, facts);
}

async function _handshake(ctx: LayerContext, socket: net.Socket, start: number, facts: Facts): Promise<LayerResult> {
  const name = ctx.options.servername ?? ctx.options.host;
  const result = await verifiedHandshake(socket, { name, ca: ctx.options.ca, timeoutMs: ctx.options.timeoutMs });
  const now = ctx.io.clock.date();
  facts.nameChecked = name;
  if (ctx.options.ca !== undefined) facts.privateCa = true;
  if (result.ok) {
    ctx.transcript.add("*", `TLS established: ${result.session.protocol} ${result.session.cipher}`);
    const cert = result.certificate ? certificateFacts(result.certificate, now) : undefined;
    if (ctx.state.conn) ctx.state.conn.attach(result.socket);
    else ctx.state.conn = new SmtpConnection(result.socket, ctx.transcript);
    ctx.state.tlsVerified = true;
    const summary = `${result.session.protocol} ${result.session.cipher}` +
      (cert ? `, ${cert.subject}, expires ${cert.notAfter.slice(0, 10)} (${cert.daysLeft} days)` : "");
    return passed(
      "tls",
      since(ctx, start),
      { ...facts, ...result.session, certificate: cert, summary },
      cert ? certificateWarnings(cert) : [],
    );
  }
  ctx.state.conn?.destroy();
  if (result.reason === "certificate") {
    ctx.transcript.add("*", `TLS certificate refused: ${result.stackError}`);
    const cert = result.certificate ? certificateFacts(result.certificate, now) : undefined;
    const code = classifyCertificateFailure(result.certificate, name, now, result.stackError);
    return failed("tls", since(ctx, start), {
      ...facts,
      ...result.session,
      certificate: cert,
      verifyError: result.stackError,
    }, _certDiagnosis(code, name, cert?.sans ?? [], ctx.options.ca !== undefined));
  }
  if (result.reason === "timeout") {
    return failed("tls", since(ctx, start), facts, {
      code: "tls.timeout",
      summary: `The TLS handshake did not finish within ${ctx.options.timeoutMs} ms`,
      cause: "The server stopped answering during the TLS handshake.",
      next: "Retry with a longer --timeout; check for a middlebox that intercepts TLS on this port.",
    });
  }
  ctx.transcript.add("*", `TLS handshake failed: ${result.code}`);
  if (result.code === "ECONNRESET" || result.code === "EPIPE") {
    return failed("tls", since(ctx, start), { ...facts, error: result.code }, {
      code: "tls.connection-dropped",
      summary: `The server closed the connection during the TLS handshake (${result.code})`,
      cause:
        "The server gave the go-ahead for TLS (or accepted the connection) and then hung up mid-handshake: a TLS fault on the server, such as a missing or unreadable certificate or key.",
      next: "Check the server's TLS certificate/key configuration and its log for this connection.",
    });
  }
  return failed("tls", since(ctx, start), { ...facts, error: result.code, message: result.message }, {
    code: "tls.handshake-failed",
    summary: `The TLS handshake failed (${result.code})`,
    cause: /VERSION|PROTOCOL|CIPHER|HANDSHAKE_FAILURE/i.test(result.code)
      ? "Client and server share no TLS version or cipher suite (the server may only offer TLS 1.0/1.1)."
      : "The server broke off the TLS handshake or answered with something that is not TLS.",
    next:
      "Check the server's TLS configuration (protocols, ciphers, certificate/key pair) and the --tls mode for this port.",
  });
}

function _certDiagnosis(code: string, name: string, sans: string[], privateCa: boolean): Diagnosis {
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
        cause: `The certificate is for ${sans.join(", ") || "other names"}, not the name you connected to.`,
        next:
          "Connect with a name the certificate covers (--host, or --servername to check another name), or reissue the certificate with this name.",
      };
    default:
      return {
        code,
        summary: "The server's certificate is not trusted",
        cause: privateCa
          ? "The certificate chain does not lead to the CA given with --ca."
          : "The certificate is self-signed or issued by a CA this machine does not trust (or the server omits its intermediate certificates).",
        next: privateCa
          ? "Pass the CA that issued the server's certificate with --ca FILE."
          : "Install a publicly trusted certificate with its full chain; for a private CA pass it with --ca FILE.",
      };
  }
}
