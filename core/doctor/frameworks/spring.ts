/**
 * Spring Boot's `spring.mail.*` (application.properties or application.yml):
 * host, port, username, password, protocol (`smtp`, or `smtps` for implicit
 * TLS), ssl.enabled (Boot 3.1+), and the Jakarta Mail properties under
 * `spring.mail.properties.`: `mail.smtp.starttls.enable` (STARTTLS when
 * offered), `mail.smtp.starttls.required`, `mail.smtp.ssl.enable` (implicit
 * TLS), `mail.smtp.ssl.trust` (`*` trusts any certificate), `mail.smtp.from`
 * (the envelope sender). Jakarta Mail's own defaults: port 25, and no TLS at
 * all unless one of those is set.
 */
import type { SettingEntry } from "../formats/entries.ts";
import { defined, type Framework, type PathChange, type ReadInput, setLine } from "../framework.ts";
import {
  type Field,
  fieldOf,
  type MailSettings,
  portField,
  readLines,
  secretFieldOf,
  type TlsIntent,
  truthy,
} from "../mail-settings.ts";

const _P = "spring.mail.";
const _JM = "spring.mail.properties.mail.";

/** Spring Boot. */
export const spring: Framework = {
  id: "spring",
  title: "Spring Boot",
  syntaxes: ["properties", "yaml"],
  recognise(entries) {
    const n = [...entries.keys()].filter((k) => k.startsWith(_P)).length;
    return entries.has(`${_P}host`) || n >= 2 ? 20 + n * 10 : 0;
  },
  read({ entries, file, policy }: ReadInput): MailSettings {
    const protocol = fieldOf(entries.get(`${_P}protocol`), policy, [])?.value.toLowerCase() ?? "smtp";
    // Jakarta Mail reads mail.smtps.* for the smtps protocol, mail.smtp.* otherwise.
    const jm = (name: string): SettingEntry | undefined =>
      entries.get(`${_JM}${protocol === "smtps" ? "smtps" : "smtp"}.${name}`) ??
        entries.get(`${_JM}smtp.${name}`);
    const keys = [...entries.keys()].filter((k) =>
      k.startsWith(_P) && !/\.(?:default-encoding|test-connection|jndi-name)$/.test(k)
    );
    const settings: MailSettings = {
      framework: "spring",
      title: file.syntax === "yaml" ? "Spring Boot (application.yml)" : "Spring Boot (application.properties)",
      file: file.path,
      syntax: file.syntax,
      read: readLines(keys.map((k) => entries.get(k)), new Set([`${_P}password`])),
      host: { value: "localhost", key: `${_P}host`, defaulted: true },
      port: { value: protocol === "smtps" ? 465 : 25, key: `${_P}port`, defaulted: true },
      tls: { value: "none", key: `${_JM}smtp.starttls.enable`, defaulted: true },
      problems: [],
      unresolved: [],
    };
    const field = (e: SettingEntry | undefined) => {
      const f = fieldOf(e, policy, settings.unresolved);
      return f && f.value !== "" ? f : undefined;
    };
    const host = field(entries.get(`${_P}host`));
    if (host) settings.host = host;
    const port = portField(field(entries.get(`${_P}port`)), settings.problems);
    if (port) settings.port = port;
    const user = field(entries.get(`${_P}username`));
    if (user) settings.user = user;
    const secret = secretFieldOf(entries.get(`${_P}password`), file, policy);
    if (secret) settings.secret = secret;
    const from = field(jm("from"));
    if (from) settings.from = from;
    const trust = field(jm("ssl.trust"));
    if (trust?.value.trim() === "*") settings.verifyOff = trust;
    const on = (e: SettingEntry | undefined, value: TlsIntent): Field<TlsIntent> | undefined => {
      const f = field(e);
      return f && truthy(f.value) ? { ...f, value } : undefined;
    };
    const protocolEntry = entries.get(`${_P}protocol`);
    const implicit = on(jm("ssl.enable"), "implicit") ?? on(entries.get(`${_P}ssl.enabled`), "implicit") ??
      (protocol === "smtps" && protocolEntry
        ? { value: "implicit" as const, key: protocolEntry.key, line: protocolEntry.line }
        : undefined);
    const starttls = on(jm("starttls.required"), "starttls") ?? on(jm("starttls.enable"), "starttls-if-offered");
    if (protocol !== "smtp" && protocol !== "smtps" && protocolEntry) {
      settings.problems.push({
        key: protocolEntry.key,
        line: protocolEntry.line,
        problem: "is neither smtp nor smtps",
      });
    }
    if (implicit && starttls) settings.tls = { ...implicit, conflictsWith: starttls };
    else if (implicit ?? starttls) settings.tls = (implicit ?? starttls) as Field<TlsIntent>;
    return settings;
  },
  lines(change: PathChange, settings: MailSettings) {
    const sslKey = `${_JM}smtp.ssl.enable`;
    const startKey = `${_JM}smtp.starttls.enable`;
    const hasProtocol = settings.read.find((r) => r.key === `${_P}protocol`);
    return defined([
      change.host !== undefined ? setLine(settings, `${_P}host`, change.host) : undefined,
      change.port !== undefined ? setLine(settings, `${_P}port`, change.port) : undefined,
      change.tls !== undefined ? setLine(settings, sslKey, change.tls === "implicit") : undefined,
      change.tls !== undefined ? setLine(settings, startKey, change.tls === "starttls") : undefined,
      change.tls === "starttls" ? setLine(settings, `${_JM}smtp.starttls.required`, true) : undefined,
      change.tls === "starttls" && hasProtocol?.shown === "smtps"
        ? setLine(settings, `${_P}protocol`, "smtp")
        : undefined,
    ]).filter((l) => l.line !== undefined || !/(?:=|: )false$/.test(l.text));
  },
};
