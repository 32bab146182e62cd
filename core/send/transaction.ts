/**
 * One mail transaction on an open, authenticated session: MAIL FROM, RCPT TO
 * for each recipient, DATA, the message dot-stuffed, the final dot — with
 * PIPELINING (RFC 2920) when the server offers it, so the envelope and DATA
 * cost one round trip. Replies are read as received and refusals explained
 * by the same reply knowledge as `diagnose`. A 250 after the dot means
 * "accepted and queued", never "delivered".
 */
import { interpretReply } from "../knowledge/interpret-reply.ts";
import type { ReplyRule, ReplyStage } from "../knowledge/reply-rule.ts";
import type { Diagnosis } from "../layer.ts";
import { readFailureDiagnosis } from "../layers/_failure.ts";
import { type Capabilities, hasCapability } from "../smtp/capabilities.ts";
import { type SmtpConnection, SmtpReadError } from "../smtp/connection.ts";
import { replyLine, type SmtpReply } from "../smtp/reply.ts";

/** What to send in one transaction. */
export interface TransactionInput {
  envelopeFrom: string;
  recipients: readonly string[];
  /** The whole message, CRLF line endings. */
  message: Buffer;
  /** Needs SMTPUTF8 (a non-ASCII address or header). */
  smtputf8: boolean;
  timeoutMs: number;
  /** Called right before the message's bytes are written: the journal's "attempt" point. */
  beforeMessage?: () => void;
}

/** The answer for one recipient. */
export interface RecipientOutcome {
  address: string;
  status: "accepted" | "rejected" | "deferred";
  reply: string;
  diagnosis?: Diagnosis;
}

/** The outcome of a transaction: per recipient, plus the queue id when the message was accepted. */
export interface TransactionOutcome {
  accepted: boolean;
  recipients: RecipientOutcome[];
  /** The reply to the final dot (or the refusal that ended the transaction). */
  reply: string;
  queueId?: string;
  diagnosis?: Diagnosis;
  /** The session can carry another transaction (false after a drop or a protocol error). */
  reusable: boolean;
}

/** RFC 5321 §4.5.3.2.6: the client should wait 10 minutes for the reply to the final dot. */
export const DATA_END_TIMEOUT_MS = 600_000;

const _CRLF_DOT = Buffer.from("\r\n.", "latin1");
const _END = Buffer.from(".\r\n", "latin1");
const _CRLF_END = Buffer.from("\r\n.\r\n", "latin1");

/**
 * Dot-stuffs a CRLF message and appends the terminating `.` line (RFC 5321
 * §4.5.2), then `after` (commands pipelined behind the final dot): one
 * buffer, built in one copy — a scale send does this for every message.
 */
export function dotStuff(message: Buffer, after?: Buffer | string): Buffer {
  // Offsets of the dots that start a line: each gets a second dot before it.
  const dots: number[] = message[0] === 0x2e ? [0] : [];
  for (let at = message.indexOf(_CRLF_DOT); at >= 0; at = message.indexOf(_CRLF_DOT, at + 3)) dots.push(at + 2);
  const n = message.length;
  const end = n >= 2 && message[n - 2] === 0x0d && message[n - 1] === 0x0a ? _END : _CRLF_END;
  // Commands are UTF-8 on the wire (an SMTPUTF8 address), as SmtpConnection writes them.
  const tail = after === undefined ? 0 : typeof after === "string" ? Buffer.byteLength(after) : after.length;
  const out = Buffer.allocUnsafe(n + dots.length + end.length + tail);
  let from = 0;
  let to = 0;
  for (const dot of dots) {
    to += message.copy(out, to, from, dot);
    out[to++] = 0x2e;
    from = dot;
  }
  to += message.copy(out, to, from, n);
  to += end.copy(out, to);
  if (typeof after === "string") out.write(after, to, "utf8");
  else if (after) after.copy(out, to);
  return out;
}

/**
 * dotStuff(message, after) for a message with no line starting with a dot,
 * written in place: `framed` holds the message in its first `length` bytes
 * and is the caller's past them. The final dot and `after` go into that
 * room; undefined when they do not fit (then dotStuff).
 */
