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
import { assertCommandLine, commandLines, type SmtpConnection, SmtpReadError } from "../smtp/connection.ts";
import { replyLine, type SmtpReply } from "../smtp/reply.ts";
import {
  DATA_END_TIMEOUT_MS,
  dotStuff,
  frameInRoom,
  mailCommandFor,
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
  /**
   * The message's own buffer with room after it, when no line of the
   * message starts with a dot: `message` is its first bytes, and the rest is
   * free for the final dot and the next envelope (transaction.ts frameInRoom).
   */
  framed?: Buffer | undefined;
}

/** What the session loop asks of its caller. */
export interface PipelineHooks<T extends PipelineItem> {
  /**
   * The next recipient (rate limit and stop applied), or undefined — a
   * value when it can answer at once (the usual case: a scale send takes
   * thousands a second), else a promise. With `wait` false it never waits
   * for the rate limit: it answers at once (undefined when the next slot is
   * not due yet) — what a transaction in its data phase asks, since nothing
   * may hold a server between 354 and the message.
   */
  next(wait: boolean): T | undefined | Promise<T | undefined>;
  /**
   * Right before the item's message bytes are written: the journal's
   * attempt point. When it returns a promise, the bytes are written only
   * once it resolves (the attempt is then on record); a rejection sends
   * nothing and ends the session's loop with that error.
   */
  beforeMessage(item: T): void | Promise<void>;
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
  const conn = s.conn;
  const explain = (stage: ReplyStage, reply: SmtpReply) => interpretReply(stage, reply, s.rules, s.redact);
  const mail = mailCommandFor(s.envelopeFrom, s.caps);
  const dataTimeoutMs = Math.max(s.timeoutMs, DATA_END_TIMEOUT_MS);
  let settled = 0;
  let resetFirst = false;
  // MAIL FROM's line holds the sender and numbers: checked for line ends once, the recipient for each message.
  assertCommandLine(mail(0, true));
  /**
   * The envelope commands of `item` as they go on the wire (commandText's
   * form): RSET first when a transaction is still open, then MAIL, RCPT, DATA.
   */
  const envelope = (item: T): string => {
    assertCommandLine(item.address);
    const reset = resetFirst ? "RSET\r\n" : "";
    resetFirst = false;
    return `${reset}${mail(item.message.length, item.smtputf8)}\r\nRCPT TO:<${item.address}>\r\nDATA\r\n`;
  };
  /** Writes an envelope on its own (the first, or after a refusal), as sendBatch writes command lines. */
  const sendEnvelope = (text: string): void => conn.sendBatch(commandLines(text));
  // Replies are taken as they are when they have arrived (a group's replies come in one segment),
  // and only awaited when they have not: `a ?? await b` awaits nothing in the usual case.

