/**
 * The append-only journal of a scale send: one JSON line per recipient
 * event, written before the next step so a crash, kill, Ctrl-C, reboot or
 * full disk never makes a rerun send a message twice.
 *
 * - `reserve` names the next recipients before any of them is sent, and is
 *   flushed to disk (fdatasync): after a reboot (power loss, kernel crash)
 *   a reserved recipient with no answer on record is never sent again.
 * - `attempt` is written — whole — right before a message's bytes leave;
 *   the kernel keeps it whatever happens to the process, so within the same
 *   boot a reserved recipient without one was never sent and a rerun sends it.
 * - `accepted`, `rejected` or `deferred` after the server's answer.
 *
 * On a rerun (journal-state.ts), an index that was accepted — or attempted
 * without a recorded answer, which the server may have accepted — is never
 * sent again: at most once, always. One flush per reservation, not per
 * message, keeps a scale send fast. A write that fails is taken back and
 * thrown (`E_MEMORY_WRITE`), so the message it guards is never sent; a line
 * a crash tore is skipped, and the next record starts on its own line.
 */
import { appendWhole, openAppend, syncAppended, syncInBackground } from "../memory/atomic-file.ts";
import fs from "node:fs";
import { setImmediate } from "node:timers";
import { bootId, type JournalEntry } from "./journal-state.ts";
import { monotonicMs } from "../timing.ts";

export {
  bitmap,
  bootId,
  isSet,
  type JournalEntry,
  type JournalReservation,
  type JournalState,
  type JournalStatus,
  readJournal,
} from "./journal-state.ts";

/**
 * Recipients reserved per flush at first. One batch is reserved ahead of the
 * one being sent, so after a reboot mid-send at most two batches are left
 * unknown (reserved, never sent, never resent).
 */
export const RESERVE_BATCH = 32;
/**
 * The most a batch grows to (Reservations): a send fast enough to hand out a
 * batch within RESERVE_FAST_MS reserves twice as many at a time, up to this —
 * a flush to disk costs ~100 µs of CPU, more than three messages at full
 * speed. After a reboot at most two batches are unknown: ~50 ms of sending
 * while it goes fast, never more than twice this many, and halved (down to
 * RESERVE_BATCH) after each batch that went slower.
 */
export const MAX_RESERVE_BATCH = 256;
/** A batch handed out faster than this makes the next one twice as large. */
export const RESERVE_FAST_MS = 25;

/**
 * An open journal: appends whole lines (O_APPEND, mode 0600, never through a
 * link). An answer (`accepted`, `rejected`, `deferred`) may wait for the next
 * write (`writeLater`): an `attempt` or a reservation is always written at
 * once, taking the waiting answers with it, so a scale send costs one write
 * per message and one flush per reservation. A write the disk cuts short is
 * taken back and throws MemoryWriteError (`E_MEMORY_WRITE`): the caller then
 * does not send. A crash can lose only answers still waiting — their
 * recipients then read as attempted without an answer, never sent again:
 * at most once still holds.
 */
export class Journal {
  readonly file: string;
  #fd: number;
  #size: number;
  /** A newline to write first when the file ends in a torn line, so no record is glued to it. */
  #prefix: string;
  #waiting = "";
  #failure: Error | undefined;
  /** Attempts journalled this turn of the event loop (`attemptSoon`), written together at its end. */
  #soon = "";
  /** Settles the promise every attempt in `#soon` waits on; set while a write is scheduled. */
  #settleSoon: ((err?: Error) => void) | undefined;
  #soonWritten: Promise<void> | undefined;
  /** Set by close(): nothing more is written, and an attempt asked for after it is refused. */
  #closed = false;

  constructor(file: string) {
    this.file = file;
    const target = openAppend(file);
    this.#fd = target.fd;
    this.#size = target.size;
    this.#prefix = target.endsInNewline ? "" : "\n";
  }

  /** The error that stopped the journal, if a write failed: nothing more is written. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Appends one entry now, after any waiting ones; throws when it could not be written whole. */
  write(entry: Omit<JournalEntry, "t">): void {
    this.#append(this.#waiting + _line(entry), false);
    this.#waiting = "";
  }

