/**
 * Turns a `--plugin PATH` into a plugin candidate: checks the path is a
 * plugin file, imports it the way its extension asks (`import()` of a file
 * URL for ES modules and TypeScript, `createRequire` for CommonJS, which also
 * works inside the single binary), picks the export that holds the plugin,
 * and words every failure for the plugin's author: the file as they typed
 * it, a syntax error's line and column, never a path of smtpilot's own build.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import { describeThrown } from "../core/plugin.ts";
import { printable, shown } from "../core/printable.ts";

/** Extensions a plugin file may have; `.cjs`/`.cts` load as CommonJS, the rest through `import()`. */
export const PLUGIN_EXTENSIONS: readonly string[] = [".mjs", ".js", ".cjs", ".ts", ".mts", ".cts"];

/** A plugin file that could not be used; `code` is E_PLUGIN_IMPORT, the message names the file. */
export class PluginImportError extends Error {
  readonly code = "E_PLUGIN_IMPORT";
}

/**
 * Imports the plugin file `file` (as typed) within `limitMs` and returns the
 * value that should be the plugin (undefined when nothing looks like one).
 */
export async function importPluginFile(file: string, limitMs: number): Promise<unknown> {
  const abs = path.resolve(file);
  const named = shown(file, 160);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PluginImportError(
      code === "ENOENT" ? `Plugin file ${named} not found` : `Plugin file ${named} cannot be read (${code ?? "error"})`,
    );
  }
  if (stat.isDirectory()) {
    throw new PluginImportError(
      `Plugin path ${named} is a folder: give the plugin file itself (${PLUGIN_EXTENSIONS.join(", ")})`,
    );
  }
  if (!stat.isFile()) throw new PluginImportError(`Plugin path ${named} is not a regular file`);
  const ext = path.extname(abs).toLowerCase();
  if (!PLUGIN_EXTENSIONS.includes(ext)) {
    throw new PluginImportError(
      `Plugin file ${named} is not JavaScript or TypeScript: expected ${PLUGIN_EXTENSIONS.join(", ")}`,
    );
  }
  const commonjs = ext === ".cjs" || ext === ".cts";
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // A CommonJS plugin through its own module (plugin-require.ts), which imports node:module.
    const mod = commonjs ? (await import("./plugin-require.ts")).requirePlugin(abs) : await Promise.race([
      _importModule(pathToFileURL(abs).href),
      new Promise((_, reject) => (timer = setTimeout(() => reject(_TIMED_OUT), limitMs))),
    ]);
    return pluginExport(mod);
  } catch (err) {
    if (err === _TIMED_OUT) {
      throw new PluginImportError(
        `Plugin file ${named} did not finish loading within ${
          limitMs / 1000
        } s (a top-level await that never settles?)`,
      );
    }
    throw new PluginImportError(describeLoadError(err, file, abs));
  } finally {
    clearTimeout(timer);
  }
}

const _TIMED_OUT = Symbol("timed out");

/** Imports an ES module (or TypeScript) file by URL. */
export type ModuleImporter = (url: string) => Promise<unknown>;

let _importModule: ModuleImporter = (url) => import(url);

/**
 * Makes plugin files load through the entry's own `import()`: the single
 * binary runs the CLI from a `vm.Script` (so that it has a V8 code cache),
 * where `import()` works only through an experimental option that prints a
 * warning; its entry script has none of that.
 */
export function useModuleImporter(importer: ModuleImporter): void {
  _importModule = importer;
}

/**
 * The plugin among a module's exports: `export default`, `export const
 * plugin`, `module.exports = plugin`, `exports.plugin`, or a transpiled
 * `exports.default`. Prefers a value that has setup(); otherwise returns the
 * first export found, so the caller can say what it is instead.
 */
export function pluginExport(mod: unknown): unknown {
  const m = (mod ?? {}) as Record<string, unknown>;
  const d = m.default as Record<string, unknown> | undefined;
  const found = [m.default, m.plugin, d?.default, d?.plugin, m].filter((c) => c !== undefined && c !== null);
  const plugin = found.find((c) => typeof (c as { setup?: unknown }).setup === "function");
  if (plugin !== undefined) return plugin;
  if (m.default !== undefined) return m.default;
  if (m.plugin !== undefined) return m.plugin;
  // module.exports = function…, or a CommonJS object that has no setup: say what it is.
  return typeof mod === "function" || (typeof mod === "object" && mod !== null && Object.keys(mod).length > 0 &&
      !_isNamespace(mod))
    ? mod
    : undefined;
}

function _isNamespace(mod: object): boolean {
  return Object.prototype.toString.call(mod) === "[object Module]";
}

