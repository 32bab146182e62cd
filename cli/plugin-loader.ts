/**
 * Loads user plugins named with `--plugin PATH`. `.mjs`/`.js` load everywhere
 * (source, bundle, single binary) through `import()` of a file URL; `.cjs`
 * through `createRequire`; `.ts` when the runtime can import TypeScript
 * (tsx, Deno, Node 24's type stripping). A plugin that cannot be found,
 * imported or recognised becomes a failure naming it — never a crash.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BUILTIN_PLUGINS } from "../plugins/index.ts";
import { loadPlugins, type PluginFailure, Registry } from "../core/plugin.ts";

/** Imports one plugin file and returns its plugin object (default export, or `plugin`). */
async function _importPlugin(file: string): Promise<unknown> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) {
    throw Object.assign(new Error(`Plugin file not found: ${abs}`), { code: "E_PLUGIN_NOT_FOUND" });
  }
  const mod = abs.endsWith(".cjs")
    ? createRequire(abs)(abs)
    : await import(pathToFileURL(abs).href) as Record<string, unknown>;
  const candidate = (mod as Record<string, unknown>).default ?? (mod as Record<string, unknown>).plugin;
  // A CommonJS module's default may itself hold the plugin under `plugin`.
  return (candidate as { plugin?: unknown } | undefined)?.plugin ?? candidate;
}

/**
 * The registry with the built-in plugins and the user's, in that order, plus
 * the failures of the ones that did not load (to be shown on stderr).
 */
export async function loadAllPlugins(files: readonly string[] = []): Promise<Registry> {
  const registry = await loadPlugins(BUILTIN_PLUGINS);
  const imported: unknown[] = [];
  const failures: PluginFailure[] = [];
  for (const file of files) {
    try {
      const plugin = await _importPlugin(file);
      imported.push(plugin === undefined ? { name: file } : plugin);
    } catch (err) {
      failures.push({
        plugin: file,
        code: "E_PLUGIN_IMPORT",
        message: `Loading plugin ${file} failed: ${(err as Error).message}`,
      });
    }
  }
  await loadPlugins(imported, registry);
  registry.failures.unshift(...failures);
  return registry;
}

/** Writes one line per failed plugin to stderr. */
export function reportPluginFailures(registry: Registry, write: (line: string) => void): void {
  for (const f of registry.failures) write(`smtpilot: plugin ${f.plugin} not loaded (${f.code}): ${f.message}\n`);
}

export { Registry };
