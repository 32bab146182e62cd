/**
 * Loads the plugins of a run: the built-in ones (plugins/index.ts), then
 * those memory.md lists, then each `--plugin PATH` in command-line order —
 * each user plugin only from a file nobody else could have changed
 * (plugin-trust.ts, `E_PLUGIN_UNSAFE`). `.mjs`/`.js`/`.cjs` load everywhere
 * (source, bundle, single binary); `.ts` wherever the runtime can import
 * TypeScript (tsx, Deno, the binary's Node 24 for erasable syntax). A plugin
 * that cannot be found, imported, recognised or set up becomes a failure
 * naming it and its file — never a crash — and the run goes on without it.
 */
import { BUILTIN_PLUGINS } from "../plugins/index.ts";
import { PLUGIN_SETUP_LIMIT_MS, type PluginCandidate, Registry, setupPlugins } from "../core/plugin.ts";
import { shown } from "../core/printable.ts";
import { importPluginFile } from "./plugin-import.ts";
import { type PluginOrigin, pluginTrust } from "./plugin-trust.ts";
import type { PluginWatchdog } from "./plugin-watchdog.ts";

/**
 * The registry with the built-in plugins and the user's, in that order (so
 * a built-in name always wins), plus the failures and ignored registrations
 * to show on stderr. `files` are the `--plugin` files, `fromMemory` those
 * memory.md lists (loaded first, held to the stricter rule). `limitMs`
 * bounds each file's import and each setup.
 */
export async function loadAllPlugins(
  files: readonly string[] = [],
  options: { limitMs?: number; fromMemory?: readonly string[] } = {},
): Promise<Registry> {
  const limitMs = options.limitMs ?? PLUGIN_SETUP_LIMIT_MS;
  const builtins: PluginCandidate[] = BUILTIN_PLUGINS.map((plugin) => ({ plugin, source: "built-in", builtin: true }));
  const registry = await setupPlugins(builtins, new Registry(), { limitMs });
  const all: [string, PluginOrigin][] = [
    ...(options.fromMemory ?? []).map((f) => [f, "memory"] as [string, PluginOrigin]),
    ...files.map((f) => [f, "flag"] as [string, PluginOrigin]),
  ];
  if (all.length === 0) return registry;
  // User plugins run in this process: a time limit that holds even against a loop (plugin-watchdog.ts).
  // Loaded only here: most runs have no user plugin to guard.
  const watchdog = new (await import("./plugin-watchdog.ts")).PluginWatchdog();
  try {
    for (const [file, origin] of all) await _loadOne(file, origin, registry, limitMs, watchdog);
  } finally {
    watchdog.stop();
  }
  return registry;
}

async function _loadOne(
  file: string,
  origin: PluginOrigin,
  registry: Registry,
  limitMs: number,
  watchdog: PluginWatchdog,
): Promise<void> {
  const trust = pluginTrust(file, origin);
  if (trust.problem !== undefined) {
    registry.failures.push({ plugin: file, source: file, code: "E_PLUGIN_UNSAFE", message: trust.problem });
    return;
  }
  const named = shown(file, 160);
  const stuck = (code: string, what: string) =>
    `plugin ${named} not loaded (${code}): its ${what} did not give control back within ${limitMs / 1000} s ` +
    "(a loop that never ends?); the run stops, since code that never returns cannot be left out";
  let plugin: unknown;
  try {
    plugin = await watchdog.guard(
      limitMs,
      stuck("E_PLUGIN_IMPORT", "import"),
      () => importPluginFile(trust.load, limitMs),
    );
  } catch (err) {
    const e = err as { code?: string; message?: string };
    registry.failures.push({
      plugin: file,
      source: file,
      code: "E_PLUGIN_IMPORT",
      message: e.code === "E_PLUGIN_IMPORT" ? String(e.message) : `Loading plugin file ${named} failed`,
    });
    return;
  }
  await watchdog.guard(
    limitMs,
    stuck("E_PLUGIN_SETUP", "setup()"),
    () => setupPlugins([{ plugin, source: file }], registry, { limitMs }),
  );
}

/** Writes one line per plugin left out, then one per registration ignored, to stderr. */
export function reportPluginFailures(registry: Registry, write: (line: string) => void): void {
  for (const f of registry.failures) {
    write(`smtpilot: plugin ${shown(f.plugin, 160)} not loaded (${f.code}): ${f.message}\n`);
  }
  for (const w of registry.warnings) write(`smtpilot: warning (${w.code}): ${w.message}\n`);
}

export { Registry };
