/**
 * Loads the plugins of a run: the built-in ones (plugins/index.ts), then each
 * `--plugin PATH` in command-line order. `.mjs`/`.js`/`.cjs` load everywhere
 * (source, bundle, single binary); `.ts` wherever the runtime can import
 * TypeScript (tsx, Deno, the binary's Node 24 for erasable syntax). A plugin
 * that cannot be found, imported, recognised or set up becomes a failure
 * naming it and its file — never a crash — and the run goes on without it.
 */
import { BUILTIN_PLUGINS } from "../plugins/index.ts";
import { PLUGIN_SETUP_LIMIT_MS, type PluginCandidate, Registry, setupPlugins } from "../core/plugin.ts";
import { shown } from "../core/printable.ts";
import { importPluginFile } from "./plugin-import.ts";

/**
 * The registry with the built-in plugins and the user's, in that order (so
 * a built-in name always wins), plus the failures and ignored registrations
 * to show on stderr. `limitMs` bounds each file's import and each setup.
 */
export async function loadAllPlugins(
  files: readonly string[] = [],
  options: { limitMs?: number } = {},
): Promise<Registry> {
  const limitMs = options.limitMs ?? PLUGIN_SETUP_LIMIT_MS;
  const builtins: PluginCandidate[] = BUILTIN_PLUGINS.map((plugin) => ({ plugin, source: "built-in", builtin: true }));
  const registry = await setupPlugins(builtins, new Registry(), { limitMs });
  for (const file of files) {
    let plugin: unknown;
    try {
      plugin = await importPluginFile(file, limitMs);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      registry.failures.push({
        plugin: file,
        source: file,
        code: "E_PLUGIN_IMPORT",
        message: e.code === "E_PLUGIN_IMPORT" ? String(e.message) : `Loading plugin file ${shown(file, 160)} failed`,
      });
      continue;
    }
    await setupPlugins([{ plugin, source: file }], registry, { limitMs });
  }
  return registry;
}

/** Writes one line per plugin left out, then one per registration ignored, to stderr. */
export function reportPluginFailures(registry: Registry, write: (line: string) => void): void {
  for (const f of registry.failures) {
    write(`smtpilot: plugin ${shown(f.plugin, 160)} not loaded (${f.code}): ${f.message}\n`);
  }
  for (const w of registry.warnings) write(`smtpilot: warning (${w.code}): ${w.message}\n`);
}

export { Registry };
