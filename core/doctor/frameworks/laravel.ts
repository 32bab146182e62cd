/**
 * Laravel's `.env` mail keys (config/mail.php reads them with env()):
 * MAIL_MAILER (MAIL_DRIVER before Laravel 7), MAIL_HOST, MAIL_PORT,
 * MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM_ADDRESS, MAIL_URL, and for TLS
 * MAIL_ENCRYPTION (up to Laravel 10) or MAIL_SCHEME (Laravel 11 and later).
 *
 * How the versions read TLS: up to Laravel 8 (SwiftMailer) MAIL_ENCRYPTION
 * `ssl` is implicit TLS and `tls` is STARTTLS; Laravel 9 and 10 (Symfony
 * Mailer) map only `tls` with port 465 to `smtps` and otherwise let the
 * port decide (465 implicit, else STARTTLS when offered); Laravel 11 reads
 * MAIL_SCHEME (`smtp` or `smtps`, nothing else). smtpilot takes a flag for
 * what it says, so a file that says two things is named a contradiction
 * whatever the version, and the fix writes both keys.
 */
import { defined, firstEntry, type Framework, type PathChange, type ReadInput, setLine } from "../framework.ts";
import {
  entryText,
  fieldOf,
  type MailSettings,
  portField,
  readLines,
  secretFieldOf,
  type TlsField,
} from "../mail-settings.ts";
import { applyUrl } from "./url-settings.ts";

const _KEYS = [
  "MAIL_MAILER",
  "MAIL_DRIVER",
  "MAIL_HOST",
  "MAIL_PORT",
  "MAIL_USERNAME",
  "MAIL_PASSWORD",
  "MAIL_ENCRYPTION",
  "MAIL_SCHEME",
  "MAIL_FROM_ADDRESS",
  "MAIL_URL",
] as const;

/** MAIL_MAILER values that do not go through SMTP, and what they do instead. */
const _OTHER_MAILERS: Record<string, string> = {
  log: "writes every message to the log instead of sending it",
  array: "keeps messages in memory (tests) instead of sending them",
  sendmail: "hands messages to the local sendmail program",
  ses: "sends through the Amazon SES API (not SMTP)",
  "ses-v2": "sends through the Amazon SES v2 API (not SMTP)",
  postmark: "sends through the Postmark API (not SMTP)",
  mailgun: "sends through the Mailgun API (not SMTP)",
  resend: "sends through the Resend API (not SMTP)",
  mail: "uses PHP's mail() function",
};

/** Laravel's env() words: `null` and `(null)` are null, `(empty)` is an empty string. */
function _laravel(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^\(?null\)?$/i.test(t)) return undefined;
  if (/^\(?empty\)?$/i.test(t)) return "";
  return t;
}

