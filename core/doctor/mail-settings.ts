/**
 * An application's mail settings once a framework's conventions are applied:
 * where it submits (host, port), how it reaches TLS, who it logs in as, the
 * reference to its password (never the password), its From — each with the
 * key and line it came from — and every line that was read. Framework
 * readers (core/doctor/frameworks/) build it from a file's entries;
 * `fieldOf` turns an entry into a value the way the run is allowed to
 * (environment reads only when the run may read the environment).
 */
import type { EntryValue, SettingEntry, SettingsSyntax } from "./formats/entries.ts";

/** The conventions smtpilot recognises. */
export type FrameworkId = "laravel" | "symfony" | "django" | "rails" | "nodemailer" | "spring" | "wordpress" | "url";

/**
 * How the application reaches TLS: `implicit` (TLS from the first byte, port
 * 465 style), `starttls` (STARTTLS required), `starttls-if-offered`
 * (STARTTLS when the server offers it, else in clear), `none` (never).
 */
export type TlsIntent = "implicit" | "starttls" | "starttls-if-offered" | "none";

/** A value and where it came from. */
export interface Field<T> {
  value: T;
  /** The key that set it (`MAIL_PORT`), or the framework's default when `defaulted`. */
  key: string;
  /** 1-based line of the key; absent for a default. */
  line?: number;
  /** Not written in the file: the framework's default. */
  defaulted?: true;
  /** Read from this environment variable at run time (`${MAIL_HOST}`, `os.environ["X"]`). */
  env?: string;
}

/** One line read, as shown to a person: secrets never, only that one is there. */
export interface ReadLine {
  line: number;
  key: string;
  /** What is shown: the value, `(secret, not shown)`, `${NAME} (environment)`, `(expression, not evaluated)`. */
  shown: string;
}

/** Where the password is, as a secret reference; the value itself never enters these settings. */
export interface SecretField {
  /** `dotenv:FILE#KEY`, `settings:FILE#KEY`, `settings:FILE#KEY:password` or `env:NAME`. */
  ref: string;
  key: string;
  line?: number;
  /** False when the key is written but empty (or the variable it reads is unset). */
  present: boolean;
}

/** The flag that set the TLS intent, for contradictions and fixes. */
export interface TlsField extends Field<TlsIntent> {
  /** Set when two flags each set a mode (Django's EMAIL_USE_TLS and EMAIL_USE_SSL both True). */
  conflictsWith?: Field<TlsIntent>;
  /** What the framework's versions make of the flag, when they differ. */
  note?: string;
}

/** The transport the application uses when it is not SMTP (`MAIL_MAILER=log`). */
export interface OtherTransport {
  value: string;
  key: string;
  line?: number;
  /** What the application does instead ("writes mail to the log"). */
  means: string;
}

/** A problem a reader found in the values themselves (an unknown scheme, a port that is not a number). */
export interface ValueProblem {
  key: string;
  line?: number;
  problem: string;
}

/** The mail settings of one application. */
export interface MailSettings {
  framework: FrameworkId;
  /** "Laravel", "Django (settings.py)"… */
  title: string;
  /** The file, absolute; absent for a URL typed on the command line. */
  file?: string;
  syntax?: SettingsSyntax;
  /** The lines read, in file order. */
  read: ReadLine[];
  /** A prefix the keys were read under (`production.smtp_settings`), when the file has several. */
  section?: string;
  host?: Field<string>;
  port?: Field<number>;
  tls: TlsField;
  user?: Field<string>;
  secret?: SecretField;
  /** Why a password that is there cannot be used through a reference. */
  secretNote?: string;
  from?: Field<string>;
  /** The application turns certificate verification off (smtpilot never does). */
  verifyOff?: Field<string>;
  /** The application does not send through SMTP at all. */
  otherTransport?: OtherTransport;
  /** The framework ignores these settings (WP Mail SMTP's constants without WPMS_ON). */
  ignoredBecause?: Field<string>;
  /** Values the framework would refuse or cannot use. */
  problems: ValueProblem[];
  /** Keys that read an environment variable this run could not read: unset here, or not read at all (an agent's run). */
  unresolved: { key: string; line?: number; env: string; notRead?: true }[];
}

/** The problem recorded when a file's host is refused (and dropped) before it reaches DNS or TLS. */
export const HOST_REFUSED = "is not a host name or an IP address";

