/**
 * Many mail transactions on one session that offers PIPELINING (RFC 2920),
 * one round trip and one write each. RFC 2920 lets the message content open
 * a command group, so each message goes out with the next recipient's MAIL
 * FROM, RCPT TO and DATA right behind its final dot; the server's answer to
 * the dot and the next envelope's replies then come back together.
 *
 * What stays as in a single transaction (transaction.ts): the content of a
 * message is written only after its own DATA got 354 and after the
 * `beforeMessage` hook (the journal's attempt line) ran; a refusal is
 * explained by the same reply knowledge; a 250 after the dot is acceptance,
 * never delivery. A transaction that ended without a final dot (a refused
 * RCPT or DATA) is closed with RSET, pipelined before the next MAIL FROM.
 * Once a recipient's envelope is on the wire it is in flight and finishes;
 * only taking the next one stops.
 */
import { interpretReply } from "../knowledge/interpret-reply.ts";
import type { ReplyRule, ReplyStage } from "../knowledge/reply-rule.ts";
import type { Diagnosis } from "../layer.ts";
import { readFailureDiagnosis } from "../layers/_failure.ts";
import type { Capabilities } from "../smtp/capabilities.ts";
import { type SmtpConnection, SmtpReadError } from "../smtp/connection.ts";
import { replyLine, type SmtpReply } from "../smtp/reply.ts";
import {
  DATA_END_TIMEOUT_MS,
  dotStuff,
  mailCommand,
  queueIdOf,
  type RecipientOutcome,
  type TransactionOutcome,
} from "./transaction.ts";

/** One recipient and its message. */
export interface PipelineItem {
  address: string;
  message: Buffer;
  /** Needs SMTPUTF8 (checked by the caller against the server's capabilities). */
  smtputf8: boolean;
}

/** What the session loop asks of its caller. */
export interface PipelineHooks<T extends PipelineItem> {
  /**
   * The next recipient (rate limit and stop applied), or undefined. With
   * `wait` false it never waits for the rate limit: it answers at once
   * (undefined when the next slot is not due yet) — what a transaction in
   * its data phase asks, since nothing may hold a server between 354 and
   * the message.
   */
  next(wait: boolean): Promise<T | undefined>;
  /** Right before the item's message bytes are written: the journal's attempt point. */
  beforeMessage(item: T): void;
  /** The item's outcome; `attempted` when its message bytes were written. */
  settle(item: T, outcome: TransactionOutcome, attempted: boolean): void;
}

/** The session and how to explain what it says. */
export interface PipelineSession {
  conn: SmtpConnection;
  caps: Capabilities;
  rules: readonly ReplyRule[];
  redact: (text: string) => string;
  envelopeFrom: string;
  timeoutMs: number;
}

/**
 * Runs transactions until `next()` has nothing more or the session breaks.
 * Returns how many items were settled; never throws for server behaviour (a
 * read failure settles what was in flight: attempted → answer unknown).
 */