/** Laravel. */
export const laravel: Framework = {
  id: "laravel",
  title: "Laravel",
  syntaxes: ["dotenv"],
  recognise(entries) {
    if (!entries.has("MAIL_HOST") && !entries.has("MAIL_MAILER") && !entries.has("MAIL_URL")) return 0;
    return _KEYS.filter((k) => entries.has(k)).length * 10 + (entries.has("MAIL_MAILER") ? 5 : 0);
  },
  read({ entries, file, policy }: ReadInput): MailSettings {
    const settings: MailSettings = {
      framework: "laravel",
      title: "Laravel",
      file: file.path,
      syntax: file.syntax,
      read: readLines(_KEYS.map((k) => entries.get(k)), new Set(["MAIL_PASSWORD"])),
      tls: { value: "starttls-if-offered", key: "MAIL_SCHEME", defaulted: true },
      problems: [],
      unresolved: [],
    };
    const field = (key: string) => {
      const f = fieldOf(entries.get(key), policy, settings.unresolved);
      const v = _laravel(f?.value);
      return f && v !== undefined && v !== "" ? { ...f, value: v } : undefined;
    };
    const mailer = firstEntry(entries, ["MAIL_MAILER", "MAIL_DRIVER"]);
    const mailerValue = _laravel(entryText(mailer, policy)?.text)?.toLowerCase();
    if (mailer && mailerValue !== undefined && mailerValue !== "smtp" && _OTHER_MAILERS[mailerValue]) {
      settings.otherTransport = {
        value: mailerValue,
        key: mailer.key,
        line: mailer.line,
        means: _OTHER_MAILERS[mailerValue] as string,
      };
    }
    const host = field("MAIL_HOST");
    if (host) settings.host = host;
    const port = portField(field("MAIL_PORT"), settings.problems);
    if (port) settings.port = port;
    const user = field("MAIL_USERNAME");
    if (user) settings.user = user;
    const password = entries.get("MAIL_PASSWORD");
    const secret = secretFieldOf(password, file, policy);
    // MAIL_PASSWORD=null is Laravel's "no password".
    const isNull = password?.value.kind === "literal" && !_laravel(password.value.text);
    if (secret) settings.secret = { ...secret, present: secret.present && !isNull };
    const from = field("MAIL_FROM_ADDRESS");
    if (from) settings.from = from;
    settings.tls = _tls(field, settings);
    // MAIL_URL, when set, overrides the separate keys (Laravel merges it over them).
    const url = field("MAIL_URL");
    if (url) {
      applyUrl(settings, url, "symfony", {
        path: file.path,
        literal: entries.get("MAIL_URL")?.value.kind === "literal",
      });
    }
    return settings;
  },
  lines(change: PathChange, settings: MailSettings) {
    const hasEncryption = settings.read.some((r) => r.key === "MAIL_ENCRYPTION");
    return defined([
      change.host !== undefined ? setLine(settings, "MAIL_HOST", change.host) : undefined,
      change.port !== undefined ? setLine(settings, "MAIL_PORT", change.port) : undefined,
      change.tls !== undefined && hasEncryption
        ? setLine(settings, "MAIL_ENCRYPTION", change.tls === "implicit" ? "ssl" : "tls", "Laravel 10 and older")
        : undefined,
      change.tls !== undefined
        ? setLine(settings, "MAIL_SCHEME", change.tls === "implicit" ? "smtps" : "smtp", "Laravel 11 and later")
        : undefined,
    ]);
  },
};

/** The TLS intent from MAIL_SCHEME, else MAIL_ENCRYPTION, else the port (Symfony Mailer's rule). */
function _tls(
  field: (key: string) => { value: string; key: string; line?: number } | undefined,
  settings: MailSettings,
): TlsField {
  const port = settings.port?.value;
  const byPort: TlsField = port === 465
    ? { value: "implicit", key: "MAIL_PORT", ...(settings.port?.line ? { line: settings.port.line } : {}) }
    : { value: "starttls-if-offered", key: "MAIL_SCHEME", defaulted: true };
  const scheme = field("MAIL_SCHEME");
  const encryption = field("MAIL_ENCRYPTION");
  let fromScheme: TlsField | undefined;
  if (scheme) {
    const s = scheme.value.toLowerCase();
    if (s === "smtps") fromScheme = { ...scheme, value: "implicit" };
    else if (s === "smtp") {
      fromScheme = port === 465 ? { ...scheme, value: "implicit" } : { ...scheme, value: "starttls-if-offered" };
    } else {
      settings.problems.push({
        key: scheme.key,
        ...(scheme.line ? { line: scheme.line } : {}),
        problem: "is neither smtp nor smtps: Symfony Mailer refuses any other scheme",
      });
    }
  }
  let fromEncryption: TlsField | undefined;
  if (encryption) {
    const e = encryption.value.toLowerCase();
    const note = "Laravel 8 and older (SwiftMailer) do what MAIL_ENCRYPTION says; Laravel 9 and 10 (Symfony Mailer) " +
      "use it only to turn tls on port 465 into smtps and otherwise let the port decide; Laravel 11 and later read " +
      "MAIL_SCHEME instead — so the same file breaks on one version and works on another.";
    if (e === "ssl") fromEncryption = { ...encryption, value: "implicit", note };
    else if (e === "tls") fromEncryption = { ...encryption, value: "starttls", note };
    else {
      settings.problems.push({
        key: encryption.key,
        ...(encryption.line ? { line: encryption.line } : {}),
        problem: "is neither ssl nor tls (nor null)",
      });
    }
  }
  const chosen = fromScheme ?? fromEncryption ?? byPort;
  if (fromScheme && fromEncryption && (fromScheme.value === "implicit") !== (fromEncryption.value === "implicit")) {
    return { ...fromScheme, conflictsWith: fromEncryption };
  }
  return chosen;
}
