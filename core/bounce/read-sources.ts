/**
 * Where bounce messages come from: a file holding one message, an mbox, a
 * Maildir folder (its new/ and cur/ files), or stdin ("-"). Everything is
 * streamed: each message is parsed line by line, handed to `onMessage` as
 * soon as it ends and then dropped, so memory does not grow with the size of
 * a message, of an mbox, or with the number of files in a Maildir.
 *
 * Only regular files are read. A source named on the command line may be a
 * link to one (the person chose it); inside a Maildir nothing is followed
 * out of the folder: links, FIFOs, sockets and devices are skipped with an
 * error entry, and every file is opened without following a link and
 * without blocking (a FIFO never stalls the run), then checked again on the
 * open descriptor. The run yields to the event loop often, so Ctrl-C and
 * SIGTERM end it at any point.
 *
 * A source that cannot be read is reported through `onError` with a stable
 * code; the other sources still run.
 */
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { shown } from "../printable.ts";
import { type MessageBudget, MessageSplitter, type OnMessage } from "./message-splitter.ts";

export { MessageSplitter, type OnMessage };

/** A source that could not be read. */
export interface SourceError {
  source: string;
  /** `bounce.not-found`, `bounce.permission-denied`, `bounce.not-a-file`, `bounce.empty`, `bounce.read-failed`. */
  code: string;
  message: string;
}

/** How far a run has come, for a progress bar. */
export interface ReadProgress {
  messages: number;
  /** Bytes read so far from the current file or stream. */
  bytes: number;
  /** The current file's size, when it is a file. */
  totalBytes?: number;
  /** The source being read. */
  source: string;
}

/** How to read. */
export interface ReadOptions {
  stdin?: Readable;
  /** Most messages read in one run, all sources together (default MAX_MESSAGES). */
  maxMessages?: number;
  /** Called after every chunk and every file (the caller throttles what it shows). */
  onProgress?: (progress: ReadProgress) => void;
  /** Awaited between chunks and files when it returns a promise: the consumer's back-pressure. */
  pause?: () => Promise<void> | undefined;
}

/** Default ceiling on messages per run for callers that keep every result in memory. */
export const MAX_MESSAGES = 200_000;

const _CHUNK = 256 * 1024;
/** Files up to this size are read in one synchronous call (most bounces); larger ones are streamed. */
const _SMALL_FILE = 1024 * 1024;
/** Longest stretch of synchronous work before the event loop gets a turn (signals, output). */
const _SLICE_MS = 20;
const _NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const _NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

interface _Run {
  budget: MessageBudget;
  options: ReadOptions;
  onMessage: OnMessage;
  onError: (error: SourceError) => void;
  messages: number;
  lastTurn: number;
}

/** Reads every source in order. Resolves when all are done; never rejects for a bad source. */
export async function readSources(
  sources: readonly string[],
  onMessage: OnMessage,
  onError: (error: SourceError) => void,
  options: ReadOptions = {},
): Promise<void> {
  const run: _Run = {
    budget: { left: options.maxMessages ?? MAX_MESSAGES },
    options,
    onError,
    messages: 0,
    lastTurn: performance.now(),
    onMessage: (root, source) => {
      run.messages++;
      onMessage(root, source);
    },
  };
  for (const source of sources) {
    if (run.budget.left <= 0) break;
    if (source === "-") {
      await _readStream(options.stdin ?? process.stdin, "-", run).catch((err) => onError(_error("-", err)));
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(source);
    } catch (err) {
      onError(_error(source, err));
      continue;
    }
    if (stat.isDirectory()) await _readMaildir(source, run);
    else await _readFile(source, run, true).catch((err) => onError(_error(source, err)));
  }
}

async function _readMaildir(dir: string, run: _Run): Promise<void> {
  // new/ and cur/ must be folders of this Maildir, not links to elsewhere.
  const subdirs = ["new", "cur"].map((d) => path.join(dir, d)).filter((d) => {
    try {
      return fs.lstatSync(d).isDirectory();
    } catch {
      return false;
    }
  });
  if (subdirs.length === 0) {
    run.onError({
      source: dir,
      code: "bounce.not-a-file",
      message: `Cannot read ${shown(dir)}: it is a folder but not a Maildir (no cur/ or new/ folder in it)`,
    });
    return;
  }
  for (const sub of subdirs) {
    let handle: fs.Dir;
    try {
      handle = await fs.promises.opendir(sub, { bufferSize: 256 });
    } catch (err) {
      run.onError(_error(sub, err));
      continue;
    }
    // Entries stream from the directory: a million files cost no more memory than ten.
    try {
      for await (const entry of handle) {
        if (run.budget.left <= 0) return;
        if (entry.name.startsWith(".")) continue;
        const file = path.join(sub, entry.name);
        if (!entry.isFile()) {
          run.onError(_notAFile(file, _kind(entry)));
          continue;
        }
        await _readFile(file, run, false).catch((err) => run.onError(_error(file, err)));
        await _turn(run);
      }
    } catch (err) {
      run.onError(_error(sub, err));
    }
  }
}

