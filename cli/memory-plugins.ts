/**
 * The `plugins:` list of memory.md: plugin files loaded on every run, before
 * those given with `--plugin`. Loading code named in a file is only safe
 * when nobody else could have written that file, so the list is ignored
 * (with a warning) when memory.md or its folder is writable by group or
 * others. A memory folder that does not exist means no plugins; a memory.md
 * that does not parse is reported and the run goes on without its plugins.
 */
import fs from "node:fs";
import path from "node:path";
import { resolveHome } from "../core/memory/layout.ts";
import { openMemory } from "../core/memory/store.ts";

/** Absolute paths of the plugin files memory.md lists, minus those also given with --plugin. */
export async function memoryPluginFiles(
  home: string | undefined,
  given: readonly string[],
  warn: (text: string) => void,
): Promise<string[]> {
  const folder = resolveHome(home);
  const file = path.join(folder, "memory.md");
  let stats: [fs.Stats, fs.Stats];
  try {
    stats = [fs.statSync(folder), fs.statSync(file)];
  } catch {
    return [];
  }
  let list: string[];
  try {
    list = (await openMemory({ home: folder }).settings()).plugins;
  } catch (err) {
    warn(`the plugins listed in memory.md are not loaded: ${(err as Error).message}`);
    return [];
  }
  if (list.length === 0) return [];
  if (stats.some((s) => (s.mode & 0o022) !== 0)) {
    warn(
      `the plugins listed in memory.md are not loaded: ${folder} or memory.md is writable by others (run smtpilot init to fix the permissions)`,
    );
    return [];
  }
  const seen = new Set(given.map((g) => path.resolve(g)));
  return list.map((p) => path.resolve(folder, p)).filter((p) => !seen.has(p));
}