export async function runPipelined<T extends PipelineItem>(
  s: PipelineSession,
  hooks: PipelineHooks<T>,
): Promise<number> {
  const explain = (stage: ReplyStage, reply: SmtpReply) => interpretReply(stage, reply, s.rules, s.redact);
  let settled = 0;
  let resetFirst = false;
  /** The envelope commands of `item` (after RSET when a transaction is open), and the replies they await. */
  const envelope = (item: T): { lines: string[]; stages: (ReplyStage | "rset")[] } => {
    const lines = [
      ...(resetFirst ? ["RSET"] : []),
      mailCommand(s.envelopeFrom, item.message.length, item.smtputf8, s.caps),
      `RCPT TO:<${item.address}>`,
      "DATA",
    ];
    const stages: (ReplyStage | "rset")[] = [...(resetFirst ? ["rset" as const] : []), "mail", "rcpt", "data"];
    resetFirst = false;
    return { lines, stages };
  };

  const first = await hooks.next(true);
  if (!first) return 0;
  let cur: T = first;
  let pending = envelope(cur);
  s.conn.sendBatch(pending.lines);
  let attempted = false;
  let next: T | undefined;
  try {
    for (;;) {
      const replies = new Map<ReplyStage | "rset", SmtpReply>();
      for (const stage of pending.stages) replies.set(stage, await s.conn.readReply(s.timeoutMs));
      const refusal = _envelopeRefusal(cur.address, replies, explain, s.redact);
      if (refusal) {
        const data = replies.get("data");
        if (data?.code === 354) {
          // 354 with no valid recipient: an empty message ends the data phase, never the content.
          s.conn.sendRaw(Buffer.from(".\r\n"), "<empty message: no recipient was accepted>");
          await s.conn.readReply(s.timeoutMs);
        } else {
          resetFirst = replies.get("mail")?.code === 250;
        }
        hooks.settle(cur, refusal, false);
        settled++;
        const after = await hooks.next(true);
        if (!after) {
          if (resetFirst) await s.conn.command("RSET", Math.min(s.timeoutMs, 5000)).catch(() => undefined);
          return settled;
        }
        cur = after;
        pending = envelope(cur);
        s.conn.sendBatch(pending.lines);
        continue;
      }
      // 354: the message, with the next envelope pipelined behind its final dot when that one is due now.
      next = await hooks.next(false);
      const following = next ? envelope(next) : undefined;
      hooks.beforeMessage(cur);
      attempted = true;
      s.conn.sendRaw(
        dotStuff(cur.message, following && Buffer.from(following.lines.map((l) => `${l}\r\n`).join(""), "latin1")),
        `<message, ${cur.message.length} bytes>`,
      );
      for (const line of following?.lines ?? []) s.conn.transcript.add("C", line);
      const final = await s.conn.readReply(Math.max(s.timeoutMs, DATA_END_TIMEOUT_MS));
      hooks.settle(cur, _finalOutcome(cur.address, replies.get("rcpt") as SmtpReply, final, explain, s.redact), true);
      settled++;
      attempted = false;
      if (!next || !following) {
        // Nothing was due during the data phase: wait for the pace between transactions, never inside one.
        const later = await hooks.next(true);
        if (!later) return settled;
        cur = later;
        pending = envelope(cur);
        s.conn.sendBatch(pending.lines);
        continue;
      }
      cur = next;
      next = undefined;
      pending = following;
    }
  } catch (err) {
    if (!(err instanceof SmtpReadError)) throw err;
    const d = readFailureDiagnosis("envelope", err.failure, "the mail transaction");
    const broken = (address: string): TransactionOutcome => ({
      accepted: false,
      recipients: [{ address, status: "deferred", reply: d.summary, diagnosis: d }],
      reply: d.summary,
      diagnosis: d,
      reusable: false,
    });
    // In flight: the current item (its message may have left), and the next one's envelope only.
    hooks.settle(cur, broken(cur.address), attempted);
    if (next) hooks.settle(next, broken(next.address), false);
    return settled + 1 + (next ? 1 : 0);
  }
}

/** The refusal in an envelope's replies (MAIL, RCPT, DATA), or undefined when DATA got 354 for an accepted recipient. */
function _envelopeRefusal(
  address: string,
  replies: ReadonlyMap<ReplyStage | "rset", SmtpReply>,
  explain: (stage: ReplyStage, reply: SmtpReply) => Diagnosis,
  redact: (text: string) => string,
): TransactionOutcome | undefined {
  for (const stage of ["mail", "rcpt", "data"] as const) {
    const reply = replies.get(stage) as SmtpReply;
    const ok = stage === "mail"
      ? reply.code === 250
      : stage === "rcpt"
      ? reply.code === 250 || reply.code === 251
      : reply.code === 354;
    if (ok) continue;
    const d = explain(stage, reply);
    const o: RecipientOutcome = {
      address,
      status: reply.code >= 500 ? "rejected" : "deferred",
      reply: d.summary,
      diagnosis: d,
    };
    return { accepted: false, recipients: [o], reply: redact(replyLine(reply)), diagnosis: d, reusable: true };
  }
  return undefined;
}

/** The outcome of a message from the reply to its final dot. */
function _finalOutcome(
  address: string,
  rcpt: SmtpReply,
  final: SmtpReply,
  explain: (stage: ReplyStage, reply: SmtpReply) => Diagnosis,
  redact: (text: string) => string,
): TransactionOutcome {
  if (final.code === 250) {
    const queueId = queueIdOf(final, redact);
    // The reply texts of an acceptance are read only when shown (a list send journals the queue id):
    // made when asked, not for each of a list's messages.
    const recipients: RecipientOutcome[] = [{
      address,
      status: "accepted",
      get reply() {
        return redact(replyLine(rcpt));
      },
    }];
    return {
      accepted: true,
      recipients,
      get reply() {
        return redact(replyLine(final));
      },
      ...(queueId ? { queueId } : {}),
      reusable: true,
    };
  }
  const reply = redact(replyLine(final));
  const d = explain("data", final);
  const status = final.code >= 500 ? "rejected" : "deferred";
  return {
    accepted: false,
    recipients: [{ address, status, reply: d.summary, diagnosis: d }],
    reply,
    diagnosis: d,
    reusable: true,
  };
}
