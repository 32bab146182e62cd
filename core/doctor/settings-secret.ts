/**
 * The `settings:FILE#KEY` secret reference: a password that stays where the
 * application keeps it — `spring.mail.password` in application.properties,
 * `EMAIL_HOST_PASSWORD` in settings.py, `WPMS_SMTP_PASS` in wp-config.php,
 * `production.smtp_settings.password` in a YAML file — read at the moment of
 * use exactly as `smtpilot doctor` reads the file (scanned, never run), and
 * `settings:FILE#KEY:password` for the password part of a URL held in KEY
 * (MAILER_DSN). Only a plain literal is a value here: a key that reads an
 * environment variable is refused with the `env:` reference to use instead.
 */
import { SmtpilotError } from "../errors.ts";
import { EXIT_ENVIRONMENT, EXIT_USAGE } from "../exit.ts";
import { shown } from "../printable.ts";
import { SettingsSyntaxError } from "./formats/entries.ts";
import { entriesOf, readSettingsFile } from "./formats/settings-file.ts";
import type { SettingsRef } from "./settings-ref.ts";
import { urlPassword } from "./smtp-url.ts";

/**
 * The secret a reference points at, or undefined when the key is absent or
 * empty. `file` is already absolute. Errors name the file and the key, never
 * a value or a line's text.
 */
export function settingsSecret(file: string, ref: SettingsRef): string | undefined {
  const { text, syntax } = readSettingsFile(file, "settings file of a secret reference");
  let entries: ReturnType<typeof entriesOf>["entries"];
  try {
    entries = entriesOf(syntax, text).entries;
  } catch (err) {
    if (!(err instanceof SettingsSyntaxError)) throw err;
    throw new SmtpilotError(
      "E_SECRET_SETTINGS_INVALID",
      EXIT_ENVIRONMENT,
      `The settings file ${shown(ref.file)} cannot be read as ${syntax}: ${err.message}; the line is not shown`,
    );
  }
  const entry = entries.get(ref.key);
  if (!entry) return undefined;
  if (entry.value.kind !== "literal") {
    const instead = entry.value.kind === "env" ? `; use env:${entry.value.name}` : "";
    throw new SmtpilotError(
      "E_SECRET_SETTINGS_NOT_LITERAL",
      EXIT_USAGE,
      `${shown(ref.key)} in ${shown(ref.file)} (line ${entry.line}) is not a plain value${instead}`,
    );
  }
  const value = ref.part === "password" ? urlPassword(entry.value.text) : entry.value.text;
  return value === "" ? undefined : value;
}
