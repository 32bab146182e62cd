/**
 * Reading one settings file into entries: its syntax is known from its name
 * (`.env`, `.properties`, `.yml`, `.php`, `.py`, `.rb`), else from its first
 * lines; it must be a regular file of at most 1 MiB. The same reading serves
 * `smtpilot doctor` and the `settings:FILE#KEY` secret reference, so the value
 * a reference gives is the one the doctor saw.
 */
import path from "node:path";
import { readSmallFile } from "../../files.ts";
import { dotenvEntries } from "./dotenv-format.ts";
import type { SettingsEntries, SettingsSyntax } from "./entries.ts";
import { phpEntries } from "./php-format.ts";
import { propertiesEntries } from "./properties-format.ts";
import { pythonEntries } from "./python-format.ts";
import { rubyEntries } from "./ruby-format.ts";
import { yamlEntries } from "./yaml-format.ts";

/** A settings file bigger than this is not a settings file. */
export const MAX_SETTINGS_BYTES = 1024 * 1024;

/** The syntaxes and what reads them. */
const _READERS: Record<SettingsSyntax, (text: string) => SettingsEntries> = {
  dotenv: dotenvEntries,
  properties: propertiesEntries,
  yaml: yamlEntries,
  php: phpEntries,
  python: pythonEntries,
  ruby: rubyEntries,
};

/** The syntax of a file, from its name first, then from what it holds. */
export function syntaxOf(file: string, text: string): SettingsSyntax {
  const name = path.basename(file).toLowerCase();
  if (name === ".env" || name.startsWith(".env.") || name.endsWith(".env") || name === "env") return "dotenv";
  const ext = path.extname(name);
  if (ext === ".properties") return "properties";
  if (ext === ".yml" || ext === ".yaml") return "yaml";
  if (ext === ".php") return "php";
  if (ext === ".py") return "python";
  if (ext === ".rb") return "ruby";
  const head = text.replace(/^\uFEFF/, "").slice(0, 4096);
  if (/^\s*<\?php/.test(head)) return "php";
  if (/^\s*(?:config\.action_mailer|ActionMailer::Base)\./m.test(head)) return "ruby";
  if (/^\s*(?:import|from)\s+\w/m.test(head)) return "python";
  if (/^\s*spring\.mail\./m.test(head)) return "properties";
  if (/^\s*[A-Za-z_][\w.-]*:\s*$/m.test(head) && !/^\s*(?:export\s+)?[A-Z_][A-Z0-9_]*=/m.test(head)) return "yaml";
  return "dotenv";
}

/** Reads `text` as `syntax`; throws SettingsSyntaxError naming the line. */
export function entriesOf(syntax: SettingsSyntax, text: string): SettingsEntries {
  return _READERS[syntax](text);
}

/** Reads a settings file: regular, at most 1 MiB (a UsageError naming the path otherwise). */
export function readSettingsFile(file: string, what = "settings file"): { text: string; syntax: SettingsSyntax } {
  const text = readSmallFile(file, { what, maxBytes: MAX_SETTINGS_BYTES }).toString("utf8");
  return { text, syntax: syntaxOf(file, text) };
}
