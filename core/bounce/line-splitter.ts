/**
 * Splits a byte stream into lines whatever the line ends (CRLF, LF, or a
 * lone CR as old Mac mail and some broken gateways write), with a ceiling on
 * line length so a file without line ends cannot grow one string without
 * bound. Lines are "binary" strings: one char per byte, decoded later.
 */

/** Longest line handed on; longer runs are cut into pieces of this size. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Feeds chunks in, calls `onLine` for each complete line. */
export class LineSplitter {
  #carry = "";
  readonly #onLine: (line: string) => void;

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  /** Adds a chunk of bytes. */
  push(chunk: Buffer): void {
    let text = this.#carry + chunk.toString("latin1");
    this.#carry = "";
    let start = 0;
    // Each terminator's next position is searched again only once passed: a chunk without any CR
    // (or any LF) must not be rescanned for every line.
    let lf = text.indexOf("\n");
    let cr = text.indexOf("\r");
    for (;;) {
      if (lf !== -1 && lf < start) lf = text.indexOf("\n", start);
      if (cr !== -1 && cr < start) cr = text.indexOf("\r", start);
      if (lf === -1 && cr === -1) break;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR at the very end may be the first half of CRLF: wait for the next chunk.
        if (cr === text.length - 1) break;
        this.#emit(text.slice(start, cr));
        start = text[cr + 1] === "\n" ? cr + 2 : cr + 1;
        continue;
      }
      this.#emit(text.slice(start, lf));
      start = lf + 1;
    }
    text = text.slice(start);
    while (text.length > MAX_LINE_BYTES) {
      this.#emit(text.slice(0, MAX_LINE_BYTES));
      text = text.slice(MAX_LINE_BYTES);
    }
    this.#carry = text;
  }

  /** Flushes the last line (one without a line end). */
  end(): void {
    const rest = this.#carry.endsWith("\r") ? this.#carry.slice(0, -1) : this.#carry;
    this.#carry = "";
    if (rest !== "") this.#emit(rest);
  }

  #emit(line: string): void {
    if (line.length <= MAX_LINE_BYTES) {
      this.#onLine(line);
      return;
    }
    for (let i = 0; i < line.length; i += MAX_LINE_BYTES) this.#onLine(line.slice(i, i + MAX_LINE_BYTES));
  }
}
