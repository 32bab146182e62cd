/**
 * Symfony Mailer's MAILER_DSN (in `.env`, `.env.local`…): one DSN holds
 * scheme, login, password, host, port and options, read as Symfony reads it
 * (core/doctor/smtp-url.ts, dialect `symfony`). Corrections rewrite the DSN
 * with its password part left as it is (`****` stands for it here).
 */
import type { Framework, PathChange, ReadInput } from "../framework.ts";
import type { MailSettings } from "../mail-settings.ts";
import { settingsFromUrlEntry } from "./url-settings.ts";

/** Symfony Mailer. */
export const symfony: Framework = {
  id: "symfony",
  title: "Symfony Mailer",
  syntaxes: ["dotenv"],
  recognise(entries) {
    return entries.has("MAILER_DSN") ? 40 : 0;
  },
  read({ entries, file, policy }: ReadInput): MailSettings {
    const dsn = entries.get("MAILER_DSN");
    if (!dsn) throw new Error("symfony.read without MAILER_DSN");
    return settingsFromUrlEntry("symfony", "Symfony Mailer", dsn, "symfony", { file, policy });
  },
  lines(change: PathChange, settings: MailSettings) {
    const read = settings.read.find((r) => r.key === "MAILER_DSN");
    if (!read || !settings.host) return [];
    const m = /^([a-z0-9+]+):\/\/([^@]*@)?([^:/?#]+)(?::(\d+))?([^?#]*)(\?[^#]*)?/i.exec(read.shown);
    if (!m) return [];
    const host = change.host ?? m[3] ?? "";
    const port = change.port ?? settings.port?.value;
    // A provider DSN (ses+smtp://…@default) becomes a plain one once its host or port changes.
    const scheme = change.tls === "implicit" ? "smtps" : change.tls === "starttls" ? "smtp" : (m[1] ?? "smtp");
    const plain = scheme.includes("+") && (change.host !== undefined || change.port !== undefined)
      ? (change.tls === "implicit" || port === 465 ? "smtps" : "smtp")
      : scheme;
    let query = m[6] ?? "";
    if (change.tls === "starttls") query = _withParam(query, "require_tls", "true");
    const text = `MAILER_DSN=${plain}://${m[2] ?? ""}${host}${port ? `:${port}` : ""}${m[5] ?? ""}${query}`;
    if (text === `MAILER_DSN=${read.shown}`) return [];
    return [{
      key: "MAILER_DSN",
      text,
      line: read.line,
      ...(read.shown.includes("****") ? { note: "keep the password part as it is (shown here as ****)" } : {}),
    }];
  },
};

function _withParam(query: string, key: string, value: string): string {
  const parts = query.replace(/^\?/, "").split("&").filter((p) => p !== "" && !p.startsWith(`${key}=`));
  return `?${[...parts, `${key}=${value}`].join("&")}`;
}
