/**
 * Whether a plugin file may run. A plugin is code that runs in smtpilot's
 * process with the user's rights and environment (the secrets of a run
 * included), so loading one is trusting whoever could write it.
 *
 * - A plugin listed in memory.md loads on every run without anyone naming
 *   it: its file (after links) must be owned by the running user or root and
 *   writable by neither group nor others, and so must every folder and link
 *   on the way to it, as written and after links (a shared folder with the
 *   sticky bit, like /tmp, is fine for what this user or root owns in it:
 *   nobody else can replace that). Otherwise another user could swap a link
 *   or a folder between this check and the import. The memory folder and
 *   memory.md are held to the same rule by the store (E_MEMORY_UNSAFE).
 * - Either way the file imported is the one checked, by its real path: a
 *   link changed after the check changes nothing.
 * - A plugin named with `--plugin PATH` was chosen by the person typing the
 *   command: it may be theirs or another user's, but never a file anyone can
 *   change — world-writable, or in a world-writable folder without the
 *   sticky bit.
 *
 * Refusals are `E_PLUGIN_UNSAFE`; the run goes on without the plugin.
 */
import fs from "node:fs";
import path from "node:path";
import { modeText, trustProblem, wayProblem } from "../core/memory/file-trust.ts";
import { shown } from "../core/printable.ts";

/** Where a plugin file was named: memory.md's `plugins:` list, or `--plugin` on the command line. */
export type PluginOrigin = "memory" | "flag";

/** The verdict on a plugin file: the real path to import, or why it must not be loaded. */
export type PluginTrust = { load: string; problem?: undefined } | { problem: string; load?: undefined };

/**
 * Whether the plugin file at `file` may be loaded, and by which real path. Missing files pass
 * under the path given (the import names them).
 */
export function pluginTrust(file: string, origin: PluginOrigin): PluginTrust {
  let real: string;
  let stat: fs.Stats;
  let folder: fs.Stats;
  try {
    real = fs.realpathSync(file);
    stat = fs.statSync(real);
    folder = fs.statSync(path.dirname(real));
  } catch {
    return { load: file };
  }
  const named = `Plugin file ${shown(file, 160)}${real === path.resolve(file) ? "" : ` (${shown(real, 160)})`}`;
  const refused = (why: string): PluginTrust => ({ problem: `${named} ${why}` });
  if (origin === "memory") {
    const own = trustProblem(stat);
    if (own) return refused(`is ${own}; memory.md loads only plugin files nobody else can change`);
    const way = wayProblem(path.resolve(file)) ?? wayProblem(real);
    if (way) return refused(`is reached through ${way}; memory.md loads only plugin files nobody else can change`);
    return { load: real };
  }
  if ((stat.mode & 0o002) !== 0) {
    return refused(`is writable by everyone (mode ${modeText(stat.mode)}): anyone could change the code it runs`);
  }
  if ((folder.mode & 0o1002) === 0o002) {
    return refused(`is in a folder writable by everyone (mode ${modeText(folder.mode)}): anyone could replace it`);
  }
  return { load: real };
}
