/**
 * Cuts a byte stream into messages — one message, or an mbox (the stream
 * starts with a "From " line; each "From " line after a blank line starts
 * the next message, ">From " quoting undone) — and parses each line by line
 * with MimeReader, handing each tree on as soon as its message ends.
 */
import { LineSplitter } from "./line-splitter.ts";
import type { MimePart } from "./mime-part.ts";
import { MimeReader } from "./mime-reader.ts";

/** Called for every message: the tree and its source label (`file`, `mbox#3`, `-`). */
export type OnMessage = (root: MimePart, source: string) => void;

/** How many more messages may be handed on, shared by every splitter of one run. */
export interface MessageBudget {
  left: number;
}

/**
 * Cuts a byte stream into messages and parses each. Exposed for tests and
 * the benchmark, which feed buffers directly.
 */
export class MessageSplitter {
  readonly #lines: LineSplitter;
  readonly #label: string;
  readonly #onMessage: OnMessage;
  readonly #budget: MessageBudget;
  #reader: MimeReader | undefined;
  #mbox: boolean | undefined;
  #index = 0;
  #previousBlank = true;
  #sawLine = false;

  constructor(label: string, onMessage: OnMessage, budget: MessageBudget = { left: Infinity }) {
    this.#label = label;
    this.#onMessage = onMessage;
    this.#budget = budget;
    this.#lines = new LineSplitter((line) => this.#line(line));
  }

  /** Messages handed on so far. */
  get count(): number {
    return this.#mbox === undefined ? 0 : this.#index;
  }

  /** Adds bytes. */
  push(chunk: Buffer): void {
    this.#lines.push(chunk);
  }

  /** Ends the input: the last message is parsed and handed on. */
  end(): void {
    this.#lines.end();
    this.#flush();
  }

  #line(line: string): void {
    if (this.#budget.left <= 0) return;
    if (this.#mbox === undefined) {
      if (!this.#sawLine && line.trim() === "") return;
      this.#sawLine = true;
      this.#mbox = line.startsWith("From ");
      if (this.#mbox) {
        this.#start();
        return;
      }
      this.#start();
    }
    if (this.#mbox && this.#previousBlank && line.startsWith("From ")) {
      this.#flush();
      this.#start();
      this.#previousBlank = false;
      return;
    }
    this.#previousBlank = line === "";
    // mboxrd quoting: ">From " at the start of a body line stands for "From ".
    this.#reader!.line(this.#mbox && /^>+From /.test(line) ? line.slice(1) : line);
  }

  #start(): void {
    this.#reader = new MimeReader();
    this.#index++;
  }

  #flush(): void {
    if (!this.#reader) return;
    const root = this.#reader.finish();
    this.#reader = undefined;
    this.#budget.left--;
    this.#onMessage(root, this.#mbox ? `${this.#label}#${this.#index}` : this.#label);
  }
}
