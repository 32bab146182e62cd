/**
 * Layer ehlo: the server accepts our EHLO (or, failing that, HELO) and says
 * what it supports — before and after STARTTLS, compared.
 */
import os from "node:os";
import { interpretReply } from "../knowledge/interpret-reply.ts";
import { type Diagnosis, type Facts, failed, type LayerResult, passed, type Warning } from "../layer.ts";
import { type Capabilities, compareCapabilities, notableExtensions, parseCapabilities } from "../smtp/capabilities.ts";
import { SmtpReadError } from "../smtp/connection.ts";
import { replyLine } from "../smtp/reply.ts";
import { type LayerContext, since } from "./context.ts";
import { readFailureDiagnosis, readFailureFacts } from "./_failure.ts";

/** Outcome of one EHLO exchange. */
export type EhloOutcome =
  | { ok: true; caps: Capabilities; helo: boolean }
  | { ok: false; facts: Facts; diagnosis: Diagnosis };

/**
 * The EHLO name: `--ehlo-name`, else this machine's name when it is a real
 * FQDN, else the address literal of our end of the connection (RFC 5321
 * §4.1.4) — never a bare `localhost`, which many servers reject.
 */
export function defaultEhloName(localAddress: string | undefined): string {
  const host = os.hostname();
  if (host.includes(".") && !/^localhost(\.|$)/i.test(host)) return host;
  if (!localAddress) return "[127.0.0.1]";
  const addr = localAddress.replace(/^::ffff:/, "");
  return addr.includes(":") ? `[IPv6:${addr}]` : `[${addr}]`;
}

/** Sends EHLO (falling back to HELO when EHLO is not recognised) and parses the answer. */
export async function ehloExchange(ctx: LayerContext): Promise<EhloOutcome> {
  const conn = ctx.state.conn;
  if (!conn) throw new Error("EHLO without a connection");
  const name = ctx.state.ehloName ?? "[127.0.0.1]";
  try {
    const reply = await conn.command(`EHLO ${name}`, ctx.options.timeoutMs);
    if (reply.code === 250) return { ok: true, caps: parseCapabilities(reply), helo: false };
    const facts = { ehloName: name, reply: replyLine(reply) };
    // 500/502: an old server without ESMTP; HELO still gets us a plain SMTP session.
    if (reply.code !== 500 && reply.code !== 502) {
      return { ok: false, facts, diagnosis: interpretReply("ehlo", reply, ctx.rules, ctx.transcript.redact) };
    }
    const helo = await conn.command(`HELO ${name}`, ctx.options.timeoutMs);
    if (helo.code === 250) {
      return { ok: true, caps: parseCapabilities({ ...helo, lines: [helo.lines[0] ?? ""] }), helo: true };
    }
    return {
      ok: false,
      facts: { ...facts, heloReply: replyLine(helo) },
      diagnosis: interpretReply("helo", helo, ctx.rules, ctx.transcript.redact),
    };
  } catch (err) {
    if (!(err instanceof SmtpReadError)) throw err;
    return {
      ok: false,
      facts: { ehloName: name, ...readFailureFacts(err.failure) },
      diagnosis: readFailureDiagnosis("ehlo", err.failure, "EHLO"),
    };
  }
}

/** The failed ehlo layer for an outcome that failed. */
export function ehloFailed(
  ctx: LayerContext,
  start: number,
  outcome: Extract<EhloOutcome, { ok: false }>,
): LayerResult {
  return failed("ehlo", since(ctx, start), outcome.facts, outcome.diagnosis);
}

/**
 * Runs the ehlo layer's final exchange (over TLS when TLS is in force) and
 * reports the capabilities, compared with those seen before STARTTLS.
 */
export async function runEhlo(ctx: LayerContext, start: number): Promise<LayerResult> {
  const { state } = ctx;
  const overTls = state.tls !== "none";
  let helo = state.usedHelo;
  if (overTls || !state.capsBefore) {
    const outcome = await ehloExchange(ctx);
    if (!outcome.ok) return ehloFailed(ctx, start, state.capsBefore ? _afterStartTls(outcome) : outcome);
    helo = helo || outcome.helo;
    if (overTls) state.capsAfter = outcome.caps;
    else state.capsBefore = outcome.caps;
  }
  state.usedHelo = helo;
  const caps = (overTls ? state.capsAfter : state.capsBefore) as Capabilities;
  const warnings: Warning[] = [];
  if (state.capsBefore && state.capsBefore.auth.length > 0) {
    warnings.push({
      code: "ehlo.auth-offered-in-clear",
      summary: `The server offers AUTH (${
        state.capsBefore.auth.join(" ")
      }) before encryption; clients that use it send passwords in clear`,
    });
  }
  if (helo) {
    warnings.push({
      code: "ehlo.helo-fallback",
      summary: "EHLO was refused and HELO used: no extensions (no STARTTLS, AUTH, SIZE, PIPELINING)",
    });
  }
  const facts: Facts = {
    ehloName: state.ehloName,
    domain: caps.domain,
    extensions: notableExtensions(caps),
    keywords: caps.keywords,
    auth: caps.auth,
    ...(caps.size === undefined ? {} : { sizeLimit: caps.size }),
    ...(helo ? { helo: true } : {}),
    summary: `${caps.domain || "server"}: ${notableExtensions(caps).join(" ") || "no extensions"}`,
  };
  if (state.capsBefore && state.capsAfter) {
    facts.beforeTls = notableExtensions(state.capsBefore);
    facts.changedByTls = compareCapabilities(state.capsBefore, state.capsAfter);
  }
  return passed("ehlo", since(ctx, start), facts, warnings);
}

/**
 * A server that answered the first EHLO and STARTTLS but drops the session at
 * the EHLO over TLS is broken on its side (Postfix does this when its SASL
 * backend is unreachable: "fatal: no SASL authentication mechanisms").
 */
function _afterStartTls(outcome: Extract<EhloOutcome, { ok: false }>): Extract<EhloOutcome, { ok: false }> {
  if (outcome.diagnosis.code !== "ehlo.connection-dropped") return outcome;
  return {
    ok: false,
    facts: { ...outcome.facts, afterStartTls: true },
    diagnosis: {
      ...outcome.diagnosis,
      cause:
        "The server accepted EHLO and STARTTLS, then dropped the session at the EHLO over TLS: a fault on the server (often an unreachable SASL/auth backend), not on this client.",
      next:
        'Tell the server\'s administrator; its mail log shows the reason (Postfix: "fatal: no SASL authentication mechanisms").',
    },
  };
}
