/**
 * `smtpilot init` as a function: creates the memory folder (0700) and each
 * missing file (0600) with its starting text. Idempotent: a file that exists
 * is never rewritten, and the existing files must still parse — a broken one
 * is reported, not repaired. Permissions are tightened only on what the
 * running user owns, never through a link and never on a shared (sticky)
 * folder; anything else that others could write is refused
 * (`E_MEMORY_UNSAFE`), and a link inside the folder is `E_MEMORY_LINK`.
 * Touches nothing but the folder; never the network.
 */
import fs from "node:fs/promises";
import { closeSync, constants, fchmodSync, fstatSync, type Stats } from "node:fs";
import path from "node:path";
import { EnvironmentError } from "../errors.ts";
import { DIR_MODE, FILE_MODE, openNoFollow } from "./atomic-file.ts";
import { currentUid, modeText, trustProblem } from "./file-trust.ts";
import { MemoryUnsafeError } from "./memory-error.ts";
import { initialText, MEMORY_FILES, type MemoryFileRole } from "./layout.ts";
import { openMemory } from "./store.ts";

/** What init did. */
export interface InitResult {
  home: string;
  /** True when the folder itself was created. */
  createdFolder: boolean;
  created: string[];
  existing: string[];
  /** Files (or the folder, as ".") whose permissions were narrowed to the owner. */
  tightened: string[];
}

/** Creates what is missing in `home`; see the module comment. */
export async function initMemory(home: string, now: Date = new Date()): Promise<InitResult> {
  const result: InitResult = { home, createdFolder: false, created: [], existing: [], tightened: [] };
  let stat: Stats | undefined;
  try {
    stat = await fs.lstat(home);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (!stat) {
    await fs.mkdir(home, { recursive: true, mode: DIR_MODE });
    await fs.chmod(home, DIR_MODE); // mkdir's mode is filtered by the umask; the folder is ours, just made
    result.createdFolder = true;
  } else if (stat.isSymbolicLink()) {
    // The folder may be a link (~/smtp → a synced folder), but no mode is changed through one.
    const target = await fs.stat(home).catch(() => undefined);
    if (!target?.isDirectory()) {
      throw new EnvironmentError(
        `The memory folder ${home} is a link to something that is not a folder`,
        "E_MEMORY_NOT_A_FOLDER",
      );
    }
    _refuseUnsafe(home, target, "a link to a folder");
  } else if (!stat.isDirectory()) {
    throw new EnvironmentError(`The memory folder ${home} exists and is not a folder`, "E_MEMORY_NOT_A_FOLDER");
  } else if ((stat.mode & 0o077) !== 0) {
    if (_ours(stat)) {
      await _chmodNoFollow(home, DIR_MODE, true);
      result.tightened.push(".");
    } else _refuseUnsafe(home, stat, "a folder");
  }
  for (const role of Object.keys(MEMORY_FILES) as MemoryFileRole[]) {
    const name = MEMORY_FILES[role];
    const file = path.join(home, name);
    try {
      const h = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
      try {
        await h.writeFile(initialText(role, now));
        await h.chmod(FILE_MODE);
        await h.sync();
      } finally {
        await h.close();
      }
      result.created.push(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      result.existing.push(name);
      const fd = openNoFollow(file, constants.O_RDONLY); // a link or a special file: MemoryLinkError
      try {
        const fileStat = fstatSync(fd);
        if ((fileStat.mode & 0o077) === 0) continue;
        if (!_ours(fileStat)) {
          _refuseUnsafe(file, fileStat, "a memory file");
          continue;
        }
        fchmodSync(fd, FILE_MODE);
        result.tightened.push(name);
      } finally {
        closeSync(fd);
      }
    }
  }
  // The files that were there must still be readable memory: say so now, not at the first send.
  const store = openMemory({ home });
  await store.settings();
  await store.profiles();
  await store.sendLog();
  await store.notes();
  return result;
}

/**
 * True when init may narrow this folder's or file's mode: it belongs to the
 * running user and is not a shared folder (the sticky bit, as on /tmp) —
 * never something another user, or the system, set up that way.
 */
function _ours(stat: Stats): boolean {
  const uid = currentUid();
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o1000) === 0;
}

/** A folder or file init will not change: refused when others could write it, else left as it is. */
function _refuseUnsafe(where: string, stat: Stats, what: string): void {
  const problem = trustProblem(stat) ??
    ((stat.mode & 0o1000) !== 0 ? `shared (mode ${modeText(stat.mode)})` : undefined);
  if (!problem) return;
  throw new MemoryUnsafeError(
    `${where} is ${what} ${problem}; smtpilot init changes no mode it does not own: give --home a folder of ` +
      "your own, or fix its owner and mode yourself",
  );
}

/** chmod through a descriptor opened without following a link (no race with a link swapped in). */
async function _chmodNoFollow(target: string, mode: number, folder: boolean): Promise<void> {
  const h = await fs.open(
    target,
    constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (folder ? constants.O_DIRECTORY ?? 0 : 0),
  );
  try {
    await h.chmod(mode);
  } finally {
    await h.close();
  }
}
