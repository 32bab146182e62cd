/**
 * Whether a file or folder could have been changed by someone other than
 * the person running smtpilot. The memory folder decides where a profile's
 * credentials go and which plugin code runs with this user's rights and
 * environment, so what it holds counts only when nobody else could have
 * written it: owned by this user (or root, who can write anything anyway)
 * and writable by neither its group nor others. Links inside the folder are
 * never followed (see atomic-file.ts), so the mode checked is the file's own.
 */
import fs, { type Stats } from "node:fs";
import path from "node:path";
import { shown } from "../printable.ts";

/** The running user's id; undefined where the platform has none (Windows), where no check applies. */
export function currentUid(): number | undefined {
  return typeof process.getuid === "function" ? process.getuid() : undefined;
}

/**
 * Why `stat` (a file or folder, not followed through a link) could hold
 * someone else's words, or undefined when only this user or root could have
 * written it. `sharedFolderOk`: a folder writable by all but with the sticky
 * bit (like /tmp) does not let others replace what this user owns in it.
 */
export function trustProblem(stat: Stats, options: { sharedFolderOk?: boolean } = {}): string | undefined {
  if (currentUid() === undefined) return undefined;
  const owner = ownerProblem(stat);
  if (owner) return owner;
  const sticky = stat.isDirectory() && (stat.mode & 0o1000) !== 0;
  if ((stat.mode & 0o022) !== 0 && !(options.sharedFolderOk && sticky)) {
    return `writable by ${(stat.mode & 0o002) !== 0 ? "everyone" : "its group"} (mode ${modeText(stat.mode)})`;
  }
  return undefined;
}

/** Why `stat` belongs to someone who could change it other than this user or root, or undefined. */
export function ownerProblem(stat: Stats): string | undefined {
  const uid = currentUid();
  return uid === undefined || stat.uid === uid || stat.uid === 0
    ? undefined
    : `owned by another user (uid ${stat.uid})`;
}

/** A mode's permission bits as `chmod` takes them (`0700`, `1777`). */
export function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/**
 * Why another user could change what the absolute path `abs` leads to — a folder on the way
 * they own or may write (a sticky shared folder only for what they own in it), or a link they
 * own — or undefined when nobody but this user or root could.
 */
export function wayProblem(abs: string): string | undefined {
  const parts = abs.split(path.sep).filter(Boolean);
  let at = path.parse(abs).root;
  let parent: fs.Stats | undefined;
  for (let i = 0; i <= parts.length; i++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(at);
    } catch {
      return undefined; // missing: whatever reads it next says so
    }
    const owner = ownerProblem(st);
    // In a sticky shared folder (like /tmp) only an entry's owner can replace it: it must be ours.
    if (owner && parent && (parent.mode & 0o1000) !== 0) return `${shown(at, 160)}, ${owner}, in a shared folder`;
    if (st.isSymbolicLink()) {
      if (owner) return `the link ${shown(at, 160)}, ${owner}`;
    } else if (st.isDirectory()) {
      const problem = trustProblem(st, { sharedFolderOk: true });
      if (problem) return `the folder ${shown(at, 160)}, ${problem}`;
      parent = st;
    }
    if (i < parts.length) at = path.join(at, parts[i] as string);
  }
  return undefined;
}
