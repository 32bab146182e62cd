/**
 * Reading files the user names (a CA bundle, a dotenv file, a message): only
 * regular files, never more than a stated number of bytes, with an error that
 * names the flag, the path and the reason — so `--ca /dev/zero` or a folder is
 * a clear refusal, not gigabytes of memory.
 */
import fs from "node:fs";
import { UsageError } from "./errors.ts";
import { shown } from "./printable.ts";

/** What a caller says about the file: the flag it came from and the most bytes it may hold. */
export interface SmallFileOptions {
  /** The flag or setting that named the file, for the message (`--ca`). */
  what: string;
  maxBytes: number;
}

/** Reads a regular file of at most `maxBytes`; anything else is a UsageError naming the path. */
export function readSmallFile(file: string, options: SmallFileOptions): Buffer {
  const where = `${options.what} ${shown(file)}`;
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new UsageError(`Cannot read ${where}: ${_reason(err)}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new UsageError(`Cannot read ${where}: it is a folder, not a file`);
    if (!stat.isFile()) throw new UsageError(`Cannot read ${where}: it is a device or pipe, not a regular file`);
    if (stat.size > options.maxBytes) {
      throw new UsageError(`Cannot read ${where}: ${stat.size} bytes is more than the ${options.maxBytes} allowed`);
    }
    // The size can change under us (a growing log): read at most one byte more than allowed to notice.
    const buf = Buffer.alloc(Math.min(options.maxBytes + 1, Math.max(stat.size, 0) + 1));
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
      if (total > options.maxBytes) {
        throw new UsageError(`Cannot read ${where}: it holds more than the ${options.maxBytes} bytes allowed`);
      }
      if (total === buf.length) break;
    }
    return buf.subarray(0, total);
  } finally {
    fs.closeSync(fd);
  }
}

function _reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder, not a file";
  return code ?? (err as Error).message;
}
