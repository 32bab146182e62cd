/**
 * The tls layer of a swaks session is judged twice: by smtpilot's own
 * verified handshake on a side connection (the built-in rules, from
 * core/layers/tls.ts) and by swaks' handshake. This combines the two, and
 * brings a side connection to the point where STARTTLS can be sent.
 */
import { X509Certificate } from "node:crypto";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { connectWithin, release } from "../../core/io.ts";
import { type Facts, failed, type LayerResult } from "../../core/layer.ts";
import type { LayerContext } from "../../core/layers/context.ts";
import { ehloExchange } from "../../core/layers/ehlo.ts";
import { certificateDiagnosis, handshakeDiagnosis } from "../../core/layers/_tls-failure.ts";
import type { Capabilities } from "../../core/smtp/capabilities.ts";
import { SmtpConnection, SmtpReadError } from "../../core/smtp/connection.ts";
import { Transcript } from "../../core/smtp/transcript.ts";
import { certificateFacts, classifyCertificateFailure } from "../../core/tls/certificate.ts";
import { tlsFailureCode } from "./swaks-output.ts";
import type { SwaksProgram } from "./swaks-program.ts";
import { unknownLayer } from "./swaks-unknown.ts";
import type { SwaksTls } from "./swaks-wire.ts";

/**
 * The tls layer from both handshakes: smtpilot's finding wins when it
 * failed; swaks must have succeeded too, with the same certificate or one
 * that passes the same rules (its name and dates are checked here; its chain
 * swaks checked with --tls-verify).
 */
export function combineTls(
  own: LayerResult,
  swaks: SwaksTls,
  options: DiagnoseOptions,
  now: Date,
  program: SwaksProgram,
): LayerResult {
  const seen: Facts = swaks.outcome === "started"
    ? {
      outcome: "started",
      protocol: swaks.protocol,
      cipher: swaks.cipher,
      hostNameCheckedBy: program.hostCheck === "native" ? "swaks" : swaks.armed ? "smtpilot-guard" : "smtpilot",
    }
    : swaks.outcome === "failed"
    ? { outcome: "failed", error: swaks.reason }
    : { outcome: "none", ...(swaks.reason ? { error: swaks.reason } : {}) };
  const facts = { ...own.facts, verifiedBy: "smtpilot", swaks: seen };
  if (own.status === "fail") return { ...own, facts };
  if (swaks.outcome === "failed") return failed("tls", own.ms, facts, handshakeDiagnosis(tlsFailureCode(swaks.reason)));
  if (swaks.outcome === "none") {
    const why = swaks.reason ? ` (${swaks.reason})` : "";
    return unknownLayer("tls", own.ms, `swaks did not report a TLS handshake${why}`, facts);
  }
  const mine = (own.facts.certificate as { fingerprint256?: string } | undefined)?.fingerprint256;
  if (swaks.pem === undefined) {
    if (program.hostCheck !== "none") return { ...own, facts };
    return unknownLayer("tls", own.ms, "swaks printed no certificate to compare with smtpilot's verified one", facts);
  }
  const cert = _x509(swaks.pem);
  if (!cert || cert.fingerprint256 === mine) return { ...own, facts };
  const name = options.servername ?? options.host;
  const certFacts = certificateFacts(cert, now);
  const code = classifyCertificateFailure(cert, name, now, "");
  if (code === "tls.cert-untrusted") return { ...own, facts: { ...facts, swaksCertificate: certFacts } };
  return failed(
    "tls",
    own.ms,
    { ...facts, swaksCertificate: certFacts },
    certificateDiagnosis(code, name, certFacts, options.ca !== undefined),
  );
}

/**
 * smtpilot's side connection brought to the point of STARTTLS: banner and
 * EHLO, recorded in a transcript of its own that is dropped.
 */
export async function sideBeforeStartTls(
  ctx: LayerContext,
  address: string,
): Promise<{ conn: SmtpConnection; caps: Capabilities }> {
  const { io, options } = ctx;
  const socket = await connectWithin(io.connect, address, options.port, options.timeoutMs);
  const conn = new SmtpConnection(socket, new Transcript(io.clock.now));
  try {
    const banner = await conn.readReply(options.timeoutMs);
    if (banner.code !== 220) throw new Error(`banner ${banner.code}`);
    const outcome = await ehloExchange({ ...ctx, state: { ...ctx.state, conn } });
    if (!outcome.ok) throw new Error(outcome.diagnosis.code);
    return { conn, caps: outcome.caps };
  } catch (err) {
    conn.destroy();
    await release(socket);
    throw err instanceof SmtpReadError ? new Error(err.failure.kind) : err;
  }
}

function _x509(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}
