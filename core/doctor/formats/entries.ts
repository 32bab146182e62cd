/**
 * What an application's settings file says, key by key, before any
 * framework's conventions are applied: each key with the line it is written
 * on and its value — a plain literal, a read of an environment variable
 * (`${MAIL_HOST}`, `os.environ["X"]`, `getenv('X')`, `<%= ENV["X"] %>`), or
 * an expression smtpilot does not evaluate. Nothing in a settings file is
 * ever run: PHP, Python and Ruby files are scanned for literal assignments
 * only.
 */

/** The file syntaxes smtpilot reads. */
export type SettingsSyntax = "dotenv" | "properties" | "yaml" | "php" | "python" | "ruby";

/** A key's value as written. */
export type EntryValue =
  /** A literal; numbers and booleans as text (`587`, `true`), null/None as an empty string. */
  | { kind: "literal"; text: string }
  /** Read from an environment variable at run time, with the literal fallback when one is written. */
  | { kind: "env"; name: string; fallback?: string }
  /** Anything else (a function call, a concatenation, a constant): not evaluated. */
  | { kind: "expression" };

/** One key of a settings file. */
export interface SettingEntry {
  /** The key as the framework names it: `MAIL_HOST`, `spring.mail.port`, `production.smtp_settings.address`. */
  key: string;
  /** 1-based line of the key. */
  line: number;
  value: EntryValue;
}

/** A settings file read into entries (the last definition of a key wins). */
export interface SettingsEntries {
  syntax: SettingsSyntax;
  entries: Map<string, SettingEntry>;
}

/** Thrown when a file cannot be read as its syntax; `line` is 1-based. The message never quotes the file. */
export class SettingsSyntaxError extends Error {
  readonly line: number;

  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.line = line;
  }
}

/** Records an entry; a later definition of the same key replaces an earlier one. */
export function putEntry(entries: Map<string, SettingEntry>, entry: SettingEntry): void {
  entries.delete(entry.key);
  entries.set(entry.key, entry);
}

/** An environment variable name as the conventions write them. */
const _ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `${NAME}` or `${NAME:fallback}` (Spring, dotenv-expand, Docker Compose's
 * `${NAME:-fallback}`) as a whole value: an environment read. Undefined
 * otherwise (a value that merely contains `${…}` is an expression).
 */
export function placeholderValue(text: string): EntryValue | undefined {
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-?([^}]*))?\}$/.exec(text.trim());
  if (!m?.[1]) return undefined;
  return { kind: "env", name: m[1], ...(m[2] !== undefined ? { fallback: m[2] } : {}) };
}

/**
 * The environment read in a code expression — `os.environ["X"]`,
 * `os.environ.get("X", "d")`, `os.getenv("X")`, `env("X", default="d")`,
 * `config("X")`, `getenv('X')`, `env('X', 'd')`, `$_ENV['X']`, `ENV["X"]`,
 * `ENV.fetch("X", "d")` — with a literal fallback when one is written; the
 * expression is never evaluated. Undefined when no such read is found.
 */
export function envRead(expression: string): EntryValue | undefined {
  const call =
    /(?:\b(?:environ|getenv|env(?:\.[a-z_]+)?|config|ENV(?:\.fetch)?|\$_ENV|\$_SERVER)\s*(?:\.get\s*)?[([]\s*)(["'])([A-Za-z_][A-Za-z0-9_]*)\1\s*(?:[,)\]])/
      .exec(expression);
  const name = call?.[2];
  if (!name || !_ENV_NAME.test(name)) return undefined;
  const rest = expression.slice((call.index ?? 0) + call[0].length);
  const fallback = /^\s*(?:default\s*=\s*)?(["'])((?:\\.|(?!\1).)*)\1/.exec(rest) ??
    /^\s*(?:default\s*=\s*)?(\d+|true|false|True|False)\b/.exec(rest);
  if (fallback && fallback.length === 3) return { kind: "env", name, fallback: fallback[2] ?? "" };
  if (fallback && fallback.length === 2) return { kind: "env", name, fallback: (fallback[1] ?? "").toLowerCase() };
  return { kind: "env", name };
}
