/**
 * The session as it crossed the wire, for the report: who said what and when.
 * Client lines carrying credentials are recorded in their redacted form by the
 * caller; server lines are shortened and bounded so an endless server cannot
 * grow the report.
 */
import { printable } from "../printable.ts";
import type { Redact } from "./reply-parser.ts";

/** `C` client → server, `S` server → client, `*` an event (TLS started, closed…). */
export type TranscriptDirection = "C" | "S" | "*";

/** One line of the transcript, `t` in milliseconds since the session started. */
export interface TranscriptEntry {
  t: number;
  dir: TranscriptDirection;
  text: string;
}

/** Upper bound on recorded entries; beyond it one marker line says what was dropped. */
export const MAX_TRANSCRIPT_ENTRIES = 400;

/** An append-only, bounded transcript. */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  #dropped = 0;
  readonly #now: () => number;
  readonly #start: number;
  /** Removes the session's secrets from any text; shared with the connection's reply parser. */
  readonly redact: Redact;

  constructor(now: () => number, redact: Redact = (t) => t) {
    this.#now = now;
    this.#start = now();
    this.redact = redact;
  }

  /** Records one line, redacted before it is shortened (callers also pass credential lines pre-masked). */
  add(dir: TranscriptDirection, text: string): void {
    if (this.entries.length >= MAX_TRANSCRIPT_ENTRIES) {
      this.#dropped++;
      return;
    }
    this.entries.push({ t: Math.round(this.#now() - this.#start), dir, text: printable(this.redact(text), 300) });
  }

  /**
   * True while lines are still recorded. Once it is false, a caller with
   * lines to add may count them with `drop` instead of making them: a scale
   * send passes a dozen lines a message, thousands a second, none recorded.
   */
  get recording(): boolean {
    return this.entries.length < MAX_TRANSCRIPT_ENTRIES;
  }

  /** Counts `n` lines as not recorded, as `add` does once the transcript is full. */
  drop(n: number): void {
    this.#dropped += n;
  }

  /** The entries, with a closing marker when some were dropped. */
  toJSON(): TranscriptEntry[] {
    if (this.#dropped === 0) return this.entries;
    return [...this.entries, {
      t: Math.round(this.#now() - this.#start),
      dir: "*",
      text: `${this.#dropped} more lines not recorded`,
    }];
  }
}