async function _readFile(file: string, run: _Run, followLink: boolean): Promise<void> {
  const { fd, size } = _openRegular(file, followLink);
  let streaming = false;
  try {
    const whole = size <= _SMALL_FILE ? _readAll(fd, size) : undefined;
    if (whole) {
      // One read instead of a stream: per-file stream set-up costs more than parsing a small bounce.
      const splitter = new MessageSplitter(file, run.onMessage, run.budget);
      splitter.push(whole);
      splitter.end();
      run.options.onProgress?.({ messages: run.messages, bytes: whole.length, totalBytes: size, source: file });
      if (splitter.count === 0) throw Object.assign(new Error("it holds no message"), { code: "E_EMPTY" });
      return;
    }
    streaming = true;
    const stream = fs.createReadStream("", { fd, highWaterMark: _CHUNK, start: 0, autoClose: true });
    await _readStream(stream, file, run, size);
  } finally {
    if (!streaming) fs.closeSync(fd);
  }
}

/** Opens `file` for reading only if it is a regular file; never blocks on a FIFO, never follows a link unless asked. */
function _openRegular(file: string, followLink: boolean): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | _NONBLOCK | (followLink ? 0 : _NOFOLLOW));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") throw _coded(_notAFile(file, "a symbolic link"));
    throw err;
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw _coded(_notAFile(file, stat.isFIFO() ? "a FIFO" : stat.isSocket() ? "a socket" : "a device"));
  }
  return { fd, size: stat.size };
}

/** The whole file when it holds at most _SMALL_FILE bytes (read bounded, whatever fstat said), else undefined. */
function _readAll(fd: number, size: number): Buffer | undefined {
  // One byte more than fstat said: a file that grew meanwhile fills it and is streamed instead.
  const buf = Buffer.allocUnsafe(size + 1);
  let total = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, total, buf.length - total, null);
    if (n === 0) return buf.subarray(0, total);
    total += n;
    if (total === buf.length) return undefined;
  }
}

async function _readStream(stream: Readable, label: string, run: _Run, totalBytes?: number): Promise<void> {
  const splitter = new MessageSplitter(label, run.onMessage, run.budget);
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk as Buffer;
      bytes += buf.length;
      splitter.push(buf);
      run.options.onProgress?.({
        messages: run.messages,
        bytes,
        ...(totalBytes !== undefined ? { totalBytes } : {}),
        source: label,
      });
      if (run.budget.left <= 0) break;
      await _turn(run);
    }
  } finally {
    if (stream !== process.stdin) stream.destroy();
  }
  splitter.end();
  if (splitter.count === 0) throw Object.assign(new Error("it holds no message"), { code: "E_EMPTY" });
}

/** Lets the consumer catch up and, every few milliseconds, the event loop run (signals, stdout). */
async function _turn(run: _Run): Promise<void> {
  const waiting = run.options.pause?.();
  if (waiting) await waiting;
  const now = performance.now();
  if (now - run.lastTurn < _SLICE_MS) return;
  run.lastTurn = now;
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function _kind(entry: fs.Dirent): string {
  if (entry.isSymbolicLink()) return "a symbolic link";
  if (entry.isDirectory()) return "a folder";
  if (entry.isFIFO()) return "a FIFO";
  if (entry.isSocket()) return "a socket";
  return "a device";
}

function _notAFile(source: string, kind: string): SourceError {
  return {
    source,
    code: "bounce.not-a-file",
    message: `Skipped ${shown(source)}: it is ${kind}, not a regular file`,
  };
}

function _coded(error: SourceError): Error {
  return Object.assign(new Error(error.message), { sourceError: error });
}

function _error(source: string, err: unknown): SourceError {
  const given = (err as { sourceError?: SourceError })?.sourceError;
  if (given) return given;
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
