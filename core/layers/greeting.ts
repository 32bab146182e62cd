/**
 * Layer greeting: the server's 220 banner. A 5xx banner (often a blocklist), a
 * 421 (busy), silence, a close, or bytes of another protocol each get their
 * own code.
 */
import { interpretReply } from "../knowledge/interpret-reply.ts";
import { failed, type LayerResult, passed, type Warning } from "../layer.ts";
import { SmtpReadError } from "../smtp/connection.ts";
import { replyLine } from "../smtp/reply.ts";
import { protocolOf } from "../tls/port-speaks.ts";
import { type LayerContext, since } from "./context.ts";
import { readFailureDiagnosis, readFailureFacts } from "./_failure.ts";
import type { FirstContact } from "./first-contact.ts";

/** Banners slower than this earn `greeting.slow` (clients often give up at 5–30 s). */
export const SLOW_GREETING_MS = 2000;

/** Runs the greeting layer. `start` is when the connection became usable for SMTP. */
export async function runGreeting(ctx: LayerContext, start: number, contact: FirstContact): Promise<LayerResult> {
  const conn = ctx.state.conn;
  if (!conn) throw new Error("Greeting layer ran without a connection");
  if (contact.kind === "other") {
    return failed("greeting", since(ctx, start), { portSpeaks: contact.speaks }, _notSmtp(contact.speaks));
  }
  if (contact.kind === "silent") {
    const unprobed = contact.probed === "off";
    return failed("greeting", since(ctx, start), { waitedMs: since(ctx, start), portSpeaks: contact.probed }, {
      code: "greeting.timeout",
      summary: `No greeting within ${ctx.options.timeoutMs} ms`,
      cause: unprobed
        ? "The port accepted the connection but the server never sent its 220 banner (side probes were off, so whether it waits for implicit TLS was not checked)."
        : "The port accepted the connection but the server never sent its 220 banner (and does not answer TLS either).",
      next: unprobed
        ? "Check that this port runs an SMTP server; try --tls implicit in case it expects TLS first, or a longer --timeout for a server with a long greeting pause."
        : "Check that this port runs an SMTP server; a proxy or load balancer with no healthy backend behaves like this.",
    });
  }
  let reply;
  try {
    reply = await conn.readReply(Math.max(1, ctx.options.timeoutMs - since(ctx, start)));
  } catch (err) {
    if (!(err instanceof SmtpReadError)) throw err;
    const f = err.failure;
    const facts = readFailureFacts(f);
    if (f.kind === "protocol" && f.violation.first && f.violation.kind === "not-a-reply") {
      const speaks = protocolOf(Buffer.from(f.violation.line, "latin1"));
      if (speaks !== "other" && speaks !== "smtp") {
        return failed("greeting", since(ctx, start), { ...facts, portSpeaks: speaks }, _notSmtp(speaks));
      }
    }
    if (f.kind === "closed" && !f.midReply) {
      return failed("greeting", since(ctx, start), facts, {
        code: "greeting.connection-closed",
        summary: "The server closed the connection before sending a greeting",
        cause:
          "The server accepted the TCP connection and hung up at once: a connection limit, an access rule or a blocklist on your IP.",
        next: "Check the server's logs for your IP; try from another network to rule out an IP block.",
      });
    }
    return failed("greeting", since(ctx, start), facts, readFailureDiagnosis("greeting", f, "the greeting"));
  }
  const ms = since(ctx, start);
  const facts = { banner: replyLine(reply), latencyMs: ms, summary: replyLine(reply) };
  if (reply.code === 220) {
    // RFC 5321 §4.3.1: the banner starts with the server's domain; later layers compare addresses with it.
    ctx.state.greetingName = reply.lines[0]?.split(/\s/, 1)[0] || undefined;
    const warnings: Warning[] = ms > SLOW_GREETING_MS
      ? [{
        code: "greeting.slow",
        summary: `The greeting took ${ms} ms; impatient clients give up or are flagged as pre-greet talkers`,
      }]
      : [];
    return passed("greeting", ms, facts, warnings);
  }
  if (reply.code >= 400) {
    return failed("greeting", ms, facts, interpretReply("greeting", reply, ctx.rules, ctx.transcript.redact));
  }
  return failed("greeting", ms, facts, {
    code: "greeting.protocol-error",
    summary: `Unexpected greeting code ${reply.code}: ${replyLine(reply)}`,
    cause: "An SMTP greeting is 220 (ready), 421 or 554; this server sent something else.",
    next: "Check that this port runs an SMTP server and not another service or a broken proxy.",
  });
}

function _notSmtp(speaks: string) {
  const what = speaks === "http"
    ? "an HTTP server"
    : speaks === "other"
    ? "an unknown protocol"
    : `${speaks.toUpperCase()}`;
  return {
    code: "greeting.not-smtp",
    summary: `The port speaks ${what}, not SMTP`,
    cause: `Something other than an SMTP server listens on this port (${what}).`,
    next: "Check --host and --port against your provider's SMTP settings (587 STARTTLS, 465 implicit TLS, 25 relay).",
  };
}
