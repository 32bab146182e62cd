/**
 * A framework's mail conventions as one object: how to recognise them in a
 * file's keys, how to read the keys into MailSettings, and how to write a
 * submission path back as the lines that framework reads — `MAIL_PORT=465`
 * for Laravel, `EMAIL_USE_SSL = True` for Django, `define( 'WPMS_SSL',
 * 'ssl' );` for WordPress. One file per framework in frameworks/.
 */
import type { SettingEntry, SettingsSyntax } from "./formats/entries.ts";
import type { FrameworkId, MailSettings, ReadPolicy } from "./mail-settings.ts";

/** A submission path to write back: what changes. */
export interface PathChange {
  host?: string;
  port?: number;
  tls?: "implicit" | "starttls";
}

/** One line to write, in the framework's own syntax. */
export interface FixLine {
  key: string;
  /** The line as it should read (`MAIL_ENCRYPTION=tls`). */
  text: string;
  /** The line it replaces; absent when the line is to be added. */
  line?: number;
  /** When it matters ("Laravel 11 and later read MAIL_SCHEME"). */
  note?: string;
}

/** What a reader is given. */
export interface ReadInput {
  entries: ReadonlyMap<string, SettingEntry>;
  /** The file, absolute, and its syntax (secret references point at it). */
  file: { path: string; syntax: SettingsSyntax };
  policy: ReadPolicy;
}

/** One framework's conventions. */
export interface Framework {
  id: FrameworkId;
  title: string;
  /** File syntaxes its settings are written in. */
  syntaxes: readonly SettingsSyntax[];
  /** How strongly the keys look like this convention: 0 not at all; the highest score wins. */
  recognise(entries: ReadonlyMap<string, SettingEntry>, syntax: SettingsSyntax): number;
  read(input: ReadInput): MailSettings;
  /** The lines that make the settings say `change`, only those that differ from the file. */
  lines(change: PathChange, settings: MailSettings): FixLine[];
}

/** How many of `keys` the entries hold. */
export function countKeys(entries: ReadonlyMap<string, SettingEntry>, keys: readonly string[]): number {
  return keys.filter((k) => entries.has(k)).length;
}

/** The first of `keys` the entries hold. */
export function firstEntry(
  entries: ReadonlyMap<string, SettingEntry>,
  keys: readonly string[],
): SettingEntry | undefined {
  for (const k of keys) {
    const e = entries.get(k);
    if (e) return e;
  }
  return undefined;
}

/** A value written as the syntax writes it (`KEY=value`, `key: value`, `define( 'KEY', value );`, `KEY = value`). */
export function assignment(
  syntax: SettingsSyntax,
  key: string,
  value: string | number | boolean,
  options: { section?: string; quote?: boolean } = {},
): string {
  const leaf = options.section && key.startsWith(`${options.section}.`) ? key.slice(options.section.length + 1) : key;
  const text = String(value);
  switch (syntax) {
    case "dotenv":
    case "properties":
      return `${key}=${text}`;
    case "yaml":
      return `${leaf.split(".").at(-1)}: ${typeof value === "string" && options.quote ? JSON.stringify(text) : text}`;
    case "php":
      return `define( '${key}', ${typeof value === "string" ? `'${text.replace(/['\\]/g, "\\$&")}'` : text} );`;
    case "python":
      return `${key} = ${
        typeof value === "boolean"
          ? (value ? "True" : "False")
          : typeof value === "string"
          ? JSON.stringify(text)
          : text
      }`;
    case "ruby":
      return `${leaf.split(".").at(-1)}: ${typeof value === "string" ? JSON.stringify(text) : text},`;
  }
}

/**
 * The fix line setting `key` to `value`, or undefined when the file already
 * says exactly that. It replaces the key's line when the key was read.
 */
export function setLine(
  settings: MailSettings,
  key: string,
  value: string | number | boolean,
  note?: string,
  options: { quote?: boolean } = {},
): FixLine | undefined {
  const syntax = settings.syntax ?? "dotenv";
  const read = settings.read.find((r) => r.key === key);
  const same = read !== undefined && read.shown.toLowerCase() === String(value).toLowerCase();
  if (same) return undefined;
  const text = assignment(syntax, key, value, {
    ...(settings.section ? { section: settings.section } : {}),
    ...(options.quote ? { quote: true } : {}),
  });
  // A nested syntax's added line says where it goes.
  const parent = key.includes(".") ? key.slice(0, key.lastIndexOf(".")) : undefined;
  const where = !read && parent && (syntax === "yaml" || syntax === "ruby") ? `under ${parent}` : undefined;
  const said = [where, note].filter((x) => x !== undefined).join("; ");
  return { key, text, ...(read ? { line: read.line } : {}), ...(said ? { note: said } : {}) };
}

/** The defined lines of a list (setLine returns undefined for a line already right). */
export function defined(lines: readonly (FixLine | undefined)[]): FixLine[] {
  return lines.filter((l): l is FixLine => l !== undefined);
}