/** What a reader may do with values that are not plain literals. */
export interface ReadPolicy {
  /** Environment reads are resolved from this environment (absent: not resolved, only named). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The value of an entry under the policy: a literal, an environment read resolved, or undefined. */
export function entryText(
  entry: SettingEntry | undefined,
  policy: ReadPolicy,
): { text: string; env?: string } | undefined {
  if (!entry) return undefined;
  const v = entry.value;
  if (v.kind === "literal") return { text: v.text };
  if (v.kind === "env") {
    const found = policy.env?.[v.name];
    if (found !== undefined && found !== "") return { text: found, env: v.name };
    if (v.fallback !== undefined) return { text: v.fallback, env: v.name };
    return undefined;
  }
  return undefined;
}

/** A field from an entry (undefined when absent or not readable); records unresolved environment reads. */
export function fieldOf(
  entry: SettingEntry | undefined,
  policy: ReadPolicy,
  unresolved: MailSettings["unresolved"],
): Field<string> | undefined {
  if (!entry) return undefined;
  const got = entryText(entry, policy);
  if (!got) {
    if (entry.value.kind === "env") {
      const notRead = policy.env === undefined ? { notRead: true as const } : {};
      unresolved.push({ key: entry.key, line: entry.line, env: entry.value.name, ...notRead });
    }
    return undefined;
  }
  return { value: got.text, key: entry.key, line: entry.line, ...(got.env ? { env: got.env } : {}) };
}

/** How a line is shown: never a secret's value. */
export function shownValue(value: EntryValue, secret: boolean): string {
  if (value.kind === "env") {
    return `\${${value.name}} (environment${
      value.fallback !== undefined && !secret ? `, else ${value.fallback}` : ""
    })`;
  }
  if (value.kind === "expression") return "(expression, not evaluated)";
  if (secret) return value.text === "" ? "(empty)" : "(secret, not shown)";
  return maskUrlPassword(value.text);
}

/** A URL's password replaced by `****` wherever a value holds one (`smtp://user:****@host`). */
export function maskUrlPassword(text: string): string {
  // Up to the last `@` of the token: a password with an unescaped `/`, `?` or `#` is masked whole.
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)\S*@/gi, "$1****@");
}

/** The lines read for these keys, in file order, secrets masked. */
export function readLines(entries: readonly (SettingEntry | undefined)[], secretKeys: ReadonlySet<string>): ReadLine[] {
  const seen = new Set<string>();
  return entries
    .filter((e): e is SettingEntry => e !== undefined && !seen.has(e.key) && seen.add(e.key) !== undefined)
    .sort((a, b) => a.line - b.line)
    .map((e) => ({ line: e.line, key: e.key, shown: shownValue(e.value, secretKeys.has(e.key)) }));
}

/** True for the words applications use for "on" (`true`, `1`, `yes`, `on`), case-insensitive. */
export function truthy(text: string | undefined): boolean {
  return text !== undefined && /^(?:true|1|yes|on|y|\(true\))$/i.test(text.trim());
}

/** True for the words applications use for "off". */
export function falsy(text: string | undefined): boolean {
  return text !== undefined && /^(?:false|0|no|off|n|\(false\)|)$/i.test(text.trim());
}

/** A port field from text, or a value problem when it is not 1–65535. */
export function portField(field: Field<string> | undefined, problems: ValueProblem[]): Field<number> | undefined {
  if (!field) return undefined;
  const n = Number(field.value.trim());
  if (!/^\d+$/.test(field.value.trim()) || n < 1 || n > 65535) {
    problems.push({
      key: field.key,
      ...(field.line !== undefined ? { line: field.line } : {}),
      problem: "is not a port number (1-65535)",
    });
    return undefined;
  }
  return { ...field, value: n };
}

/** The secret reference for a key of the file: `dotenv:` for a dotenv file, `settings:` for the others. */
export function fileSecretRef(file: string, syntax: SettingsSyntax, key: string): string {
  return syntax === "dotenv" ? `dotenv:${file}#${key}` : `settings:${file}#${key}`;
}

/**
 * The secret field of a password entry: a reference to where it is written
 * (the file's key, or the environment variable it reads), and whether a
 * value is there. The value is looked at only to say whether it is empty.
 */
export function secretFieldOf(
  entry: SettingEntry | undefined,
  file: { path: string; syntax: SettingsSyntax } | undefined,
  policy: ReadPolicy,
): SecretField | undefined {
  if (!entry) return undefined;
  const v = entry.value;
  if (v.kind === "literal") {
    if (!file) return undefined;
    return {
      ref: fileSecretRef(file.path, file.syntax, entry.key),
      key: entry.key,
      line: entry.line,
      present: v.text !== "" && !/^(?:null|\(null\))$/i.test(v.text),
    };
  }
  if (v.kind === "env") {
    return {
      ref: `env:${v.name}`,
      key: entry.key,
      line: entry.line,
      present: policy.env !== undefined && (policy.env[v.name] ?? "") !== "",
    };
  }
  return undefined;
}
