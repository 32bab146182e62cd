/**
 * Where bounce messages come from: a file holding one message, an mbox (the
 * file starts with a "From " line; each "From " line after a blank line
 * starts the next message), a Maildir folder (its cur/ and new/ files), or
 * stdin ("-"). Everything is streamed: each message is parsed line by line,
 * handed to `onMessage` as soon as it ends and then dropped, so memory does
 * not grow with the size of a message or of an mbox.
 *
 * A source that cannot be read is reported through `onError` with a stable
 * code; the other sources still run.
 */
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { shown } from "../printable.ts";
import { LineSplitter } from "./line-splitter.ts";
import type { MimePart } from "./mime-part.ts";
import { MimeReader } from "./mime-reader.ts";

/** A source that could not be read. */
export interface SourceError {
  source: string;
  /** `bounce.not-found`, `bounce.permission-denied`, `bounce.not-a-file`, `bounce.empty`, `bounce.read-failed`. */
  code: string;
  message: string;
}

/** Called for every message: the tree and its source label (`file`, `mbox#3`, `-`). */
export type OnMessage = (root: MimePart, source: string) => void;

/** Most messages read in one run, all sources together. */
export const MAX_MESSAGES = 200_000;

const _CHUNK = 256 * 1024;

/** Reads every source in order. Resolves when all are done; never rejects for a bad source. */
export async function readSources(
  sources: readonly string[],
  onMessage: OnMessage,
  onError: (error: SourceError) => void,
  stdin: Readable = process.stdin,
): Promise<void> {
  const budget = { left: MAX_MESSAGES };
  for (const source of sources) {
    if (budget.left <= 0) break;
    if (source === "-") {
      await _readStream(stdin, "-", onMessage, budget).catch((err) => onError(_error("-", err)));
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(source);
    } catch (err) {
      onError(_error(source, err));
      continue;
    }
    if (stat.isDirectory()) {
      await _readMaildir(source, onMessage, onError, budget);
    } else if (!stat.isFile()) {
      onError({
        source,
        code: "bounce.not-a-file",
        message: `Cannot read ${shown(source)}: it is a device or pipe, not a file`,
      });
    } else {
      await _readFile(source, onMessage, budget).catch((err) => onError(_error(source, err)));
    }
  }
}

async function _readMaildir(
  dir: string,
  onMessage: OnMessage,
  onError: (e: SourceError) => void,
  budget: { left: number },
) {
  const subdirs = ["new", "cur"].map((d) => path.join(dir, d)).filter((d) => {
    try {
      return fs.statSync(d).isDirectory();
    } catch {
      return false;
    }
  });
  if (subdirs.length === 0) {
    onError({
      source: dir,
      code: "bounce.not-a-file",
      message: `Cannot read ${shown(dir)}: it is a folder but not a Maildir (no cur/ or new/)`,
    });
    return;
  }
  for (const sub of subdirs) {
    let names: string[];
    try {
      names = fs.readdirSync(sub).filter((n) => !n.startsWith(".")).sort();
    } catch (err) {
      onError(_error(sub, err));
      continue;
    }
    for (const name of names) {
      if (budget.left <= 0) return;
      const file = path.join(sub, name);
      await _readFile(file, onMessage, budget).catch((err) => onError(_error(file, err)));
    }
  }
}

/** Files up to this size are read in one synchronous call (most bounces); larger ones are streamed. */
const _SMALL_FILE = 1024 * 1024;

async function _readFile(file: string, onMessage: OnMessage, budget: { left: number }): Promise<void> {
  const whole = _readIfSmall(file);
  if (whole) {
    // One read instead of a stream: per-file stream set-up costs more than parsing a small bounce.
    const splitter = new MessageSplitter(file, onMessage, budget);
    splitter.push(whole);
    splitter.end();
    if (splitter.count === 0) throw Object.assign(new Error("it holds no message"), { code: "E_EMPTY" });
    return;
  }
  return await _readStream(fs.createReadStream(file, { highWaterMark: _CHUNK }), file, onMessage, budget);
}

/** The whole file when it holds at most _SMALL_FILE bytes (read bounded, whatever stat said), else undefined. */
function _readIfSmall(file: string): Buffer | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    if (size > _SMALL_FILE) return undefined;
    // One byte more than stat said: a file that grew meanwhile fills it and is streamed instead.
    const buf = Buffer.allocUnsafe(size + 1);
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) return buf.subarray(0, total);
      total += n;
      if (total === buf.length) return undefined;
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function _readStream(stream: Readable, label: string, onMessage: OnMessage, budget: { left: number }) {
  const splitter = new MessageSplitter(label, onMessage, budget);
  for await (const chunk of stream) {
    splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk as Buffer);
    if (budget.left <= 0) {
      stream.destroy();
      break;
    }
  }
  splitter.end();
  if (splitter.count === 0) throw Object.assign(new Error("it holds no message"), { code: "E_EMPTY" });
}

/**
 * Cuts a byte stream into messages (one, or mbox) and parses each. Exposed
 * for tests and the benchmark, which feed buffers directly.
 */
export class MessageSplitter {
  readonly #lines: LineSplitter;
  readonly #label: string;
  readonly #onMessage: OnMessage;
  readonly #budget: { left: number };
  #reader: MimeReader | undefined;
  #mbox: boolean | undefined;
  #index = 0;
  #previousBlank = true;
  #sawLine = false;

  constructor(label: string, onMessage: OnMessage, budget = { left: MAX_MESSAGES }) {
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

function _error(source: string, err: unknown): SourceError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = shown(source === "-" ? "stdin" : source);
  if (code === "ENOENT") return { source, code: "bounce.not-found", message: `Cannot read ${where}: no such file` };
  if (code === "EACCES" || code === "EPERM") {
    return { source, code: "bounce.permission-denied", message: `Cannot read ${where}: permission denied` };
  }
  if (code === "E_EMPTY") return { source, code: "bounce.empty", message: `Cannot read ${where}: it holds no message` };
  if (code === "EISDIR") return { source, code: "bounce.not-a-file", message: `Cannot read ${where}: it is a folder` };
  return {
    source,
    code: "bounce.read-failed",
    message: `Cannot read ${where}: ${shown(String((err as Error)?.message ?? err), 120)}`,
  };
}
