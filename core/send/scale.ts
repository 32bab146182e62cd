/**
 * A scale send: the recipients of a list, one transaction each (each gets
 * its own To header), over a few reused sessions in parallel, paced by one
 * shared rate limit, every step journalled. The list is streamed and the
 * journal's bitmap skips what a previous run already settled, so a rerun
 * after a crash, kill or Ctrl-C never sends twice to a recipient the server
 * may have accepted. Sessions are opened by the diagnosis engine, so a
 * session that cannot be opened explains itself with the same layer codes.
 */
import { diagnose, type OpenSession } from "../diagnose.ts";
import type { DiagnoseOptions } from "../diagnose-options.ts";
import { type DiagnoseIo, systemIo } from "../io.ts";
import type { ReplyRule } from "../knowledge/reply-rule.ts";
import { hasCapability } from "../smtp/capabilities.ts";
import type { DiagnoseReport } from "../report.ts";
import type { Draft } from "./draft.ts";
import { skipEarlier } from "./delivery-ledger.ts";
import { isSet, Journal, readJournal, Reservations, RESERVE_BATCH } from "./journal.ts";
import { maskAddress } from "../memory/mask.ts";
import { inBatches, type Recipient } from "./recipients.ts";
import { runPipelined } from "./pipelined-session.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { RENEWABLE_AUTH_CODES, type SessionCredential } from "../oauth/session-credential.ts";
import { runTransaction, type TransactionOutcome } from "./transaction.ts";

/** What a scale run needs. */
export interface ScaleInput {
  options: DiagnoseOptions;
  rules: readonly ReplyRule[];
  redact: (text: string) => string;
  draft: Draft;
  envelopeFrom: string;
  /**
   * The distinct recipients in list order with their indices: a
   * ListSnapshot (read a batch at a time), or any stream of them.
   */
  recipients: AsyncIterable<Recipient> | RecipientBatches;
  count: number;
  journalFile: string;
  connections: number;
  /** Messages per second across all connections; Infinity for no pacing. */
  ratePerSecond: number;
  io?: DiagnoseIo;
  onProgress?: (p: ScaleProgress) => void;
  /** Aborting stops taking new recipients; transactions in flight finish. */
  signal?: AbortSignal;
  /** An OAuth profile's credential, asked for each new session (session-credential.ts). */
  credential?: SessionCredential;
  /**
   * Indices an earlier run of another plan of this message reached
   * (delivery-ledger.ts): never sent. Nothing is reserved before it settles
   * (the run's own ledger record is on disk then); a rejection stops the run.
   */
  earlier?: Promise<Uint8Array | undefined>;
}

/** Recipients read a batch at a time (ListSnapshot): no promise per recipient. */
export interface RecipientBatches {
  batches(): AsyncIterable<readonly Recipient[]>;
}

/** Counters of a run, for progress and the result. */
export interface ScaleProgress {
  total: number;
  /** Settled by an earlier run (journal) and skipped. */
  skipped: number;
  /** Received (or may have) from an earlier run of another plan of the same message (the ledger) and skipped. */
  earlier: number;
  accepted: number;
  rejected: number;
  deferred: number;
}

/** The outcome of a run. */
export interface ScaleResult extends ScaleProgress {
  /** Attempted by an earlier run without a recorded answer: never resent, to be checked by hand. */
  unknown: number[];
  /** Why the run stopped before the end of the list, when it did. */
  stopped?: { reason: "session-failed" | "rate-limited" | "interrupted" | "journal-unwritable"; code?: string };
  /** The diagnosis of the session that could not be opened, when that stopped the run. */
  failedSession?: DiagnoseReport;
  /** Refusal codes and how often each occurred. */
  codes: Record<string, number>;
}

/** Refusals that mean "slow down": the run stops instead of hammering (a rerun resumes). */
const _STOP_CODES = new Set(["envelope.rate-limited", "greeting.busy"]);
/** Least time between two progress reports. */
const _PROGRESS_MS = 50;
/** Consecutive sessions that die mid-run before a worker gives up. */
const _MAX_RECONNECTS = 3;

