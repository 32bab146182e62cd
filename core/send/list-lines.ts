/**
 * The lines of a recipient list, streamed with a bound on each: a list is one
 * address a line, so a line longer than any address (a 600 MB file with no
 * newline, a binary file given by mistake) is refused as soon as the bound is
 * crossed — by its line number, never by its content — instead of being
 * gathered into one string until the runtime gives up. Errors carry their
 * findings as data (line numbers and reasons; the raw text separately), so
 * an adapter decides whether the text may be shown: to a person at the
 * command line, yes; to an agent, never (the file may not be a list at all).
 */
import fs from "node:fs";
import { UsageError } from "../errors.ts";
import { shown } from "../printable.ts";

/** The longest line a list may have, in bytes: an address is at most 256 octets (RFC 5321 §4.5.3.1.3), comments included. */
export const MAX_LIST_LINE_BYTES = 4096;

/** One problem with a list: where it is and why, without the line's text. */
export interface ListProblem {
  line: number;
  reason: string;
}

/** A list that cannot be sent as it is: exit 2, with its problems as data. */
export class RecipientListError extends UsageError {
  /** The list file as given. */
  readonly file: string;
  /** The first problems found (at most a few), by line number and reason. */
  readonly problems: readonly ListProblem[];
  /** How many problems there are in all. */
  readonly problemCount: number;
  /** The text of each named problem's line (shortened, printable): for a person at the command line only. */
  readonly values: readonly string[];

  constructor(file: string, problems: readonly ListProblem[], problemCount: number, values: readonly string[] = []) {
    super(listProblemMessage(file, problems, problemCount, values));
    this.file = file;
    this.problems = problems;
    this.problemCount = problemCount;
    this.values = values;
  }
}

/** The message of a list's problems: line numbers and reasons, with each line's text only when `values` are given. */
export function listProblemMessage(
  file: string,
  problems: readonly ListProblem[],
  problemCount: number,
  values: readonly string[] = [],
): string {
  const named = problems.map((p, i) => `line ${p.line}${values[i] !== undefined ? ` ${values[i]}` : ""}: ${p.reason}`);
  const more = problemCount > problems.length ? `; ${problemCount - problems.length} more` : "";
  return `--to-list ${shown(file)} has ${problemCount} invalid line(s): ${named.join("; ")}${more}`;
}

/** One line of the list: its number (from 1) and its text, trimmed. */
export interface ListLine {
  line: number;
  text: string;
}

/** Consecutive lines of the list: `texts[k]` is line number `first + k`, trimmed. */
export interface ListLineBatch {
  first: number;
  texts: string[];
}

/**
 * Streams the lines of `file` (LF or CRLF, a leading UTF-8 BOM ignored),
 * trimmed. Throws a UsageError when the file cannot be read and a
 * RecipientListError as soon as a line passes MAX_LIST_LINE_BYTES.
 */
export async function* listLines(file: string, maxLineBytes = MAX_LIST_LINE_BYTES): AsyncGenerator<ListLine> {
  for await (const { first, texts } of listLineBatches(file, maxLineBytes)) {
    for (let k = 0; k < texts.length; k++) yield { line: first + k, text: texts[k] as string };
  }
}

/**
 * listLines a read (64 KB) at a time: each read's whole lines are decoded
 * once and split as text, with no promise, buffer or object per line — a
 * list of a million lines is scanned in the send's start-up. The same lines
 * as decoding each line's bytes on its own: a line end is one byte that no
 * UTF-8 sequence contains, and a malformed sequence decodes to U+FFFD
 * without taking the line end with it (a leading BOM is white space to
 * trim()). The bound is checked on each line's bytes before any is decoded,
 * so a read holding a line past it throws before handing out any of that
 * read's lines (listLines hands out the lines before it first): a reader
 * must treat the error as refusing the whole list, as the scan does.
 */
export async function* listLineBatches(
  file: string,
  maxLineBytes = MAX_LIST_LINE_BYTES,
): AsyncGenerator<ListLineBatch> {
  let stream: fs.ReadStream;
  try {
    if (!fs.statSync(file).isFile()) throw Object.assign(new Error("not a regular file"), { code: "not a file" });
    stream = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  } catch (err) {
    throw new UsageError(`Cannot read --to-list ${shown(file)}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let line = 0;
  /** The bytes after the last line end read so far (never more than maxLineBytes). */
  let rest: Buffer = Buffer.alloc(0);
  const tooLong = (at: number) =>
    new RecipientListError(file, [{ line: at, reason: `longer than ${maxLineBytes} bytes (one address a line)` }], 1);
  /**
   * The lines of `text` (whole lines, each ended by LF, or one last line
   * without it), trimmed; throws when one is longer than `bound` UTF-16
   * units before its trim.
   */
  const split = (text: string, ended: boolean, bound: number): ListLineBatch => {
    const first = line + 1;
    const texts: string[] = [];
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      if (nl - start > bound) throw tooLong(first + texts.length);
      texts.push(text.slice(start, nl).trim());
      start = nl + 1;
    }
    if (!ended) texts.push(text.slice(start).trim());
    line += texts.length;
    return { first, texts };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
      const end = buf.lastIndexOf(10) + 1;
      const text = end > 0 ? buf.toString("utf8", 0, end) : "";
      // A UTF-16 unit never comes from fewer than one byte, so when the units are as many as the bytes every
      // line's length is its bytes, checked while splitting (the usual, ASCII list); otherwise each line's
      // bytes are measured in the buffer first.
      const units = text.length === end;
      if (!units) {
        let start = 0;
        for (let nl = buf.indexOf(10), at = line + 1; nl >= 0 && nl < end; nl = buf.indexOf(10, start), at++) {
          if (nl - start > maxLineBytes) throw tooLong(at);
          start = nl + 1;
        }
      }
      const batch = end > 0 ? split(text, true, units ? maxLineBytes : Infinity) : undefined;
      if (buf.length - end > maxLineBytes) throw tooLong(line + 1);
      // Copied, so the carried bytes do not pin the whole read.
      rest = end === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(end));
      if (batch) yield batch;
    }
    if (rest.length > 0) yield split(rest.toString("utf8"), false, Infinity);
  } catch (err) {
    if ((err as { code?: string }).code === "E_USAGE") throw err;
    throw new UsageError(`Cannot read --to-list ${shown(file)}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  } finally {
    stream.destroy();
  }
}
