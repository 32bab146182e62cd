/**
 * `smtpilot init` as a function: creates the memory folder (0700) and each
 * missing file (0600) with its starting text. Idempotent: a file that exists
 * is never rewritten (only its permissions are tightened), and the existing
 * files must still parse — a broken one is reported, not repaired. Touches
 * nothing but the folder; never the network.
 */
import fs from "node:fs/promises";
import { constants } from "node:fs";
import path from "node:path";
import { EnvironmentError } from "../errors.ts";
import { DIR_MODE, FILE_MODE } from "./atomic-file.ts";
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
  try {
    const stat = await fs.stat(home);
    if (!stat.isDirectory()) {
      throw new EnvironmentError(`The memory folder ${home} exists and is not a folder`, "E_MEMORY_NOT_A_FOLDER");
    }
    if ((stat.mode & 0o077) !== 0) {
      await fs.chmod(home, DIR_MODE);
      result.tightened.push(".");
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    await fs.mkdir(home, { recursive: true, mode: DIR_MODE });
    await fs.chmod(home, DIR_MODE); // mkdir's mode is filtered by the umask
    result.createdFolder = true;
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
      const stat = await fs.lstat(file);
      if (!stat.isFile()) throw new EnvironmentError(`${name} in ${home} is not a regular file`, "E_MEMORY_INVALID");
      if ((stat.mode & 0o077) !== 0) {
        await fs.chmod(file, FILE_MODE);
        result.tightened.push(name);
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
