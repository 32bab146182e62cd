/**
 * The `plugins:` list of memory.md: plugin files loaded on every run, before
 * those given with `--plugin`. Loading code named in a file is only safe
 * when nobody else could have written that file: the store refuses a memory
 * folder or memory.md owned by another user or writable by group or others
 * (E_MEMORY_UNSAFE), and then no plugin of the list is loaded (with a
 * warning); each listed file is checked in turn by the loader
 * (plugin-trust.ts). A memory folder that does not exist means no plugins;
 * a memory.md that does not parse is reported and the run goes on without
 * its plugins.
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
  if (!fs.existsSync(path.join(folder, "memory.md"))) return [];
  let list: string[];
  try {
    list = (await openMemory({ home: folder }).settings()).plugins;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    warn(
      `the plugins listed in memory.md are not loaded${typeof code === "string" ? ` (${code})` : ""}: ${
        (err as Error).message
      }`,
    );
    return [];
  }
  const seen = new Set(given.map((g) => path.resolve(g)));
  return list.map((p) => path.resolve(folder, p)).filter((p) => !seen.has(p));
}
