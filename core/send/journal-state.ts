/**
 * Reading a scale send's journal (journal.ts writes it) into the state a
 * rerun starts from: which indices were settled, which were attempted (or
 * reserved before a reboot) without a recorded answer — never to be sent
 * again — and how many lines a failed write tore. Streamed through bitmaps,
 * so a million-recipient journal takes a few hundred kilobytes.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { openNoFollow } from "../memory/atomic-file.ts";

/** What happened to one recipient; `reserve` names several, before any of them is sent (see Journal). */
export type JournalStatus = "attempt" | "accepted" | "rejected" | "deferred";

/** One journal line about one recipient. */
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

/** A reservation line: these indices may be sent from now on, by a process of this boot of this machine. */
export interface JournalReservation {
  status: "reserve";
  is: number[];
  /** bootId() of the writer. */
  boot: string;
  t: string;
}

let _boot: string | undefined;

/**
 * This boot of this machine, as a short digest: the kernel's boot id where
 * there is one (Linux), else the host name and the boot time to ten
 * seconds. Whatever was written to a file during this boot is still there
 * (a killed process loses nothing the kernel accepted); after a reboot,
 * only what was flushed to disk is.
 */
export function bootId(): string {
  if (_boot === undefined) {
    let id: string;
    try {
      id = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      id = String(Math.round((Date.now() - os.uptime() * 1000) / 10_000));
    }
    _boot = createHash("sha256").update(`${os.hostname()}\n${id}`).digest("hex").slice(0, 16);
  }
  return _boot;
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
  /** Indices whose last answer was an acceptance (with `unknown`: who received or may have received the message). */
  acceptedSet: Uint8Array;
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
 * streaming it through bitmaps. An index attempted without an answer, or
 * reserved by a run of another boot (a reboot may have lost its attempt
 * line) and not settled since, is unknown: never sent again. A line that is not a whole record — torn by a
 * write cut short — is counted and skipped: its write failed, so the message
 * it would have guarded was never sent. Never read through a link.
 */
export async function readJournal(file: string, count: number): Promise<JournalState> {
  const boot = bootId();
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
    /** Reserved in another boot: whether the message left may be lost with the reboot — as if attempted. */
    const reserved = (r: JournalReservation) => {
      if (r.boot === boot) return; // this boot: an attempt line would be there if the message had left
      for (const i of r.is) if (Number.isInteger(i) && i >= 0) apply({ i, status: "attempt", t: r.t });
    };
    for await (const line of _lines(input)) {
      if (line === "") continue;
      const e = _record(line);
      if (e) {
        if (e.status === "reserve") reserved(e);
        else apply(e);
        continue;
      }
      // Torn. A journal written before records began on a line of their own may have glued the
      // next run's record to the torn bytes: each piece that is a whole record still counts.
      for (const piece of line.split(/(?=\{"i":)/)) {
        const glued = _record(piece);
        if (glued?.status === "reserve") reserved(glued);
        else if (glued) apply(glued);
        else torn++;
      }
    }
  }
  const state: JournalState = { done, accepted: 0, rejected: 0, unknown: [], deferred: 0, torn, acceptedSet: accepted };
  // Eight indices a byte: a list's indices with nothing on record (all of a first run's) are passed a byte at a time.
  for (let b = 0; b < done.length; b++) {
    if (((pending[b] as number) | (accepted[b] as number) | (done[b] as number) | (deferred[b] as number)) === 0) {
      continue;
    }
    for (let i = b * 8; i < b * 8 + 8 && i < count; i++) {
      if (isSet(pending, i)) {
        _set(done, i);
        state.unknown.push(i);
      } else if (isSet(accepted, i)) state.accepted++;
      else if (isSet(done, i)) state.rejected++;
      else if (isSet(deferred, i)) state.deferred++;
    }
  }
  return state;
}

/** A journal line as a record, or undefined when it is not a whole one. */
function _record(line: string): JournalEntry | JournalReservation | undefined {
  let e: { status?: unknown } | null;
  try {
    e = JSON.parse(line) as { status?: unknown } | null;
  } catch {
    return undefined;
  }
  if (e === null || typeof e !== "object") return undefined;
  if (e.status === "reserve") {
    const r = e as Partial<JournalReservation>;
    return Array.isArray(r.is) && typeof r.boot === "string" ? (r as JournalReservation) : undefined;
  }
  const entry = e as Partial<JournalEntry>;
  if (!Number.isInteger(entry.i) || (entry.i as number) < 0) return undefined;
  return _STATUSES.has(entry.status as JournalStatus) ? (entry as JournalEntry) : undefined;
}

const _STATUSES = new Set<JournalStatus>(["attempt", "accepted", "rejected", "deferred"]);

/**
 * The lines of a journal, split at LF only: JSON leaves U+2028 and U+2029
 * unescaped in a string, and readline would end a line at either, tearing
 * the record that holds one.
 */
async function* _lines(input: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of input) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) yield part.endsWith("\r") ? part.slice(0, -1) : part;
  }
  if (rest !== "") yield rest;
}