  const first = await hooks.next(true);
  if (!first) return 0;
  let cur: T = first;
  let wire = envelope(cur);
  sendEnvelope(wire);
  let attempted = false;
  let next: T | undefined;
  try {
    for (;;) {
      // RSET's reply closes the last transaction; the refusal is judged on MAIL, RCPT and DATA.
      if (wire.startsWith("RSET")) void (conn.takeReply() ?? await conn.readReply(s.timeoutMs));
      const mailReply = conn.takeReply() ?? await conn.readReply(s.timeoutMs);
      const rcptReply = conn.takeReply() ?? await conn.readReply(s.timeoutMs);
      const dataReply = conn.takeReply() ?? await conn.readReply(s.timeoutMs);
      const refusal = _envelopeRefusal(cur.address, mailReply, rcptReply, dataReply, explain, s.redact);
      if (refusal) {
        if (dataReply.code === 354) {
          // 354 with no valid recipient: an empty message ends the data phase, never the content.
          conn.sendRaw(Buffer.from(".\r\n"), "<empty message: no recipient was accepted>");
          await conn.readReply(s.timeoutMs);
        } else {
          resetFirst = mailReply.code === 250;
        }
        hooks.settle(cur, refusal, false);
        settled++;
        const after = await hooks.next(true);
        if (!after) {
          if (resetFirst) await conn.command("RSET", Math.min(s.timeoutMs, 5000)).catch(() => undefined);
          return settled;
        }
        cur = after;
        wire = envelope(cur);
        sendEnvelope(wire);
        continue;
      }
      // 354: the message, with the next envelope pipelined behind its final dot when that one is due now.
      const due = hooks.next(false);
      next = due instanceof Promise ? await due : due;
      const following = next ? envelope(next) : undefined;
      const recorded = hooks.beforeMessage(cur);
      if (recorded) await recorded;
      attempted = true;
      const framed = cur.framed && frameInRoom(cur.framed, cur.message.length, following);
      conn.sendRaw(framed || dotStuff(cur.message, following), `<message, ${cur.message.length} bytes>`);
      if (following) conn.recordCommands(following, following.startsWith("RSET") ? 4 : 3);
      const final = conn.takeReply() ?? await conn.readReply(dataTimeoutMs);
      hooks.settle(cur, _finalOutcome(cur.address, rcptReply, final, explain, s.redact), true);
      settled++;
      attempted = false;
      if (!next || !following) {
        // Nothing was due during the data phase: wait for the pace between transactions, never inside one.
        const later = await hooks.next(true);
        if (!later) return settled;
        cur = later;
        wire = envelope(cur);
        sendEnvelope(wire);
        continue;
      }
      cur = next;
      next = undefined;
      wire = following;
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
  mail: SmtpReply,
  rcpt: SmtpReply,
  data: SmtpReply,
  explain: (stage: ReplyStage, reply: SmtpReply) => Diagnosis,
  redact: (text: string) => string,
): TransactionOutcome | undefined {
  if (mail.code === 250 && (rcpt.code === 250 || rcpt.code === 251) && data.code === 354) return undefined;
  const [stage, reply] = mail.code !== 250
    ? ["mail" as const, mail]
    : rcpt.code !== 250 && rcpt.code !== 251
    ? ["rcpt" as const, rcpt]
    : ["data" as const, data];
  const d = explain(stage, reply);
  const o: RecipientOutcome = {
    address,
    status: reply.code >= 500 ? "rejected" : "deferred",
    reply: d.summary,
    diagnosis: d,
  };
  return { accepted: false, recipients: [o], reply: redact(replyLine(reply)), diagnosis: d, reusable: true };
}

/**
 * An accepted message's outcome. Its reply texts are made only when read
 * (a list send journals the queue id, never them): not for each of a
 * list's messages.
 */
class _Accepted implements TransactionOutcome {
  readonly accepted = true;
  readonly reusable = true;
  queueId?: string;
  readonly #address: string;
  readonly #rcpt: SmtpReply;
  readonly #final: SmtpReply;
  readonly #redact: (text: string) => string;

  constructor(address: string, rcpt: SmtpReply, final: SmtpReply, redact: (text: string) => string) {
    this.#address = address;
    this.#rcpt = rcpt;
    this.#final = final;
    this.#redact = redact;
    const queueId = queueIdOf(final, redact);
    if (queueId) this.queueId = queueId;
  }

  get reply(): string {
    return this.#redact(replyLine(this.#final));
  }

  get recipients(): RecipientOutcome[] {
    return [{ address: this.#address, status: "accepted", reply: this.#redact(replyLine(this.#rcpt)) }];
  }
}

/** The outcome of a message from the reply to its final dot. */
function _finalOutcome(
  address: string,
  rcpt: SmtpReply,
  final: SmtpReply,
  explain: (stage: ReplyStage, reply: SmtpReply) => Diagnosis,
  redact: (text: string) => string,
): TransactionOutcome {
  if (final.code === 250) return new _Accepted(address, rcpt, final, redact);
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
