/**
 * Writing memory files so that every change is whole or absent, whatever
 * the disk does. A rewrite goes to a temp file in the same folder, is
 * flushed, takes the old file's mode (and owner, when root rewrites a
 * user's file) and is renamed over it: a reader sees the old file or the
 * new one, never half of either, and a full disk leaves the old one. An
 * append checks every byte was written — a short write is an error, never
 * success — and takes back what a failed write left, flushes to disk, and
 * starts on a line of its own even after a torn tail. Nothing here follows
 * a symbolic link or opens a FIFO or device: a link inside the memory folder
 * could point a write at any file the user can change. Writers take the
 * file's lock first (file-lock.ts).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { currentUid } from "./file-trust.ts";
import { DEFAULT_LOCK_TIMEOUT_MS, withFileLock } from "./file-lock.ts";
import { MemoryLinkError, MemoryWriteError } from "./memory-error.ts";

export { DEFAULT_LOCK_TIMEOUT_MS, withFileLock };

/** Mode of every memory file: the owner reads and writes, nobody else anything. */
export const FILE_MODE = 0o600;
/** Mode of the memory folder. */
export const DIR_MODE = 0o700;
/** Largest file whose text an append reads to repair a torn tail (the memory files' own read limit). */
const _REPAIR_READ_BYTES = 64 * 1024 * 1024;

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_APPEND } = fs.constants;
/** Never through a link, never blocking on a FIFO (0 where the platform has no such flag). */
export const NO_FOLLOW = (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/** A memory file open for appending. */
export interface AppendTarget {
  fd: number;
  /** Bytes in the file when it was opened. */
  size: number;
  /** True when the file is empty or its last byte is a newline. */
  endsInNewline: boolean;
}

/** Opens `file` for appending (created with FILE_MODE); a link or a special file is MemoryLinkError. */
export function openAppend(file: string): AppendTarget {
  const fd = openNoFollow(file, O_RDWR | O_CREAT | O_APPEND, FILE_MODE);
  try {
    const { size } = fs.fstatSync(fd);
    let endsInNewline = true;
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      endsInNewline = last[0] === 0x0a;
    }
    return { fd, size, endsInNewline };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/**
 * Opens `file` with `flags` without following a link, and refuses anything
 * but a regular file — both as MemoryLinkError, never as a raw ELOOP.
 */
export function openNoFollow(file: string, flags: number, mode = FILE_MODE): number {
  let fd: number;
  try {
    fd = fs.openSync(file, flags | NO_FOLLOW, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK") throw new MemoryLinkError(file);
    if (code === "ENXIO") throw new MemoryLinkError(file, "not a regular file"); // a FIFO without a reader
    throw err;
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw new MemoryLinkError(file, "not a regular file");
  }
  return fd;
}

/**
 * Writes all of `data` at the end of `file` (open as `fd`, `size` bytes
 * long before this write) and returns the new size. A write the system cut
 * short is retried for the rest; one that fails is taken back (the file is
 * truncated to `size`) and thrown as MemoryWriteError.
 */
export function appendWhole(fd: number, file: string, data: Buffer, size: number): number {
  let done = 0;
  try {
    while (done < data.length) {
      const n = fs.writeSync(fd, data, done, data.length - done);
      if (n <= 0) throw Object.assign(new Error("the write made no progress"), { code: "EIO" });
      done += n;
    }
  } catch (err) {
    throw _undo(fd, file, size, err);
  }
  return size + done;
}

/** Flushes `fd`'s data to disk; if that fails, the bytes past `size` are taken back and MemoryWriteError thrown. */
export function syncAppended(fd: number, file: string, size: number): void {
  try {
    fs.fdatasyncSync(fd);
  } catch (err) {
    throw _undo(fd, file, size, err);
  }
}

/**
 * Flushes `fd`'s data to disk without holding up the caller (the flush runs
 * off the main thread), so more may be appended meanwhile; nothing is taken
 * back when it fails — later appends may follow — and the failure rejects
 * as MemoryWriteError.
 */
export async function syncInBackground(fd: number, file: string): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    fs.fdatasync(
      fd,
      (err) =>
        err ? reject(new MemoryWriteError(file, (err as NodeJS.ErrnoException).code ?? "EIO", false)) : resolve(),
    )
  );
}

function _undo(fd: number, file: string, size: number, err: unknown): MemoryWriteError {
  let restored = false;
  try {
    fs.ftruncateSync(fd, size);
    restored = true;
  } catch {
    // The tail stays torn; readers skip it and the next append starts on a line of its own.
  }
  return new MemoryWriteError(file, (err as NodeJS.ErrnoException).code ?? "EIO", restored);
}

/** How an append is made. */
export interface AppendOptions {
  /** Lock wait (appendLocked). */
  timeoutMs?: number | undefined;
  /**
   * The text to write before the record, given the file's current text — to
   * close what a torn earlier write left open. Without it, a newline when
   * the file does not end with one.
   */
  repair?: (text: string) => string;
}

/** Appends `text` to `file` whole, starting on a line of its own, flushed to disk. Take the lock first. */
export function appendUnlocked(file: string, text: string, options: AppendOptions = {}): void {
  const target = openAppend(file);
  try {
    let prefix = target.endsInNewline ? "" : "\n";
    if (options.repair && target.size > 0 && target.size <= _REPAIR_READ_BYTES) {
      const buf = Buffer.alloc(target.size);
      fs.readSync(target.fd, buf, 0, target.size, 0);
      prefix = options.repair(buf.toString("utf8"));
    }
    appendWhole(target.fd, file, Buffer.from(prefix + text, "utf8"), target.size);
    syncAppended(target.fd, file, target.size);
  } finally {
    fs.closeSync(target.fd);
  }
}

/** Appends under the file's lock: concurrent appenders from any number of processes lose nothing. */
export async function appendLocked(file: string, text: string, options: AppendOptions = {}): Promise<void> {
  await withFileLock(
    file,
    () => Promise.resolve().then(() => appendUnlocked(file, text, options)),
    options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
  );
}

/**
 * Replaces `file` with `text` atomically. The new file keeps the old one's
 * permission bits (FILE_MODE for a new file) and, when root rewrites a file
 * another user owns, its owner; a link is refused, never replaced. On any
 * failure — a full disk included (MemoryWriteError) — the temp file is
 * removed and the old file is untouched.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  let mode = FILE_MODE;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const stat = await fsp.lstat(file);
    if (stat.isSymbolicLink()) throw new MemoryLinkError(file);
    if (!stat.isFile()) throw new MemoryLinkError(file, "not a regular file");
    mode = stat.mode & 0o777;
    if (currentUid() === 0 && stat.uid !== 0) owner = { uid: stat.uid, gid: stat.gid };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const handle = await fsp.open(tmp, O_WRONLY | O_CREAT | O_EXCL | NO_FOLLOW, mode);
  try {
    await handle.writeFile(text, "utf8");
    await handle.chmod(mode); // the umask may have narrowed it; the old mode is kept, never widened
    if (owner) await handle.chown(owner.uid, owner.gid);
    await handle.sync();
    await handle.close();
    await fsp.rename(tmp, file);
  } catch (err) {
    await handle.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOSPC" || code === "EDQUOT" || code === "EIO" || code === "EFBIG") {
      throw new MemoryWriteError(file, code, true);
    }
    throw err;
  }
  await syncFolder(path.dirname(file));
}

/** Flushes a folder, which makes a rename or a new entry in it durable; best effort: not every platform can open a folder for this. */
export async function syncFolder(dir: string): Promise<void> {
  try {
    const h = await fsp.open(dir, O_RDONLY);
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // best effort
  }
}
