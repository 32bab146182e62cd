/**
 * The append-only journal of a scale send: one JSON line per recipient
 * event, written before the next step so a crash, kill, Ctrl-C or full disk
 * loses nothing that matters. `attempt` is written — whole, and flushed to
 * disk — before the message's bytes leave; `accepted`, `rejected` or
 * `deferred` after the server's answer. On a rerun, an index that was
 * accepted — or attempted without a recorded answer, which the server may
 * have accepted — is never sent again: at most once, always. A write that
 * fails is taken back and thrown, so the message it guards is never sent;
 * a line a crash tore is skipped, and the next record starts on its own line.
 */
import fs from "node:fs";
import readline from "node:readline";
import { appendWhole, openAppend, openNoFollow, syncAppended } from "../memory/atomic-file.ts";

/** What happened to one recipient. */
export type JournalStatus = "attempt" | "accepted" | "rejected" | "deferred";

/** One journal line. */
export interface JournalEntry {
  /** Index of the recipient in the plan's list. */
  i: number;
  status: JournalStatus;
  /** Masked recipient, for a person reading the file. */
  to?: string;
  /** Diagnosis code of a refusal (envelope.recipient-unknown…). */
  code?: string;
  queueId?: string;
  reply?: string;
  /** ISO time. */
  t: string;
}

/** The state a rerun starts from. */
export interface JournalState {
  /** Indices never to send again: accepted, permanently rejected, or attempted without an answer. */
  done: Uint8Array;
  accepted: number;
  rejected: number;
  /** Attempted, answer unknown: the server may have accepted them; not resent, reported. */
  unknown: number[];
  deferred: number;
  /** Lines that are not a whole record (a write cut short): skipped. */
  torn: number;
}

/** A bitmap of `count` indices. */
export function bitmap(count: number): Uint8Array {
  return new Uint8Array(Math.ceil(count / 8));
}

/** True when index `i` is set. */
export function isSet(map: Uint8Array, i: number): boolean {
  return ((map[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
}

function _set(map: Uint8Array, i: number): void {
  if (i >> 3 < map.length) map[i >> 3] = (map[i >> 3] ?? 0) | (1 << (i & 7));
}

function _clear(map: Uint8Array, i: number): void {
  if (i >> 3 < map.length) map[i >> 3] = (map[i >> 3] ?? 0) & ~(1 << (i & 7));
}

/**
 * Reads a journal (missing file: a fresh start) into the state a rerun needs,
 * streaming it through three bitmaps so a million-recipient journal takes a
 * few hundred kilobytes. A line that is not a whole record — torn by a
 * write cut short — is counted and skipped: its write failed, so the message
 * it would have guarded was never sent. Never read through a link.
 */
export async function readJournal(file: string, count: number): Promise<JournalState> {
  const done = bitmap(count);
  const accepted = bitmap(count);
  const pending = bitmap(count);
  const deferred = bitmap(count);
  let torn = 0;
  let fd: number | undefined;
  try {
    fd = openNoFollow(file, fs.constants.O_RDONLY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (fd !== undefined) {
    const input = fs.createReadStream("", { fd, encoding: "utf8" });
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    const apply = (e: JournalEntry) => {
      if (e.i >= count) return;
      _clear(pending, e.i);
      _clear(deferred, e.i);
      if (e.status === "attempt") _set(pending, e.i);
      else if (e.status === "deferred") _set(deferred, e.i);
      else {
        _set(done, e.i);
        if (e.status === "accepted") _set(accepted, e.i);
        else _clear(accepted, e.i);
      }
    };
    for await (const line of lines) {
      if (line === "") continue;
      const e = _record(line);
      if (e) {
        apply(e);
        continue;
      }
      // Torn. A journal written before records began on a line of their own may have glued the
      // next run's record to the torn bytes: each piece that is a whole record still counts.
      for (const piece of line.split(/(?=\{"i":)/)) {
        const glued = _record(piece);
        if (glued) apply(glued);
        else torn++;
      }
    }
  }
  const state: JournalState = { done, accepted: 0, rejected: 0, unknown: [], deferred: 0, torn };
  for (let i = 0; i < count; i++) {
    if (isSet(pending, i)) {
      _set(done, i);
      state.unknown.push(i);
    } else if (isSet(accepted, i)) state.accepted++;
    else if (isSet(done, i)) state.rejected++;
    else if (isSet(deferred, i)) state.deferred++;
  }
  return state;
}

/** A journal line as a record, or undefined when it is not a whole one. */
function _record(line: string): JournalEntry | undefined {
  let e: Partial<JournalEntry>;
  try {
    e = JSON.parse(line) as Partial<JournalEntry>;
  } catch {
    return undefined;
  }
  if (e === null || typeof e !== "object" || !Number.isInteger(e.i) || (e.i as number) < 0) return undefined;
  return _STATUSES.has(e.status as JournalStatus) ? (e as JournalEntry) : undefined;
}

const _STATUSES = new Set<JournalStatus>(["attempt", "accepted", "rejected", "deferred"]);

/**
 * An open journal: appends whole lines (O_APPEND, mode 0600, never through a
 * link). An answer (`accepted`, `rejected`, `deferred`) may wait for the next
 * write (`writeLater`): an `attempt` is always written at once, taking the
 * waiting answers with it, and flushed to disk before `write` returns — it
 * is the evidence that keeps the message from ever being sent twice, so a
 * scale send costs one write and one flush per message. A write the disk
 * cuts short is taken back and throws MemoryWriteError (`E_MEMORY_WRITE`):
 * the caller then does not send. A crash can lose only answers still
 * waiting — their recipients then read as attempted without an answer,
 * never sent again: at most once still holds.
 */
export class Journal {
  readonly file: string;
  #fd: number;
  #size: number;
  /** A newline to write first when the file ends in a torn line, so no record is glued to it. */
  #prefix: string;
  #waiting = "";
  #failure: Error | undefined;

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

  /** Appends one entry now, after any waiting ones; an `attempt` is on disk when this returns. Throws when it is not. */
  write(entry: Omit<JournalEntry, "t">): void {
    const line = `${JSON.stringify({ ...entry, t: new Date().toISOString() })}\n`;
    this.#append(this.#waiting + line, entry.status === "attempt");
    this.#waiting = "";
  }

  /** Appends an answer with the next write (or at close). Never for an `attempt`. */
  writeLater(entry: Omit<JournalEntry, "t">): void {
    if (entry.status === "attempt") throw new Error("An attempt is journalled before the message, never later");
    this.#waiting += `${JSON.stringify({ ...entry, t: new Date().toISOString() })}\n`;
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
    try {
      if (!this.#failure) {
        this.flush();
        fs.fsyncSync(this.#fd);
      }
    } catch (err) {
      this.#failure ??= err as Error;
    } finally {
      fs.closeSync(this.#fd);
    }
  }

  #append(text: string, durable: boolean): void {
    if (this.#failure) throw this.#failure;
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
