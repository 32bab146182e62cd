/**
 * Writing memory files safely while other smtpilot processes (a scale run, a
 * second terminal, the MCP server) may be writing too. A rewrite goes to a
 * temp file in the same folder, is flushed, takes the old file's mode and
 * is renamed over it, so a reader sees the old file or the new one, never
 * half of either. Every writer of a file — rewrite or append — first takes
 * the file's lock (`<file>.lock`, created exclusively), so an append cannot
 * land in a file that is being replaced and no two appends interleave.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { constants } from "node:fs";
import os from "node:os";
import path from "node:path";
import { MemoryLockedError } from "./memory-error.ts";

/** Mode of every memory file: the owner reads and writes, nobody else anything. */
export const FILE_MODE = 0o600;
/** Mode of the memory folder. */
export const DIR_MODE = 0o700;
/** How long a writer waits for another one before giving up (a scale run appends in bursts). */
export const DEFAULT_LOCK_TIMEOUT_MS = 15_000;
/** A lock older than this whose owner cannot be checked (another host) is taken over. */
const _FOREIGN_STALE_MS = 10 * 60_000;

const _sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Replaces `file` with `text` atomically. The new file keeps the old one's
 * permission bits (FILE_MODE for a new file); on any failure the temp file is
 * removed and the old file is untouched.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  let mode = FILE_MODE;
  try {
    mode = (await fs.stat(file)).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(text, "utf8");
    await handle.chmod(mode); // the umask may have narrowed or the old mode differs from the default
    await handle.sync();
    await handle.close();
    await fs.rename(tmp, file);
  } catch (err) {
    await handle.close().catch(() => {});
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await _syncDir(path.dirname(file));
}

/** Appends `text` to `file` (created with FILE_MODE) in one write, starting on a new line. Take the lock first. */
export async function appendUnlocked(file: string, text: string): Promise<void> {
  const handle = await fs.open(file, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, FILE_MODE);
  try {
    const { size } = await handle.stat();
    let prefix = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = "\n";
    }
    await handle.write(prefix + text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Appends under the file's lock: concurrent appenders from any number of processes lose nothing. */
export async function appendLocked(file: string, text: string, timeoutMs = DEFAULT_LOCK_TIMEOUT_MS): Promise<void> {
  await withFileLock(file, () => appendUnlocked(file, text), timeoutMs);
}

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
      const h = await fs.open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
      await h.writeFile(me);
      await h.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (await _takeOverStale(lock)) continue;
    if (Date.now() > deadline) {
      const holder = (await fs.readFile(lock, "utf8").catch(() => "")).split(" ")[0] || "unknown";
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
    const content = await fs.readFile(lock, "utf8").catch(() => "");
    if (content === me) await fs.rm(lock, { force: true });
  }
}

/** Removes a lock whose owner is gone; true when the caller should try again at once. */
async function _takeOverStale(lock: string): Promise<boolean> {
  let content: string;
  let mtime: number;
  try {
    content = await fs.readFile(lock, "utf8");
    mtime = (await fs.stat(lock)).mtimeMs;
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
  const moved = await fs.readFile(aside, "utf8").catch(() => "");
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

async function _syncDir(dir: string): Promise<void> {
  // Makes the rename durable; not every platform can open a folder for this.
  try {
    const h = await fs.open(dir, constants.O_RDONLY);
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // best effort
  }
}
