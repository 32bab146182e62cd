/**
 * Layer envelope: MAIL FROM and RCPT TO are accepted, then RSET. No DATA ever:
 * a diagnosis never sends mail, and a 250 here means "the server would accept
 * this envelope", not delivery.
 */
import { interpretReply } from "../knowledge/interpret-reply.ts";
import type { ReplyStage } from "../knowledge/reply-rule.ts";
import { type Diagnosis, type Facts, failed, type LayerResult, passed } from "../layer.ts";
import { hasCapability } from "../smtp/capabilities.ts";
import { SmtpReadError } from "../smtp/connection.ts";
import { replyLine, replyText } from "../smtp/reply.ts";
import { currentCapabilities, type LayerContext, since } from "./context.ts";
import { readFailureDiagnosis, readFailureFacts } from "./_failure.ts";

/** Runs the envelope layer; requires --from and at least one --to. */
export async function runEnvelope(ctx: LayerContext, start: number): Promise<LayerResult> {
  const conn = ctx.state.conn;
  const caps = currentCapabilities(ctx);
  const { from = "", to, declaredSize } = ctx.options;
  if (!conn || !caps) throw new Error("Envelope layer without a session");
  const params: string[] = [];
  if (caps.size !== undefined) params.push(`SIZE=${declaredSize}`);
  if (hasCapability(caps, "8BITMIME")) params.push("BODY=8BITMIME");
  // A non-ASCII local part (RFC 6531) may only cross with the server's SMTPUTF8; domains were
  // already turned into A-labels, so any non-ASCII left is in a local part.
  const utf8 = [from, ...to].filter((a) => _NON_ASCII.test(a));
  if (utf8.length > 0) {
    if (!hasCapability(caps, "SMTPUTF8")) {
      return failed("envelope", since(ctx, start), { from, to, utf8Addresses: utf8, offered: caps.keywords }, {
        code: "envelope.smtputf8-required",
        summary: `${utf8.join(", ")} needs SMTPUTF8, which the server does not offer`,
        cause:
          "The address has non-ASCII characters before the @, and a server may only receive such an address when it offers the SMTPUTF8 extension (RFC 6531); this one does not, so nothing was sent.",
        next:
          "Use an ASCII address for this server (an alias of the same mailbox), or a server that offers SMTPUTF8; a non-ASCII domain alone is fine (it is sent as xn--).",
      });
    }
    params.push("SMTPUTF8");
  }
  const facts: Record<string, unknown> = { from, to, parameters: params };
  const steps: { stage: ReplyStage; line: string; rcpt?: string }[] = [
    { stage: "mail", line: `MAIL FROM:<${from}>${params.length ? ` ${params.join(" ")}` : ""}` },
    ...to.map((rcpt) => ({ stage: "rcpt" as const, line: `RCPT TO:<${rcpt}>`, rcpt })),
  ];
  const replies: string[] = [];
  for (const step of steps) {
    try {
      const reply = await conn.command(step.line, ctx.options.timeoutMs);
      replies.push(replyLine(reply));
      if (reply.code !== 250 && reply.code !== 251) {
        let diagnosis: Diagnosis = interpretReply(step.stage, reply, ctx.rules, ctx.transcript.redact);
        await _reset(ctx);
        let context: Facts = {};
        if (step.stage === "rcpt" && step.rcpt !== undefined) {
          // Loaded on a refusal only: its relay check loads the Public Suffix List, which an accepted
          // envelope (and every session of a scale send, which opens through this engine) never needs.
          const { recipientInContext } = await import("./_recipient-context.ts");
          ({ diagnosis, facts: context } = recipientInContext(
            ctx,
            step.rcpt,
            replyText(reply),
            diagnosis,
            conn.closed,
          ));
        }
        return failed("envelope", since(ctx, start), { ...facts, replies, failedAt: step.line, ...context }, diagnosis);
      }
    } catch (err) {
      if (!(err instanceof SmtpReadError)) throw err;
      return failed("envelope", since(ctx, start), {
        ...facts,
        replies,
        failedAt: step.line,
        ...readFailureFacts(err.failure),
      }, readFailureDiagnosis("envelope", err.failure, step.line.split(":")[0] ?? step.line));
    }
  }
  await _reset(ctx);
  return passed("envelope", since(ctx, start), {
    ...facts,
    replies,
    summary: `envelope accepted for ${to.length} recipient(s); no DATA sent, nothing delivered`,
  });
}

// deno-lint-ignore no-control-regex
const _NON_ASCII = /[^\x00-\x7f]/;

/** RSET so the server drops the transaction; its answer does not change the verdict. */
async function _reset(ctx: LayerContext): Promise<void> {
  try {
    await ctx.state.conn?.command("RSET", Math.min(ctx.options.timeoutMs, 3000));
  } catch {
    // The verdict is already known; a missing RSET reply changes nothing.
  }
}