export function frameInRoom(framed: Buffer, length: number, after?: string): Buffer | undefined {
  const crlf = length >= 2 && framed[length - 2] === 0x0d && framed[length - 1] === 0x0a;
  let to = length + (crlf ? 3 : 5);
  if (to > framed.length) return undefined;
  // The final dot's line (_END, or _CRLF_END when the message does not end with a line end), a few bytes set in place.
  let at = length;
  if (!crlf) {
    framed[at++] = 0x0d;
    framed[at++] = 0x0a;
  }
  framed[at++] = 0x2e;
  framed[at++] = 0x0d;
  framed[at] = 0x0a;
  if (after !== undefined) {
    // Commands are UTF-8 on the wire, as SmtpConnection writes them; a tail that does not fit is never cut
    // (one that fits even at three bytes a UTF-16 unit, the usual envelope, is not counted first).
    if (to + after.length * 3 > framed.length && to + Buffer.byteLength(after) > framed.length) return undefined;
    to += framed.write(after, to, "utf8");
  }
  return framed.subarray(0, to);
}

/**
 * The queue id in a final-dot reply, as the common MTAs word it: Postfix
 * "queued as 4XyZ", Exim "id=1r2AbC-000123-Xy", Sendmail "xxx Message accepted
 * for delivery", Exchange "[InternalId=…] Queued mail for delivery", Gmail's token,
 * SES "Ok 0100018c…". The id is the server's word: `redact` removes any secret
 * it echoes (it is printed, logged and journalled).
 */
export function queueIdOf(reply: SmtpReply, redact: (text: string) => string = (t) => t): string | undefined {
  const text = reply.lines.length === 1 ? (reply.lines[0] as string) : reply.lines.join(" ");
  for (const p of _QUEUE_ID) {
    const m = p.exec(text);
    if (m?.[1]) return redact(m[1]).slice(0, 80);
  }
  return undefined;
}