/** Runs a scale send; never throws for server behaviour. */
export async function runScale(input: ScaleInput): Promise<ScaleResult> {
  const state = await readJournal(input.journalFile, input.count);
  const journal = new Journal(input.journalFile);
  const result: ScaleResult = {
    total: input.count,
    skipped: state.accepted + state.rejected + state.unknown.length,
    earlier: 0,
    accepted: 0,
    rejected: 0,
    deferred: 0,
    unknown: state.unknown,
    codes: {},
  };
  // Each recipient is reserved on disk before it can be taken (journal.ts: at most once across a reboot).
  const ledger = async () => {
    const map = await input.earlier;
    if (map) result.earlier = skipEarlier(state.done, map);
  };
  const pending = new Reservations(_pending(input.recipients, state.done, input.count, ledger), journal);
  const limiter = new RateLimiter(input.ratePerSecond);
  let stop: ScaleResult["stopped"];
  let listDone = false;
  /** A worker's error (a message that cannot be composed): the run stops and throws it once every session ended. */
  let crashed: { error: unknown } | undefined;
  // A journal that failed stops the run at once: nothing more is taken.
  const stopped = () =>
    stop !== undefined || journal.failure !== undefined || input.signal?.aborted === true || crashed !== undefined;
  // Progress at most every 50 ms: redrawing a bar per message costs more than sending it.
  let reported = 0;
  const report = (final = false) => {
    const now = performance.now();
    if (!input.onProgress || (!final && now - reported < _PROGRESS_MS)) return;
    reported = now;
    input.onProgress({ ...result });
  };

  /**
   * The next recipient with its message, paced; undefined when the list is
   * done or the run stops — or, with `wait` false, when the next slot is not
   * due yet. The slot is taken before the recipient, and the run's stop is
   * checked after the wait: an interrupted wait sends nothing. A value when
   * it needs no wait (a reserved recipient, a due slot, the draft's
   * template): a promise only when it does.
   */
  const take = (wait = true): _Item | undefined | Promise<_Item | undefined> => {
    if (stopped() || listDone) return undefined;
    if (!limiter.tryTake()) return wait ? takeLater() : undefined;
    const r = pending.nextNow();
    return r ? withMessage(r) : recipientLater();
  };
  /** take() when the slot is not due yet: waits for it. */
  const takeLater = async (): Promise<_Item | undefined> => {
    if (!(await limiter.take(input.signal)) || stopped()) return undefined;
    const r = pending.nextNow();
    return r ? await withMessage(r) : await recipientLater();
  };
  /** take() when no reserved recipient is at hand: waits for the next reservation. */
  const recipientLater = async (): Promise<_Item | undefined> => {
    const r = await pending.next();
    if (r === undefined) {
      listDone = true;
      return undefined;
    }
    return await withMessage(r);
  };
  const withMessage = (r: Recipient): _Item | Promise<_Item> => {
    // Written with room for its final dot and the next envelope, so the message's write needs no second copy.
    const framed = input.draft.composeNowWithRoom?.(r.address, _FRAME_ROOM);
    if (framed) return _item(r, framed.subarray(0, framed.length - _FRAME_ROOM), input.draft, framed);
    const message = input.draft.composeNow?.(r.address);
    return message
      ? _item(r, message, input.draft)
      : input.draft.compose([r.address]).then((m) => _item(r, m, input.draft));
  };
  /**
   * The journal's evidence, written whole right before the message's bytes
   * leave (its reservation is on disk already). When it cannot be written (a
   * full disk) this throws, so the message is not sent, and the run stops
   * (`journal.failure`): without the evidence a rerun could send it twice.
   */
  const attempt = (r: _Item) => journal.write({ i: r.index, status: "attempt", to: maskAddress(r.address) });
  /**
   * attempt() for a pipelined session: the attempts of every session that
   * reached its message in this turn of the event loop are written in one
   * append, and each message leaves once that append is done (journal.ts).
   */
  const attemptSoon = (r: _Item) => journal.attemptSoon(r.index, maskAddress(r.address));
  /**
   * An answer for the journal (an acceptance when `entry` is a queue id or
   * undefined); a failure to write it stops the run at the next attempt,
   * never here.
   */
  const answer = (i: number, entry: Parameters<Journal["writeLater"]>[0] | string | undefined) => {
    try {
      if (entry === undefined || typeof entry === "string") journal.acceptedLater(i, entry);
      else journal.writeLater(entry);
    } catch {
      // kept in journal.failure: the next attempt throws, and the recipient reads as attempted
    }
  };
  /** Records a recipient's outcome; answers ride along with the next attempt's journal write. */
  const settle = (r: _Item, outcome: TransactionOutcome, attempted: boolean) => {
    if (attempted && !outcome.accepted && !outcome.reusable) {
      // The message left but its answer never came: the server may have accepted it.
      // The attempt stays the last word on this recipient, so no rerun sends it again.
      result.unknown.push(r.index);
    } else if (outcome.accepted) {
      result.accepted++;
      answer(r.index, outcome.queueId || undefined);
    } else {
      const o = outcome.recipients[0];
      const code = o?.diagnosis?.code ?? outcome.diagnosis?.code;
      const status = o?.status === "rejected" ? "rejected" : "deferred";
      result[status]++;
      if (code) result.codes[code] = (result.codes[code] ?? 0) + 1;
      answer(r.index, { i: r.index, status, ...(code ? { code } : {}), reply: outcome.reply.slice(0, 300) });
      if (code && _STOP_CODES.has(code)) stop ??= { reason: "rate-limited", code };
    }
    report();
  };
  /** One transaction on its own; `onMessage` runs right before the message's bytes leave (the journal's attempt point). */
  const transaction = (s: OpenSession, r: _Item, onMessage?: () => void) =>
    runTransaction(
      s.conn,
      s.capabilities,
      {
        envelopeFrom: input.envelopeFrom,
        recipients: [r.address],
        message: r.message,
        smtputf8: r.smtputf8,
        timeoutMs: input.options.timeoutMs,
        ...(onMessage ? { beforeMessage: onMessage } : {}),
      },
      s.rules,
      input.redact,
    );

  /** Sends on one open session until the list is done, the run stops or the session breaks; returns how many were settled. */
  const useSession = async (s: OpenSession): Promise<number> => {
    if (hasCapability(s.capabilities, "PIPELINING")) {
      const utf8 = hasCapability(s.capabilities, "SMTPUTF8");
      const session = {
        conn: s.conn,
        caps: s.capabilities,
        rules: s.rules,
        redact: input.redact,
        envelopeFrom: input.envelopeFrom,
        timeoutMs: input.options.timeoutMs,
      };
      let refused = 0;
      /** The next recipient the session can carry: one needing SMTPUTF8 the server lacks is refused on the way. */
      const carried = async (first: _Item | undefined, wait: boolean): Promise<_Item | undefined> => {
        for (let r = first;; r = await take(wait)) {
          if (!r || !r.smtputf8 || utf8) return r;
          // Never downgraded: refused without a byte on the wire (transaction.ts explains it).
          settle(r, await transaction(s, r), false);
          refused++;
        }
      };
      const settled = await runPipelined(session, {
        next: (wait) => {
          const r = take(wait);
          return r instanceof Promise
            ? r.then((got) => carried(got, wait))
            : r?.smtputf8 && !utf8
            ? carried(r, wait)
            : r;
        },
        beforeMessage: attemptSoon,
        settle,
      });
      return settled + refused;
    }
    // No PIPELINING: one transaction at a time, each in its own round trips.
    let settled = 0;
    for (;;) {
      const r = await take();
      if (!r) return settled;
      let attempted = false;
      const outcome = await transaction(s, r, () => {
        attempted = true;
        attempt(r);
      });
      settle(r, outcome, attempted);
      settled++;
      if (!outcome.reusable) return settled;
    }
  };

  /** Opens a session and sends on it; how many recipients it settled, or undefined when the journal failed. */
  const open = async (options: DiagnoseOptions): Promise<{ report: DiagnoseReport; sent: number } | undefined> => {
    let sent = 0;
    try {
      const report = await diagnose(options, input.io ?? systemIo(), {
        replyRules: input.rules,
        onSession: async (s) => {
          sent = await useSession(s);
        },
      });
      return { report, sent };
    } catch (err) {
      // The journal failed mid-session: the session was dropped before the message's final dot.
      if (journal.failure) return undefined;
      throw err;
    }
  };
  /** The options of a new session: with an OAuth profile, a credential asked of the token source for this session. */
  const sessionOptions = async (renewing?: DiagnoseOptions): Promise<DiagnoseOptions> => {
    const credential = input.credential;
    const auth = input.options.auth;
    if (!credential || !auth) return input.options;
    const got = renewing ? await credential.renew(renewing.auth?.secret) : await credential.current();
    const { failure: _, ...rest } = auth;
    return { ...input.options, auth: { ...rest, ...got } };
  };

  const worker = async (): Promise<void> => {
    let failures = 0;
    while (!stopped() && !listDone) {
      let options = await sessionOptions();
      let opened = await open(options);
      if (!opened) return;
      // A token the server refused although it looked valid (revoked, a clock behind the platform's): renewed
      // once, and this connection's login tried again. Its login failed, so no recipient was taken on it.
      if (input.credential && opened.sent === 0 && RENEWABLE_AUTH_CODES.has(opened.report.verdict.code ?? "")) {
        options = await sessionOptions(options);
        opened = await open(options);
        if (!opened) return;
      }
      const { report: session, sent } = opened;
      if (session.verdict.status === "fail") {
        // The session itself failed: the same failure would greet every retry.
        result.failedSession = session;
        stop ??= { reason: "session-failed", ...(session.verdict.code ? { code: session.verdict.code } : {}) };
        return;
      }
      if (listDone) return;
      failures = sent === 0 ? failures + 1 : 0;
      if (failures >= _MAX_RECONNECTS) {
        stop ??= { reason: "session-failed", code: "envelope.connection-dropped" };
        return;
      }
    }
  };
  // A worker that throws (a message that cannot be composed) stops the others from taking recipients,
  // and the journal closes only once every session has ended: none may journal or send after it.
  const guarded = () =>
    worker().catch((error: unknown) => {
      crashed ??= { error };
    });
  try {
    await Promise.all(Array.from({ length: Math.max(1, input.connections) }, guarded));
  } finally {
    await pending.close();
    journal.close();
  }
  if (crashed) throw crashed.error;
  // A journal that failed is the run's stop whatever else happened meanwhile (a reply that would have
  // stopped it too): without the evidence, the next move is the disk, not the server.
  const failure = journal.failure as { code?: string } | undefined;
  if (failure) stop = { reason: "journal-unwritable", code: failure.code ?? "E_MEMORY_WRITE" };
  report(true);
  if (!stop && input.signal?.aborted) stop = { reason: "interrupted" };
  return stop ? { ...result, stopped: stop } : result;
}