/** One line on why the file did not load: a syntax error with its line and column, or the runtime's reason. */
export function describeLoadError(err: unknown, file: string, abs: string): string {
  const named = shown(file, 160);
  if (typeof err !== "object" || err === null) {
    return `Plugin file ${named} threw while loading: ${describeThrown(err)}`;
  }
  const e = err as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown };
  const raw = _firstLine(String(e.message ?? ""));
  const first = raw.replace(/^SyntaxError: /, "");
  // Deno reports a module's syntax error as a load error whose message starts "SyntaxError: ".
  const syntax = e.name === "SyntaxError" || raw !== first || /TYPESCRIPT_SYNTAX$/.test(String(e.code ?? ""));
  if (syntax) {
    const at = syntaxErrorLocation(err, abs);
    const where = at ? ` at line ${at.line}, column ${at.column}` : "";
    return `Syntax error in plugin file ${named}${where}: ${printable(first, 200)}`;
  }
  // A module's own missing import is named relative to it; drop a referrer that is smtpilot itself.
  const own = _withoutForeignReferrer(first, abs);
  return `Loading plugin file ${named} failed: ${printable(own, 300)}`;
}

/** Line and column (1-based) of a syntax error in the file `abs`, from the runtime's report or a re-parse. */
export function syntaxErrorLocation(err: unknown, abs: string): { line: number; column: number } | undefined {
  const e = err as { message?: unknown; stack?: unknown };
  const text = `${String(e.message ?? "")}\n${String(e.stack ?? "")}`;
  // Deno and esbuild (tsx) name `file:line:column`.
  for (const name of [pathToFileURL(abs).href, abs]) {
    const m = new RegExp(`${_escape(name)}:(\\d+):(\\d+)`).exec(text);
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  // Node's CommonJS and type-stripping errors: a `file:line` header, the line, then a caret line.
  const header = _nodeHeader(String(e.stack ?? ""), abs);
  if (header?.column !== undefined) return header as { line: number; column: number };
  let source: string;
  try {
    source = fs.readFileSync(abs, "utf8");
  } catch {
    return undefined;
  }
  const message = _firstLine(String(e.message ?? "")).replace(/^SyntaxError: /, "");
  if (message === "Unexpected end of input") {
    const lines = source.replace(/\s+$/, "").split("\n");
    return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
  }
  return _reparse(source, abs, message) ?? (header ? { line: header.line, column: 1 } : undefined);
}

/** Node's `file:line` / source line / caret header on a compile error's stack. */
function _nodeHeader(stack: string, abs: string): { line: number; column?: number } | undefined {
  const lines = stack.split("\n");
  const m = /^(.*):(\d+)$/.exec(lines[0] ?? "");
  if (!m || !_samePath(m[1] ?? "", abs)) return undefined;
  const caret = (lines[2] ?? "").indexOf("^");
  return caret >= 0 && /^\s*\^+\s*$/.test(lines[2] ?? "")
    ? { line: Number(m[2]), column: caret + 1 }
    : { line: Number(m[2]) };
}

/**
 * Node does not say where an ES module's syntax error is. Compile the source
 * again as a script whose module-only syntax (import/export, import.meta,
 * top-level await) was blanked out in place, so positions are unchanged; the
 * location is trusted only when V8 reports the very same error there.
 */
function _reparse(source: string, abs: string, message: string): { line: number; column: number } | undefined {
  const blank = (text: string) => text.replace(/[^\n]/g, " ");
  const script = source
    .replace(
      /^([ \t]*)import\s*(?:[\w$*{},\s]+?\s*from\s*)?(["'])[^"'\n]*\2\s*(?:with\s*\{[^}]*\}\s*)?;?/gm,
      (s, indent: string) => indent + blank(s.slice(indent.length)),
    )
    .replace(
      /^([ \t]*)export\s*(?:\*[^;\n]*|\{[^}]*\}(?:\s*from\s*(["'])[^"'\n]*\2)?)\s*;?/gm,
      (s, indent: string) => indent + blank(s.slice(indent.length)),
    )
    .replace(/^([ \t]*)export(\s+)default\b/gm, (_s, indent: string, ws: string) => `${indent}void  ${blank(ws)}     `)
    .replace(/^([ \t]*)export(?=\s)/gm, (_s, indent: string) => `${indent}      `)
    .replace(/\bimport\.meta\b/g, "_importMeta");
  try {
    new vm.Script(`(async function () { "use strict";\n${script}\n})`, { filename: abs, lineOffset: -1 });
    return undefined;
  } catch (err) {
    const again = _firstLine(String((err as Error).message ?? ""));
    if (again !== message) return undefined;
    const header = _nodeHeader(String((err as Error).stack ?? ""), abs);
    return header?.column === undefined ? undefined : { line: header.line, column: header.column };
  }
}

function _withoutForeignReferrer(message: string, abs: string): string {
  return message.replace(/ imported from (\S+)/, (all, from: string) => (_samePath(from, abs) ? all : ""));
}

function _samePath(named: string, abs: string): boolean {
  try {
    return (named.startsWith("file:") ? fileURLToPath(named) : named) === abs;
  } catch {
    return false;
  }
}

function _firstLine(text: string): string {
  return text.split("\n", 1)[0]?.trim() ?? "";
}

function _escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
