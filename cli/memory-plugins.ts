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
 *
 * Every command asks, most of them for nothing else in the memory folder: a
 * settings block that plainly lists no plugin (no `plugins` key, or
 * `plugins: []` as `smtpilot init` writes it) is answered from its text,
 * without loading the YAML parser — nothing is loaded, so there is nothing
 * to trust; anything else is read in full, through the store's checks.
 */
import fs from "node:fs";
import path from "node:path";
import { BLOCK_TAGS, resolveHome } from "../core/memory/layout.ts";
import { findTaggedBlocks } from "../core/memory/markdown-fences.ts";

/** Absolute paths of the plugin files memory.md lists, minus those also given with --plugin. */
export async function memoryPluginFiles(
  home: string | undefined,
  given: readonly string[],
  warn: (text: string) => void,
): Promise<string[]> {
  const folder = resolveHome(home);
  const file = path.join(folder, "memory.md");
  if (!fs.existsSync(file)) return [];
  let list: string[];
  try {
    if (_plainlyNoPlugins(file)) return [];
    const { openMemory } = await import("../core/memory/store.ts");
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

/** The one form of an empty list the fast path accepts: a top-level `plugins: []`, perhaps with a comment. */
const _EMPTY_LIST = /^plugins:[ \t]*\[[ \t]*\][ \t]*(?:#.*)?$/;

/**
 * True when memory.md's one settings block certainly lists no plugin: the
 * word `plugins` appears in it only as a top-level `plugins: []` line (or
 * not at all), and no backslash escape could spell the key another way. A
 * file too large, unreadable or shaped otherwise is left to the full read.
 */
function _plainlyNoPlugins(file: string): boolean {
  const text = _smallText(file);
  if (text === undefined) return false;
  const { blocks, unclosed } = findTaggedBlocks("memory.md", text);
  const settings = blocks.filter((b) => b.tag === BLOCK_TAGS.memory);
  const only = settings[0];
  if (unclosed || settings.length !== 1 || !only) return false;
  const block = text.slice(only.start, only.end);
  if (block.includes("\\")) return false;
  const mentions = block.split("\n").map((line) => line.replace(/\r$/, "")).filter((line) => line.includes("plugins"));
  return mentions.length === 0 || (mentions.length === 1 && _EMPTY_LIST.test(mentions[0] ?? ""));
}

/** The file's text when it is readable and smaller than _PEEK_BYTES; undefined otherwise (the full read explains). */
function _smallText(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const buffer = Buffer.alloc(_PEEK_BYTES + 1);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return read > _PEEK_BYTES ? undefined : buffer.toString("utf8", 0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** memory.md is read whole only when it is smaller than this (it holds settings and prose). */
const _PEEK_BYTES = 64 * 1024;