  /**
   * Journals an attempt together with the others made in the same turn of
   * the event loop: one write for all of them, once every session whose
   * replies arrived in this turn has asked (a `setImmediate`, after the
   * event loop's poll phase). The promise resolves once the line is written
   * whole — only then may the message's bytes leave — and rejects, sending
   * nothing, when the write failed (the journal stops: `failure`). A ten-
   * connection send makes one append for several messages instead of one
   * each.
   */
  attemptSoon(i: number, to: string): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(_closedError());
    this.#soon += _attemptLine(i, to);
    if (this.#soonWritten === undefined) {
      this.#soonWritten = new Promise((resolve, reject) => {
        this.#settleSoon = (err) => (err ? reject(err) : resolve());
      });
      setImmediate(() => this.#writeSoon());
    }
    return this.#soonWritten;
  }

  /** Writes this turn's attempts (after any waiting answers) and lets their messages go, or fails them all. */
  #writeSoon(): void {
    const settle = this.#settleSoon;
    const text = this.#soon;
    this.#soon = "";
    this.#settleSoon = undefined;
    this.#soonWritten = undefined;
    if (settle === undefined) return;
    try {
      this.#append(this.#waiting + text, false);
      this.#waiting = "";
    } catch (err) {
      return settle(err as Error);
    }
    settle();
  }

  /**
   * Reserves `indices` for sending: written after any waiting answers and
   * flushed to disk before this returns (throws when it could not be).
   */
  reserve(indices: readonly number[]): void {
    const line = _line({ status: "reserve", is: indices, boot: bootId() });
    this.#append(this.#waiting + line, true);
    this.#waiting = "";
  }

  /**
   * Reserves `indices` as reserve does, but the flush to disk runs in the
   * background: the line is written now, and the promise settles once it
   * is on disk. Messages of an earlier reservation go on meanwhile (their
   * attempts are appended behind it); nothing this one names may be sent
   * before it resolves. A failed flush stops the journal (`failure`).
   */
  async reserveAhead(indices: readonly number[]): Promise<void> {
    const line = _line({ status: "reserve", is: indices, boot: bootId() });
    this.#append(this.#waiting + line, false);
    this.#waiting = "";
    try {
      await syncInBackground(this.#fd, this.file);
    } catch (err) {
      this.#failure ??= err as Error;
      throw this.#failure;
    }
  }

  /** Appends an answer with the next write (or at close). Never for an `attempt`. */
  writeLater(entry: Omit<JournalEntry, "t">): void {
    if (entry.status === "attempt") throw new Error("An attempt is journalled before the message, never later");
    this.#later(_line(entry));
  }

  /** writeLater of an acceptance (with the server's queue id when it gave one): a list send writes one per message. */
  acceptedLater(i: number, queueId?: string): void {
    this.#later(_acceptedLine(i, queueId));
  }

  /** Keeps `line` for the next write. */
  #later(line: string): void {
    this.#waiting += line;
    // A long run of refusals with no attempt between them is still written out in bounded pieces.
    if (this.#waiting.length > 64 * 1024) this.flush();
  }

  /** Writes the waiting answers. */
  flush(): void {
    if (this.#waiting === "") return;
    this.#append(this.#waiting, false);
    this.#waiting = "";
  }

  /** Writes the waiting answers, flushes to disk and closes; never throws (a failure is in `failure`). */
  close(): void {
    if (this.#closed) return;
    // Attempts still waiting for their write are never written: their messages must not leave now.
    this.#settleSoon?.(_closedError());
    this.#settleSoon = undefined;
    this.#soonWritten = undefined;
    this.#soon = "";
    try {
      if (!this.#failure) {
        this.flush();
        fs.fsyncSync(this.#fd);
      }
    } catch (err) {
      this.#failure ??= err as Error;
    } finally {
      // Closed for good: its descriptor's number may be reused by the next file opened, which a
      // late write must never reach (an attempt "written" there would let its message leave).
      this.#closed = true;
      fs.closeSync(this.#fd);
    }
  }

  #append(text: string, durable: boolean): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw _closedError();
    const before = this.#size;
    try {
      this.#size = appendWhole(this.#fd, this.file, Buffer.from(this.#prefix + text, "utf8"), before);
      if (durable) syncAppended(this.#fd, this.file, before);
    } catch (err) {
      this.#size = before;
      this.#failure = err as Error;
      throw err;
    }
    this.#prefix = "";
  }
}

function _closedError(): Error {
  return Object.assign(new Error("The send journal was closed before this attempt was written"), {
    code: "E_JOURNAL_CLOSED",
  });
}

/** An entry's line: its fields, then `t` (the time, ISO 8601), as `JSON.stringify({ ...entry, t })` writes it. */
function _line(entry: object): string {
  const json = JSON.stringify(entry);
  return `${json.length > 2 ? `${json.slice(0, -1)},` : "{"}"t":"${_isoNow()}"}\n`;
}

/** `_line({ i, status: "attempt", to })`, written out: one per message of a list send. */
function _attemptLine(i: number, to: string): string {
  return `{"i":${i},"status":"attempt","to":${JSON.stringify(to)},"t":"${_isoNow()}"}\n`;
}

/** `_line({ i, status: "accepted", queueId })` (no queueId when undefined), written out. */
function _acceptedLine(i: number, queueId: string | undefined): string {
  const id = queueId === undefined ? "" : `,"queueId":${JSON.stringify(queueId)}`;
  return `{"i":${i},"status":"accepted"${id},"t":"${_isoNow()}"}\n`;
}

let _isoMs = NaN;
let _iso = "";
/** The time now in ISO 8601, made once a millisecond: a scale send journals thousands of lines a second. */
function _isoNow(): string {
  const ms = Date.now();
  if (ms !== _isoMs) {
    _isoMs = ms;
    _iso = new Date(ms).toISOString();
  }
  return _iso;
}

/**
 * The recipients of a source of batches (the list's distinct recipients in
 * order), each handed out only once a reservation that names it is on
 * disk: `batch` at a time, one flush per batch — twice as many each time a
 * batch was handed out within RESERVE_FAST_MS, up to `maxBatch` (and half as
 * many, down to `batch`, after one that was not), so a fast send flushes a
 * few times a second, not hundreds. The next batch is reserved
 * — and flushed in the background — as soon as one starts being handed
 * out, so a send never waits for the disk while it has recipients already
 * reserved. A reserved recipient is handed out without a promise
 * (`nextNow`): a scale send takes thousands a second. A failed reservation
 * throws (the journal's failure), and nothing it named is handed out.
 * Several workers may ask at once; each recipient goes to one of them.
 */
export class Reservations<T extends { index: number }> {
  readonly #source: AsyncIterator<readonly T[]>;
  readonly #journal: Journal;
  /** The size of the next reservation, and the most it may grow to. */
  #batch: number;
  readonly #firstBatch: number;
  readonly #maxBatch: number;
  readonly #now: () => number;
  /** When the batch being handed out was installed. */
  #installedAt = -Infinity;
  /** Read from the source, not reserved yet: `#unreserved[#from…]`. */
  #unreserved: readonly T[] = [];
  #from = 0;
  #sourceDone = false;
  /** Reserved on disk, handed out from `#at`. */
  #ready: readonly T[] = [];
  #at = 0;
  /** The next reservation, written and flushing. */
  #ahead: Promise<{ chunk: readonly T[]; full: boolean }> | undefined;
  /** Nothing is reserved before the first recipient is asked for: a run whose sessions never open reserves none. */
  #started = false;

  /** `batch` recipients in the first reservation, at most `maxBatch` in any; `now` the clock (milliseconds). */
  constructor(
    source: AsyncIterable<readonly T[]>,
    journal: Journal,
    { batch = RESERVE_BATCH, maxBatch = Math.max(batch, MAX_RESERVE_BATCH), now = monotonicMs }: {
      batch?: number;
      maxBatch?: number;
      now?: () => number;
    } = {},
  ) {
    this.#source = source[Symbol.asyncIterator]();
    this.#journal = journal;
    this.#batch = batch;
    this.#firstBatch = batch;
    this.#maxBatch = maxBatch;
    this.#now = now;
  }

  /** The next recipient when one is reserved on disk already; undefined when `next()` must wait (or none is left). */
  nextNow(): T | undefined {
    return this.#at < this.#ready.length ? this.#ready[this.#at++] : undefined;
  }

  /** The next recipient once a reservation naming it is on disk; undefined when none is left. */
  async next(): Promise<T | undefined> {
    if (!this.#started) {
      this.#started = true;
      this.#ahead = this.#reserveNext();
    }
    for (;;) {
      const now = this.nextNow();
      if (now !== undefined) return now;
      const ahead = this.#ahead;
      if (ahead === undefined) return undefined;
      const { chunk, full } = await ahead;
      // The first worker to wake installs the batch; the others take from it.
      if (this.#ahead !== ahead) continue;
      const installed = this.#now();
      // Twice as large while batches go fast; half as large after one that did not (a server slowing down,
      // a limit reached), down to the first size: the batches a reboot may leave unknown stay a few times
      // RESERVE_FAST_MS of sending, and a send just at the threshold does not swing between the extremes.
      this.#batch = installed - this.#installedAt < RESERVE_FAST_MS
        ? Math.min(this.#batch * 2, this.#maxBatch)
        : Math.max(this.#firstBatch, this.#batch >> 1);
      this.#installedAt = installed;
      this.#ahead = undefined;
      this.#ready = chunk;
      this.#at = 0;
      if (full) {
        this.#ahead = this.#reserveNext();
        this.#ahead.catch(() => {}); // seen when awaited; a run that stops first never needs it
      }
    }
  }

  /** Ends: waits for the flush in flight (it uses the journal's file, which may be closed next) and closes the source. */
  async close(): Promise<void> {
    this.#ready = [];
    await this.#ahead?.catch(() => undefined);
    this.#ahead = undefined;
    await this.#source.return?.();
  }

  async #reserveNext(): Promise<{ chunk: readonly T[]; full: boolean }> {
    const size = this.#batch;
    let chunk: T[] = [];
    while (chunk.length < size) {
      if (this.#from < this.#unreserved.length) {
        // A slice of what was read at a time: a loop per recipient here was hot enough to be optimised.
        const take = this.#unreserved.slice(this.#from, this.#from + size - chunk.length);
        this.#from += take.length;
        chunk = chunk.length === 0 ? take : chunk.concat(take);
        continue;
      }
      if (this.#sourceDone) break;
      const next = await this.#source.next();
      if (next.done) this.#sourceDone = true;
      else [this.#unreserved, this.#from] = [next.value, 0];
    }
    if (chunk.length > 0) await this.#journal.reserveAhead(chunk.map((r) => r.index));
    return { chunk, full: chunk.length === size };
  }
}