/** A recipient with the message composed for it (and the room after it, when it has some: PipelineItem). */
type _Item = Recipient & { message: Buffer; framed: Buffer | undefined };

/**
 * Bytes kept after a message for its final dot and the next envelope (MAIL
 * FROM with its parameters, RCPT TO, DATA, perhaps RSET): enough for any
 * usual address; a longer envelope is framed by a copy instead.
 */
const _FRAME_ROOM = 640;

function _item(r: Recipient, message: Buffer, draft: Draft, framed?: Buffer): _Item {
  // One shape whether framed or not: the send loop reads every item the same way.
  return { index: r.index, address: r.address, smtputf8: r.smtputf8 || draft.from.smtputf8, message, framed };
}

/**
 * The list's recipients that the journal has not settled, a batch at a
 * time; never past the planned count. A stream of single recipients is
 * batched here (what tests and small callers give).
 */
async function* _pending(
  recipients: AsyncIterable<Recipient> | RecipientBatches,
  done: Uint8Array,
  count: number,
  ready: () => Promise<void>,
): AsyncGenerator<readonly Recipient[]> {
  await ready(); // `done` is whole only then
  const batches = "batches" in recipients ? recipients.batches() : inBatches(recipients, RESERVE_BATCH);
  for await (const batch of batches) {
    const open = batch.filter((r) => r.index < count && !isSet(done, r.index));
    if (open.length > 0) yield open;
    if (batch.some((r) => r.index >= count)) return;
  }
}
