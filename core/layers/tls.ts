/**
 * Layer tls: a verified TLS session, by implicit TLS or STARTTLS. Reports
 * protocol, cipher and certificate; names a certificate failure from the
 * certificate itself, and a port that speaks another TLS mode as a mismatch.
 */
import type net from "node:net";
import { connectWithin, release } from "../io.ts";
import { interpretReply } from "../knowledge/interpret-reply.ts";
import { type Diagnosis, type Facts, failed, type LayerResult, passed } from "../layer.ts";
import { SmtpConnection, SmtpReadError } from "../smtp/connection.ts";
import { hasCapability } from "../smtp/capabilities.ts";
import { replyLine } from "../smtp/reply.ts";
import { Transcript } from "../smtp/transcript.ts";
import { certificateFacts, certificateWarnings, classifyCertificateFailure } from "../tls/certificate.ts";
import { legacyTlsVersion, verifiedHandshake } from "../tls/handshake.ts";
import { alertOf, listenFirst, type PortProtocol } from "../tls/port-speaks.ts";
import { type LayerContext, probeTarget, since } from "./context.ts";
import { readFailureDiagnosis, readFailureFacts } from "./_failure.ts";
import {
  alertDiagnosis,
  certificateDiagnosis,
  handshakeDiagnosis,
  legacyTlsDiagnosis,
  mayBeLegacyTls,
} from "./_tls-failure.ts";
import { PROBE_MS } from "./first-contact.ts";

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

/**
 * Implicit TLS: the handshake is the first thing on the connection. `facts`
 * carries what led here (a detection by --tls auto). A failure without any
 * TLS answer is checked on a side connection that only listens: a plaintext
 * banner there means the port speaks STARTTLS-style SMTP (a mode mismatch).
 */
export async function runImplicitTls(ctx: LayerContext, start: number, facts: Facts = {}): Promise<LayerResult> {
  const socket = ctx.state.rawSocket;
  if (!socket) throw new Error("Implicit TLS without a socket");
  const result = await _handshake(ctx, socket, start, { mode: "implicit", ...facts });
  const code = result.diagnosis?.code;
  if (code !== "tls.handshake-failed" && code !== "tls.connection-dropped") return result;
  // An alert, an old TLS version or a side probe's ServerHello: the port speaks TLS, whatever failed.
  if (result.facts.serverAlert || result.facts.legacyTls || ctx.state.tlsProbe?.speaksTls) return result;
  // The TLS stack saw bytes that are not TLS: a plaintext server, even if its banner is too slow to see.
  const nonTls = _NON_TLS_ERRORS.test(String(result.facts.error ?? ""));
  const speaks: PortProtocol | "off" = ctx.options.probes === "off" ? "off" : await listenFirst(
    probeTarget(ctx, PROBE_MS),
    "to see whether the port is plaintext SMTP (the TLS handshake failed)",
  );
  const slowPlaintext = nonTls && (speaks === "silent" || speaks === "closed" || speaks === "off");
  result.facts.portSpeaks = slowPlaintext ? "not-tls" : speaks;
  if (speaks === "smtp" || slowPlaintext) {
    return failed("tls", since(ctx, start), result.facts, modeMismatch("implicit TLS", "smtp", ctx.options.port));
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
    }, certificateDiagnosis(code, name, cert, ctx.options.ca !== undefined));
  }
  if (result.reason === "timeout") {
    return failed("tls", since(ctx, start), facts, {
      code: "tls.timeout",
      summary: `The TLS handshake did not finish within ${ctx.options.timeoutMs} ms`,
      cause: "The server stopped answering during the TLS handshake.",
      next: "Retry with a longer --timeout; check for a middlebox that intercepts TLS on this port.",
    });
  }
  const alert = alertOf(result.code);
  ctx.transcript.add("*", `TLS handshake failed: ${alert ? `the server sent the alert "${alert}"` : result.code}`);
  const failure: Facts = {
    ...facts,
    error: result.code,
    ...(alert ? { serverAlert: alert } : { message: result.message }),
  };
  if (mayBeLegacyTls(result.code, alert)) {
    const legacy = await _legacyProbe(ctx, name);
    if (legacy) return failed("tls", since(ctx, start), { ...failure, legacyTls: legacy }, legacyTlsDiagnosis(legacy));
  }
  return failed(
    "tls",
    since(ctx, start),
    failure,
    alert ? alertDiagnosis(alert, name) : handshakeDiagnosis(result.code),
  );
}

/**
 * Asks the server, on a side connection, for TLS 1.0/1.1 only (after EHLO and
 * STARTTLS when the session uses STARTTLS): the version it completes, if any.
 * The side connection sends nothing else and is closed right after.
 */
async function _legacyProbe(ctx: LayerContext, name: string): Promise<string | undefined> {
  if (ctx.options.probes === "off") return undefined;
  const target = probeTarget(ctx, PROBE_MS);
  let socket: net.Socket;
  try {
    socket = await connectWithin(target.connect, target.address, target.port, target.timeoutMs);
  } catch {
    return undefined;
  }
  const starttls = ctx.state.tls === "starttls";
  target.note?.(
    `side connection: ${starttls ? "EHLO and STARTTLS, then " : ""}a ClientHello offering only TLS 1.0/1.1, ` +
      "to learn whether the server speaks nothing newer; closed right after the handshake",
  );
  try {
    if (starttls && !await _startTlsOn(ctx, socket, target.timeoutMs)) return undefined;
    const version = await legacyTlsVersion(socket, name, target.timeoutMs);
    target.note?.(`side connection: ${version ? `the server completed a ${version} handshake` : "refused that too"}`);
    return version;
  } finally {
    await release(socket);
  }
}

/** Banner, EHLO and STARTTLS on a side connection, recorded in a transcript of its own that is dropped. */
async function _startTlsOn(ctx: LayerContext, socket: net.Socket, timeoutMs: number): Promise<boolean> {
  const side = new SmtpConnection(socket, new Transcript(ctx.io.clock.now));
  try {
    if ((await side.readReply(timeoutMs)).code !== 220) return false;
    if ((await side.command(`EHLO ${ctx.state.ehloName ?? "[127.0.0.1]"}`, timeoutMs)).code !== 250) return false;
    if ((await side.command("STARTTLS", timeoutMs)).code !== 220) return false;
    side.detach();
    return true;
  } catch (err) {
    if (err instanceof SmtpReadError) return false;
    throw err;
  }
}
