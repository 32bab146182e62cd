/**
 * The append-only journal of a scale send: one JSON line per recipient
 * event, written before the next step so a crash, kill or Ctrl-C loses
 * nothing that matters. `attempt` is written before the message's final dot;
 * `accepted`, `rejected` or `deferred` after the server's answer. On a rerun,
 * an index that was accepted — or attempted without a recorded answer, which
 * the server may have accepted — is never sent again: at most once, always.
 */
import fs from "node:fs";
import readline from "node:readline";

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
 * few hundred kilobytes. Lines cut by a crash are ignored.
 */
export async function readJournal(file: string, count: number): Promise<JournalState> {
  const done = bitmap(count);
  const accepted = bitmap(count);
  const pending = bitmap(count);
  const deferred = bitmap(count);
  if (fs.existsSync(file)) {
    const lines = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
    for await (const line of lines) {
      let e: JournalEntry;
      try {
        e = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // A torn last line from a crash: the attempt before it still guards the recipient.
      }
      if (!Number.isInteger(e.i) || e.i < 0 || e.i >= count) continue;
      _clear(pending, e.i);
      _clear(deferred, e.i);
      if (e.status === "attempt") _set(pending, e.i);
      else if (e.status === "deferred") _set(deferred, e.i);
      else {
        _set(done, e.i);
        if (e.status === "accepted") _set(accepted, e.i);
        else _clear(accepted, e.i);
      }
    }
  }
  const state: JournalState = { done, accepted: 0, rejected: 0, unknown: [], deferred: 0 };
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

/**
 * An open journal: appends whole lines with one write each (O_APPEND), mode
 * 0600. An answer (`accepted`, `rejected`, `deferred`) may wait for the next
 * write (`writeLater`): an `attempt` is always written at once, taking the
 * waiting answers with it, so a scale send costs one write per message. A
 * crash can lose only answers still waiting — their recipients then read as
 * attempted without an answer, never sent again: at most once still holds.
 */
export class Journal {
  readonly file: string;
  #fd: number;
  #waiting = "";

  constructor(file: string) {
    this.file = file;
    this.#fd = fs.openSync(file, "a", 0o600);
  }

  /** Appends one entry now, after any waiting ones. */
  write(entry: Omit<JournalEntry, "t">): void {
    const line = `${JSON.stringify({ ...entry, t: new Date().toISOString() })}\n`;
    fs.writeSync(this.#fd, this.#waiting + line);
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
    fs.writeSync(this.#fd, this.#waiting);
    this.#waiting = "";
  }

  /** Writes the waiting answers, flushes to disk and closes. */
  close(): void {
    try {
      this.flush();
      fs.fsyncSync(this.#fd);
    } finally {
      fs.closeSync(this.#fd);
    }
  }
}
