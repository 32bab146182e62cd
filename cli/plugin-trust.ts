/**
 * Whether a plugin file may run. A plugin is code that runs in smtpilot's
 * process with the user's rights and environment (the secrets of a run
 * included), so loading one is trusting whoever could write it.
 *
 * - A plugin listed in memory.md loads on every run without anyone naming
 *   it: its file (after links) must be owned by the running user or root and
 *   writable by neither group nor others, in a folder others cannot write to
 *   (a shared folder with the sticky bit, like /tmp, is fine: nobody else can
 *   replace the file there). The memory folder and memory.md are held to the
 *   same rule by the store (E_MEMORY_UNSAFE).
 * - A plugin named with `--plugin PATH` was chosen by the person typing the
 *   command: it may be theirs or another user's, but never a file anyone can
 *   change — world-writable, or in a world-writable folder without the
 *   sticky bit.
 *
 * Refusals are `E_PLUGIN_UNSAFE`; the run goes on without the plugin.
 */
import fs from "node:fs";
import path from "node:path";
import { modeText, trustProblem } from "../core/memory/file-trust.ts";
import { shown } from "../core/printable.ts";

/** Where a plugin file was named: memory.md's `plugins:` list, or `--plugin` on the command line. */
export type PluginOrigin = "memory" | "flag";

/** Why the plugin file at `file` must not be loaded, or undefined when it may. Missing files pass (the import names them). */
export function pluginTrustProblem(file: string, origin: PluginOrigin): string | undefined {
  let real: string;
  let stat: fs.Stats;
  let folder: fs.Stats;
  try {
    real = fs.realpathSync(file);
    stat = fs.statSync(real);
    folder = fs.statSync(path.dirname(real));
  } catch {
    return undefined;
  }
  const named = `Plugin file ${shown(file, 160)}${real === path.resolve(file) ? "" : ` (${shown(real, 160)})`}`;
  if (origin === "memory") {
    const own = trustProblem(stat);
    if (own) return `${named} is ${own}; memory.md loads only plugin files nobody else can change`;
    const dir = trustProblem(folder, { sharedFolderOk: true });
    if (dir) return `${named} is in a folder ${dir}; memory.md loads only plugin files nobody else can change`;
    return undefined;
  }
  if ((stat.mode & 0o002) !== 0) {
    return `${named} is writable by everyone (mode ${modeText(stat.mode)}): anyone could change the code it runs`;
  }
  if ((folder.mode & 0o1002) === 0o002) {
    return `${named} is in a folder writable by everyone (mode ${modeText(folder.mode)}): anyone could replace it`;
  }
  return undefined;
}