/** How each MTA words its queue id (queueIdOf), tried in this order; made once, not per message. */
const _QUEUE_ID: readonly RegExp[] = [
  /queued as ([A-Za-z0-9]+)/i,
  /\bid=([A-Za-z0-9-]+)/,
  /^Ok:? ([0-9a-f]{16,}[0-9a-f-]*)/i,
  /^([A-Za-z0-9]{8,20}) Message accepted/i,
  /\b(?:OK|ok)\s+\d{9,}\s+(\S+)\s+-\s+gsmtp/,
  /\[InternalId=(\d+)/,
];

/** The MAIL FROM command: SIZE when the server takes it, BODY=8BITMIME when offered, SMTPUTF8 when needed. */
export function mailCommand(envelopeFrom: string, size: number, smtputf8: boolean, caps: Capabilities): string {
  return mailCommandFor(envelopeFrom, caps)(size, smtputf8);
}

/** mailCommand for one sender and session, the capabilities looked up once (a session sends thousands). */
export function mailCommandFor(envelopeFrom: string, caps: Capabilities): (size: number, smtputf8: boolean) => string {
  const sized = caps.size !== undefined;
  const body = hasCapability(caps, "8BITMIME") ? " BODY=8BITMIME" : "";
  return (size, smtputf8) =>
    `MAIL FROM:<${envelopeFrom}>${sized ? ` SIZE=${size}` : ""}${body}${smtputf8 ? " SMTPUTF8" : ""}`;
}

/** Runs one transaction. Never throws for server behaviour: refusals and drops are outcomes. */
export async function runTransaction(
  conn: SmtpConnection,
  caps: Capabilities,
  input: TransactionInput,
  rules: readonly ReplyRule[],
  redact: (text: string) => string,
): Promise<TransactionOutcome> {
  if (input.smtputf8 && !hasCapability(caps, "SMTPUTF8")) {
    // Never downgrade an internationalised address: the server could not deliver it as written.
    const d: Diagnosis = {
      code: "envelope.smtputf8-required",
      summary: "The message needs SMTPUTF8 (a non-ASCII address), which this server does not offer",
      cause: "An address has a non-ASCII local part; without the SMTPUTF8 extension the server cannot accept it.",
      next: "Use an ASCII address, or a server (provider) that offers SMTPUTF8.",
    };
    const recipients = input.recipients.map((r) => ({
      address: r,
      status: "rejected" as const,
      reply: d.summary,
      diagnosis: d,
    }));
    return { accepted: false, recipients, reply: d.summary, diagnosis: d, reusable: true };
  }
  const commands: { stage: ReplyStage; line: string; rcpt?: string }[] = [
    { stage: "mail", line: mailCommand(input.envelopeFrom, input.message.length, input.smtputf8, caps) },
    ...input.recipients.map((r) => ({ stage: "rcpt" as const, line: `RCPT TO:<${r}>`, rcpt: r })),
    { stage: "data", line: "DATA" },
  ];
  const explain = (stage: ReplyStage, reply: SmtpReply) => interpretReply(stage, reply, rules, redact);
  const outcomes: RecipientOutcome[] = [];
  const pipelined = hasCapability(caps, "PIPELINING");
  try {
    if (pipelined) conn.sendBatch(commands.map((c) => c.line));
    let mailOk = true;
    for (const c of commands) {
      if (!pipelined) {
        // Without PIPELINING, stop at the first refusal that ends the transaction.
        if (c.stage === "data" && (!mailOk || outcomes.every((o) => o.status !== "accepted"))) break;
        if (c.stage === "rcpt" && !mailOk) break;
        conn.send(c.line);
      }
      const reply = await conn.readReply(input.timeoutMs);
      if (c.stage === "mail") {
        mailOk = reply.code === 250;
        if (!mailOk) {
          const d = explain("mail", reply);
          for (const r of input.recipients) outcomes.push(_refused(r, reply, d));
        }
      } else if (c.stage === "rcpt" && c.rcpt !== undefined && mailOk) {
        outcomes.push(
          reply.code === 250 || reply.code === 251
            ? { address: c.rcpt, status: "accepted", reply: redact(replyLine(reply)) }
            : _refused(c.rcpt, reply, explain("rcpt", reply)),
        );
      } else if (c.stage === "data") {
        return await _afterData(conn, reply, outcomes, input, explain, redact);
      }
    }
    // Not pipelined and nothing to send: end the transaction cleanly.
    await _rset(conn, input.timeoutMs);
    const first = outcomes[0];
    return {
      accepted: false,
      recipients: outcomes,
      reply: first?.reply ?? "",
      ...(first?.diagnosis ? { diagnosis: first.diagnosis } : {}),
      reusable: true,
    };
  } catch (err) {
    if (!(err instanceof SmtpReadError)) throw err;
    const d = readFailureDiagnosis("envelope", err.failure, "the mail transaction");
    const done = new Set(outcomes.map((o) => o.address));
    for (const r of input.recipients) {
      if (!done.has(r)) outcomes.push({ address: r, status: "deferred", reply: d.summary, diagnosis: d });
    }
    return { accepted: false, recipients: outcomes, reply: d.summary, diagnosis: d, reusable: false };
  }
}

async function _afterData(
  conn: SmtpConnection,
  dataReply: SmtpReply,
  outcomes: RecipientOutcome[],
  input: TransactionInput,
  explain: (stage: ReplyStage, reply: SmtpReply) => Diagnosis,
  redact: (text: string) => string,
): Promise<TransactionOutcome> {
  const anyAccepted = outcomes.some((o) => o.status === "accepted");
  if (dataReply.code !== 354) {
    const d = explain("data", dataReply);
    const reply = redact(replyLine(dataReply));
    // The transaction may still be open on the server (MAIL accepted): close it, so the session can carry another.
    await _rset(conn, input.timeoutMs);
    return {
      accepted: false,
      recipients: outcomes.map((o) => _downgrade(o, dataReply, d)),
      reply,
      diagnosis: d,
      reusable: true,
    };
  }
  if (!anyAccepted) {
    // A server that says 354 with no valid recipient gets an empty message, never the content.
    conn.sendRaw(Buffer.from(".\r\n"), "<empty message: no recipient was accepted>");
    await conn.readReply(input.timeoutMs).catch(() => undefined);
    return { accepted: false, recipients: outcomes, reply: outcomes[0]?.reply ?? "", reusable: true };
  }
  input.beforeMessage?.();
  conn.sendRaw(dotStuff(input.message), `<message, ${input.message.length} bytes>`);
  const final = await conn.readReply(Math.max(input.timeoutMs, DATA_END_TIMEOUT_MS));
  const reply = redact(replyLine(final));
  if (final.code === 250) {
    const queueId = queueIdOf(final, redact);
    return { accepted: true, recipients: outcomes, reply, ...(queueId ? { queueId } : {}), reusable: true };
  }
  const d = explain("data", final);
  return {
    accepted: false,
    recipients: outcomes.map((o) => _downgrade(o, final, d)),
    reply,
    diagnosis: d,
    reusable: true,
  };
}

function _refused(address: string, reply: SmtpReply, diagnosis: Diagnosis): RecipientOutcome {
  return { address, status: reply.code >= 500 ? "rejected" : "deferred", reply: diagnosis.summary, diagnosis };
}

/** A recipient accepted at RCPT whose message was then refused takes the message's refusal. */
function _downgrade(o: RecipientOutcome, reply: SmtpReply, d: Diagnosis): RecipientOutcome {
  return o.status === "accepted" ? _refused(o.address, reply, d) : o;
}

async function _rset(conn: SmtpConnection, timeoutMs: number): Promise<void> {
  try {
    await conn.command("RSET", Math.min(timeoutMs, 5000));
  } catch {
    // The outcome is known already.
  }
}
