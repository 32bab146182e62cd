/**
 * Mail settings held in one URL: Symfony's MAILER_DSN, Django's EMAIL_URL,
 * Nodemailer-style SMTP_URL — and a URL typed on the command line. The URL
 * is read as the library behind the key reads it (core/doctor/smtp-url.ts);
 * its password stays in the file, reached by `settings:FILE#KEY:password`.
 */
import type { SettingEntry } from "../formats/entries.ts";
import type { ReadInput } from "../framework.ts";
import { fieldOf, type FrameworkId, type MailSettings, readLines, type ReadPolicy } from "../mail-settings.ts";
import { isNonSmtpUrl, isSmtpUrl, parseSmtpUrl, type UrlDialect } from "../smtp-url.ts";

/** Reads the URL of `entry` into settings of `framework`. */
export function settingsFromUrlEntry(
  framework: FrameworkId,
  title: string,
  entry: SettingEntry,
  dialect: UrlDialect,
  input: Pick<ReadInput, "file" | "policy">,
  extra: readonly (SettingEntry | undefined)[] = [],
): MailSettings {
  const settings: MailSettings = {
    framework,
    title,
    file: input.file.path,
    syntax: input.file.syntax,
    read: readLines([entry, ...extra], new Set()),
    tls: { value: "starttls-if-offered", key: entry.key, defaulted: true },
    problems: [],
    unresolved: [],
  };
  const url = fieldOf(entry, input.policy, settings.unresolved);
  if (!url) return settings;
  applyUrl(settings, url, dialect, { path: input.file.path, literal: entry.value.kind === "literal" });
  return settings;
}

/** Fills settings from a URL value; the password becomes a reference to where the URL is written. */
export function applyUrl(
  settings: MailSettings,
  url: { value: string; key: string; line?: number; env?: string },
  dialect: UrlDialect,
  where: { path?: string; literal: boolean },
): void {
  const parsed = parseSmtpUrl(url.value, dialect);
  const at = { key: url.key, ...(url.line ? { line: url.line } : {}) };
  if (isNonSmtpUrl(parsed)) {
    settings.otherTransport = { value: parsed.scheme, ...at, means: parsed.means };
    return;
  }
  if (!isSmtpUrl(parsed)) {
    settings.problems.push({ ...at, problem: parsed.problem });
    return;
  }
  settings.host = { value: parsed.host, ...at };
  const port = parsed.port ?? parsed.defaultPort;
  if (port) settings.port = { value: port, ...at, ...(parsed.port ? {} : { defaulted: true as const }) };
  settings.tls = { value: parsed.tls, ...at };
  if (parsed.user) settings.user = { value: parsed.user, ...at };
  if (parsed.hasPassword) {
    // The URL's password stays where it is, reached through a reference to the file's key. A URL read
    // from a variable or typed on the command line has no reference for its password part.
    if (where.literal && where.path) {
      settings.secret = { ref: `settings:${where.path}#${url.key}:password`, ...at, present: true };
    } else {
      settings.secretNote = url.env
        ? `the password is inside the variable ${url.env}; give --secret REF for the password alone`
        : "a password typed in a URL on the command line is never used; give --secret REF";
    }
  }
  if (parsed.verifyOff) settings.verifyOff = { value: parsed.verifyOff, ...at };
  settings.read = settings.read.map((r) => r.key === url.key ? { ...r, shown: parsed.masked } : r);
}

/** Settings from a URL typed on the command line (its password, if any, is never used). */
export function settingsFromUrlArgument(text: string, policy: ReadPolicy): MailSettings {
  const settings: MailSettings = {
    framework: "url",
    title: "SMTP URL",
    read: [],
    tls: { value: "starttls-if-offered", key: "url", defaulted: true },
    problems: [],
    unresolved: [],
  };
  void policy;
  applyUrl(settings, { value: text, key: "url" }, "generic", { literal: false });
  return settings;
}
