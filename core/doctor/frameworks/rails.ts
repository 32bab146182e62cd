/**
 * Rails' ActionMailer smtp_settings — in a Ruby environment file
 * (`config.action_mailer.smtp_settings = { … }`), in a YAML file
 * (`production: smtp_settings: …`, or the settings at the top), or in a
 * `.env` under the usual SMTP_ADDRESS, SMTP_USER_NAME… names: address,
 * port, user_name, password, authentication, enable_starttls_auto
 * (default true: STARTTLS when offered), enable_starttls (STARTTLS
 * required), tls/ssl (implicit TLS), openssl_verify_mode. Defaults:
 * localhost, port 25. The mail gem refuses tls together with
 * enable_starttls.
 */
import type { SettingEntry } from "../formats/entries.ts";
import { defined, type Framework, type PathChange, type ReadInput, setLine } from "../framework.ts";
import {
  entryText,
  falsy,
  type Field,
  fieldOf,
  type MailSettings,
  portField,
  readLines,
  secretFieldOf,
  type TlsIntent,
  truthy,
} from "../mail-settings.ts";

/** The smtp_settings fields smtpilot reads. */
const _FIELDS = [
  "address",
  "port",
  "user_name",
  "password",
  "authentication",
  "enable_starttls_auto",
  "enable_starttls",
  "tls",
  "ssl",
  "openssl_verify_mode",
  "domain",
] as const;

/** The same fields as environment names in a `.env` (SMTP_ADDRESS…), with common spellings. */
const _ENV_NAMES: Record<string, readonly string[]> = {
  address: ["SMTP_ADDRESS"],
  port: ["SMTP_PORT"],
  user_name: ["SMTP_USER_NAME", "SMTP_USERNAME"],
  password: ["SMTP_PASSWORD"],
  authentication: ["SMTP_AUTHENTICATION"],
  enable_starttls_auto: ["SMTP_ENABLE_STARTTLS_AUTO"],
  enable_starttls: ["SMTP_ENABLE_STARTTLS"],
  tls: ["SMTP_TLS"],
  ssl: ["SMTP_SSL"],
  openssl_verify_mode: ["SMTP_OPENSSL_VERIFY_MODE"],
  domain: ["SMTP_DOMAIN"],
};

/** Where the fields are in this file: a key prefix (YAML, Ruby) or the environment names (`.env`). */
function _locate(entries: ReadonlyMap<string, SettingEntry>): {
  get: (field: string) => SettingEntry | undefined;
  section?: string;
  keyOf: (field: string) => string;
} | undefined {
  if (
    [...entries.keys()].some((k) => k === "SMTP_ADDRESS" || k === "SMTP_ENABLE_STARTTLS_AUTO" || k === "SMTP_USER_NAME")
  ) {
    const key = (f: string) => (_ENV_NAMES[f] ?? []).find((k) => entries.has(k)) ?? _ENV_NAMES[f]?.[0] ?? f;
    return { get: (f) => entries.get(key(f)), keyOf: key };
  }
  // Group dotted keys by the prefix before a known field; keep prefixes holding an address or a login.
  const prefixes = new Map<string, number>();
  for (const k of entries.keys()) {
    const m = /^(?:(.*)\.)?([a-z_]+)$/.exec(k);
    if (!m || !(_FIELDS as readonly string[]).includes(m[2] ?? "")) continue;
    const prefix = m[1] ?? "";
    prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
  }
  const candidates = [...prefixes].filter(([p, n]) =>
    n >= 2 && (entries.has(p ? `${p}.address` : "address") || entries.has(p ? `${p}.user_name` : "user_name"))
  );
  if (candidates.length === 0) return undefined;
  // Production first (what runs where mail matters), else the fullest section.
  candidates.sort(([a, n], [b, m]) =>
    Number(/production/.test(b)) - Number(/production/.test(a)) || m - n || a.localeCompare(b)
  );
  const section = candidates[0]?.[0] ?? "";
  const keyOf = (f: string) => section ? `${section}.${f}` : f;
  return { get: (f) => entries.get(keyOf(f)), keyOf, ...(section ? { section } : {}) };
}

