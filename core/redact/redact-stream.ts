/**
 * Bytes in, masked text out, for `smtpilot redact`: splits a byte stream
 * into lines whatever the line ends (CRLF, LF or a lone CR, all written as
 * LF), decodes each part as UTF-8 when it is valid UTF-8 (logs usually are)
 * and else as one character per byte, and hands the parts of each line to
 * a LineRedactor — never cutting a line into two lines, so no credential is
 * split into halves that no rule recognises.
 */
import { type LineLimits, LineRedactor, type TextRedactionOptions } from "./line-redactor.ts";

const _LF = 0x0a;
const _CR = 0x0d;

/** Streams bytes through one LineRedactor. */
export class RedactStream {
  readonly redactor: LineRedactor;
  /** The bytes of an unfinished UTF-8 sequence at the end of the last part. */
  #tail: Buffer = Buffer.alloc(0);
  /** The last chunk ended in CR: an LF starting the next one belongs to it. */
  #afterCr = false;
  /** Part of a line was read and its end was not. */
  #inLine = false;

  constructor(options: TextRedactionOptions = {}, limits: Partial<LineLimits> = {}) {
    this.redactor = new LineRedactor(options, limits);
  }

  /** Adds a chunk; returns the masked text that can be written now. */
  write(chunk: Buffer): string {
    let out = "";
    let start = 0;
    if (this.#afterCr && chunk[0] === _LF) start = 1;
    this.#afterCr = false;
    let lf = chunk.indexOf(_LF, start);
    let cr = chunk.indexOf(_CR, start);
    // Each terminator's next position is searched again only once passed, so a chunk without
    // any CR (or any LF) is not rescanned for every line.
    for (;;) {
      if (lf !== -1 && lf < start) lf = chunk.indexOf(_LF, start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf(_CR, start);
      const end = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
      if (end === -1) break;
      out += `${this.redactor.lineEnd(this.#decode(chunk.subarray(start, end), true))}\n`;
      this.#inLine = false;
      start = end + 1;
      if (end === cr) {
        if (end + 1 < chunk.length && chunk[end + 1] === _LF) start++;
        else if (end + 1 === chunk.length) this.#afterCr = true;
      }
    }
    if (start < chunk.length) {
      out += this.redactor.linePart(this.#decode(chunk.subarray(start), false));
      this.#inLine = true;
    }
    return out;
  }

  /** Ends the input; returns the rest (a last line without a line end gets one, like every line). */
  end(): string {
    if (!this.#inLine) return "";
    this.#inLine = false;
    return `${this.redactor.lineEnd(this.#decode(Buffer.alloc(0), true))}\n`;
  }

  /**
   * A part's bytes as text: UTF-8 when valid, else one character per byte. An
   * unfinished UTF-8 sequence at the end waits for the next part unless the
   * line ends here.
   */
  #decode(bytes: Buffer, lineEnds: boolean): string {
    let all = this.#tail.length > 0 ? Buffer.concat([this.#tail, bytes]) : bytes;
    this.#tail = Buffer.alloc(0);
    if (!lineEnds) {
      const keep = _unfinished(all);
      if (keep > 0) {
        this.#tail = Buffer.from(all.subarray(all.length - keep));
        all = all.subarray(0, all.length - keep);
      }
    }
    const latin1 = all.toString("latin1");
    if (!/[\u0080-\u00ff]/.test(latin1)) return latin1;
    const text = all.toString("utf8");
    return Buffer.byteLength(text, "utf8") === all.length && Buffer.from(text, "utf8").equals(all) ? text : latin1;
  }
}

/** How many bytes at the end start a UTF-8 sequence that the bytes do not finish (0 to 3). */
function _unfinished(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > back ? back : 0;
    }
  }
  return 0;
}
