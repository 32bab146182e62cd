/**
 * One writer at a time per memory file, across processes (a scale run, a
 * second terminal, the MCP server): every writer of a file — rewrite or
 * append — first takes `<file>.lock`, created exclusively (O_EXCL never
 * follows a link), so an append cannot land in a file that is being
 * replaced and no two appends interleave.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { constants } from "node:fs";
import os from "node:os";
import path from "node:path";
import { MemoryLockedError, MemoryWriteError } from "./memory-error.ts";

/** How long a writer waits for another one before giving up (a scale run appends in bursts). */
export const DEFAULT_LOCK_TIMEOUT_MS = 15_000;
/** A lock older than this whose owner cannot be checked (another host) is taken over. */
const _FOREIGN_STALE_MS = 10 * 60_000;
/** A lock file holds one short line; more is not ours. */
const _LOCK_READ_BYTES = 512;

const _sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` holding `<file>.lock`. The lock records pid, host and time; a
 * lock whose process is gone (same host) or that is very old (another host)
 * is taken over. Waits with jittered back-off up to `timeoutMs`, then throws
 * MemoryLockedError naming the holder.
 */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  timeoutMs = DEFAULT_LOCK_TIMEOUT_MS,
): Promise<T> {
  const lock = `${file}.lock`;
  const me = `${process.pid} ${os.hostname()} ${Date.now()} ${randomBytes(4).toString("hex")}\n`;
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      const h = await fs.open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        await h.writeFile(me);
      } catch (err) {
        // A full disk: no lock without its owner line (it would block others for a while).
        await h.close().catch(() => {});
        await fs.rm(lock, { force: true });
        const code = (err as NodeJS.ErrnoException).code ?? "EIO";
        throw new MemoryWriteError(file, code, true);
      }
      await h.close();
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EDQUOT") throw new MemoryWriteError(file, code, true);
      if (code !== "EEXIST") throw err;
    }
    if (await _takeOverStale(lock)) continue;
    if (Date.now() > deadline) {
      const holder = (await _readLock(lock)).split(" ")[0] || "unknown";
      throw new MemoryLockedError(
        `${path.basename(file)} is locked by another smtpilot (pid ${holder}) for more than ${
          Math.round(timeoutMs / 1000)
        } s; ` +
          `if no smtpilot is running, remove ${lock}`,
      );
    }
    await _sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
  try {
    return await fn();
  } finally {
    // Remove only our own lock: after a takeover by someone else the file is theirs.
    if ((await _readLock(lock)) === me) await fs.rm(lock, { force: true });
  }
}

/** A lock file's text: never through a link, never more than a line (a planted FIFO or device reads as ""). */
async function _readLock(lock: string): Promise<string> {
  let h: fs.FileHandle | undefined;
  try {
    h = await fs.open(lock, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    if (!(await h.stat()).isFile()) return "";
    const buf = Buffer.alloc(_LOCK_READ_BYTES);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } catch {
    return "";
  } finally {
    await h?.close().catch(() => {});
  }
}

/** Removes a lock whose owner is gone; true when the caller should try again at once. */
async function _takeOverStale(lock: string): Promise<boolean> {
  let content: string;
  let mtime: number;
  try {
    mtime = (await fs.lstat(lock)).mtimeMs;
    content = await _readLock(lock);
  } catch {
    return true; // released meanwhile
  }
  const [pid, host] = content.split(" ");
  const sameHost = host === os.hostname();
  const stale = content === ""
    ? Date.now() - mtime > 5_000 // a writer that died between create and write
    : sameHost
    ? !_alive(Number(pid))
    : Date.now() - mtime > _FOREIGN_STALE_MS;
  if (!stale) return false;
  // Move it aside, then check that what we moved is still the stale lock and not a fresh one.
  const aside = `${lock}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    await fs.rename(lock, aside);
  } catch {
    return true;
  }
  const moved = await _readLock(aside);
  if (moved !== content) await fs.link(aside, lock).catch(() => {});
  await fs.rm(aside, { force: true });
  return true;
}

function _alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