/** Rails (ActionMailer). */
export const rails: Framework = {
  id: "rails",
  title: "Rails (ActionMailer)",
  syntaxes: ["ruby", "yaml", "dotenv"],
  recognise(entries, syntax) {
    const at = _locate(entries);
    if (!at) return 0;
    const n = _FIELDS.filter((f) => at.get(f) !== undefined).length;
    return n * 10 + (syntax === "ruby" || at.section?.includes("smtp_settings") ? 10 : 0);
  },
  read({ entries, file, policy }: ReadInput): MailSettings {
    const at = _locate(entries);
    if (!at) throw new Error("rails.read without smtp settings");
    const title = file.syntax === "ruby"
      ? "Rails (ActionMailer, Ruby)"
      : file.syntax === "yaml"
      ? "Rails (ActionMailer, YAML)"
      : "Rails (ActionMailer, .env)";
    const settings: MailSettings = {
      framework: "rails",
      title,
      file: file.path,
      syntax: file.syntax,
      read: readLines(
        [..._FIELDS.map((f) => at.get(f)), entries.get("delivery_method")],
        new Set([at.keyOf("password")]),
      ),
      ...(at.section ? { section: at.section } : {}),
      host: { value: "localhost", key: at.keyOf("address"), defaulted: true },
      port: { value: 25, key: at.keyOf("port"), defaulted: true },
      tls: { value: "starttls-if-offered", key: at.keyOf("enable_starttls_auto"), defaulted: true },
      problems: [],
      unresolved: [],
    };
    const field = (f: string) => {
      const got = fieldOf(at.get(f), policy, settings.unresolved);
      return got && got.value !== "" ? got : undefined;
    };
    const method = entries.get("delivery_method");
    const methodText = entryText(method, policy)?.text;
    if (method && methodText && methodText !== "smtp") {
      settings.otherTransport = {
        value: methodText,
        key: method.key,
        line: method.line,
        means: methodText === "test"
          ? "keeps messages in ActionMailer::Base.deliveries (tests)"
          : methodText === "file"
          ? "writes messages to files"
          : `delivers with :${methodText}, not SMTP`,
      };
    }
    const host = field("address");
    if (host) settings.host = host;
    const port = portField(field("port"), settings.problems);
    if (port) settings.port = port;
    const user = field("user_name");
    if (user) settings.user = user;
    const secret = secretFieldOf(at.get("password"), file, policy);
    if (secret) settings.secret = secret;
    const verify = field("openssl_verify_mode");
    if (verify && /none|VERIFY_NONE/i.test(verify.value)) settings.verifyOff = verify;
    const flag = (f: string, value: TlsIntent): Field<TlsIntent> | undefined => {
      const got = field(f);
      return got && truthy(got.value) ? { ...got, value } : undefined;
    };
    const implicit = flag("tls", "implicit") ?? flag("ssl", "implicit");
    const required = flag("enable_starttls", "starttls");
    const auto = field("enable_starttls_auto");
    if (implicit && required) settings.tls = { ...implicit, conflictsWith: required };
    else if (implicit ?? required) settings.tls = (implicit ?? required) as Field<TlsIntent>;
    else if (auto && falsy(auto.value)) settings.tls = { ...auto, value: "none" };
    else if (auto) settings.tls = { ...auto, value: "starttls-if-offered" };
    return settings;
  },
  lines(change: PathChange, settings: MailSettings) {
    const dotenv = settings.syntax === "dotenv";
    const key = (f: string) => settings.section ? `${settings.section}.${f}` : dotenv ? _envKey(settings, f) : f;
    const bool = (on: boolean) => (dotenv ? String(on) : on);
    const read = (f: string) => settings.read.some((r) => r.key === key(f));
    return defined([
      change.host !== undefined
        ? setLine(settings, key("address"), change.host, undefined, { quote: true })
        : undefined,
      change.port !== undefined ? setLine(settings, key("port"), change.port) : undefined,
      change.tls === "implicit" ? setLine(settings, key("tls"), bool(true)) : undefined,
      change.tls === "implicit" && read("ssl") ? setLine(settings, key("ssl"), bool(true)) : undefined,
      change.tls !== undefined
        ? setLine(settings, key("enable_starttls_auto"), bool(change.tls !== "implicit"))
        : undefined,
      change.tls === "starttls" && (read("tls") || read("ssl"))
        ? setLine(settings, key(read("tls") ? "tls" : "ssl"), bool(false))
        : undefined,
      change.tls === "implicit" && read("enable_starttls")
        ? setLine(settings, key("enable_starttls"), bool(false))
        : undefined,
    ]);
  },
};

/** The `.env` name of a field: the spelling the file uses, else the first usual one. */
function _envKey(settings: MailSettings, field: string): string {
  const names = _ENV_NAMES[field] ?? [field];
  return names.find((n) => settings.read.some((r) => r.key === n)) ?? names[0] ?? field;
}
