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

/**
 * Streams the lines of `file` (LF or CRLF, a leading UTF-8 BOM ignored),
 * trimmed. Throws a UsageError when the file cannot be read and a
 * RecipientListError as soon as a line passes MAX_LIST_LINE_BYTES.
 */
export async function* listLines(file: string, maxLineBytes = MAX_LIST_LINE_BYTES): AsyncGenerator<ListLine> {
  let stream: fs.ReadStream;
  try {
    if (!fs.statSync(file).isFile()) throw Object.assign(new Error("not a regular file"), { code: "not a file" });
    stream = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  } catch (err) {
    throw new UsageError(`Cannot read --to-list ${shown(file)}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let line = 0;
  let parts: Buffer[] = [];
  let pending = 0;
  const tooLong = () =>
    new RecipientListError(
      file,
      [{ line: line + 1, reason: `longer than ${maxLineBytes} bytes (one address a line)` }],
      1,
    );
  const take = (tail: Buffer): ListLine => {
    line++;
    const bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
    parts = [];
    pending = 0;
    let text = bytes.toString("utf8");
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { line, text: text.trim() };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
        if (pending + nl - start > maxLineBytes) throw tooLong();
        yield take(chunk.subarray(start, nl));
        start = nl + 1;
      }
      if (start < chunk.length) {
        pending += chunk.length - start;
        if (pending > maxLineBytes) throw tooLong();
        parts.push(chunk.subarray(start));
      }
    }
    if (pending > 0) yield take(Buffer.alloc(0));
  } catch (err) {
    if ((err as { code?: string }).code === "E_USAGE") throw err;
    throw new UsageError(`Cannot read --to-list ${shown(file)}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  } finally {
    stream.destroy();
  }
}
