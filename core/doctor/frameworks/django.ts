/**
 * Django's email settings, in settings.py (plain literals or environment
 * reads) or in the `.env` a settings.py reads with django-environ or
 * python-decouple under the same names: EMAIL_BACKEND, EMAIL_HOST,
 * EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS (STARTTLS,
 * required), EMAIL_USE_SSL (implicit TLS), DEFAULT_FROM_EMAIL, and
 * django-environ's EMAIL_URL. Django's defaults: localhost, port 25, no TLS
 * — it never starts TLS on its own, and refuses both flags at once
 * ("EMAIL_USE_TLS/EMAIL_USE_SSL are mutually exclusive").
 */
import { defined, type Framework, type PathChange, type ReadInput, setLine } from "../framework.ts";
import {
  entryText,
  type Field,
  fieldOf,
  type MailSettings,
  portField,
  readLines,
  secretFieldOf,
  type TlsIntent,
  truthy,
} from "../mail-settings.ts";
import { applyUrl } from "./url-settings.ts";

const _KEYS = [
  "EMAIL_BACKEND",
  "EMAIL_HOST",
  "EMAIL_PORT",
  "EMAIL_HOST_USER",
  "EMAIL_HOST_PASSWORD",
  "EMAIL_USE_TLS",
  "EMAIL_USE_SSL",
  "DEFAULT_FROM_EMAIL",
  "EMAIL_URL",
] as const;

const _BACKENDS: Record<string, string> = {
  console: "prints every message on the console instead of sending it",
  locmem: "keeps messages in memory (tests) instead of sending them",
  filebased: "writes messages to files instead of sending them",
  dummy: "discards every message",
};

/** Django. */
export const django: Framework = {
  id: "django",
  title: "Django",
  syntaxes: ["python", "dotenv"],
  recognise(entries) {
    // Two of Django's names, or one that only Django uses: a settings.py that forgot EMAIL_HOST is still Django's.
    const n = _KEYS.filter((k) => entries.has(k)).length;
    const own = entries.has("EMAIL_HOST") || entries.has("EMAIL_BACKEND") || entries.has("EMAIL_URL");
    return own || n >= 2 ? n * 10 + (entries.has("EMAIL_HOST_USER") ? 5 : 0) : 0;
  },
  read({ entries, file, policy }: ReadInput): MailSettings {
    const settings: MailSettings = {
      framework: "django",
      title: file.syntax === "python" ? "Django (settings.py)" : "Django (.env)",
      file: file.path,
      syntax: file.syntax,
      read: readLines(_KEYS.map((k) => entries.get(k)), new Set(["EMAIL_HOST_PASSWORD"])),
      host: { value: "localhost", key: "EMAIL_HOST", defaulted: true },
      port: { value: 25, key: "EMAIL_PORT", defaulted: true },
      tls: { value: "none", key: "EMAIL_USE_TLS", defaulted: true },
      problems: [],
      unresolved: [],
    };
    const field = (key: string) => {
      const f = fieldOf(entries.get(key), policy, settings.unresolved);
      return f && f.value !== "" ? f : undefined;
    };
    const backend = field("EMAIL_BACKEND");
    const kind = /backends\.([a-z]+)\./.exec(backend?.value ?? "")?.[1];
    if (backend && kind && _BACKENDS[kind]) {
      settings.otherTransport = {
        value: backend.value,
        key: backend.key,
        ...(backend.line ? { line: backend.line } : {}),
        means: _BACKENDS[kind] as string,
      };
    }
    const host = field("EMAIL_HOST");
    if (host) settings.host = host;
    const port = portField(field("EMAIL_PORT"), settings.problems);
    if (port) settings.port = port;
    const user = field("EMAIL_HOST_USER");
    if (user) settings.user = user;
    const secret = secretFieldOf(entries.get("EMAIL_HOST_PASSWORD"), file, policy);
    if (secret) settings.secret = secret;
    const from = field("DEFAULT_FROM_EMAIL");
    if (from) settings.from = { ...from, value: _address(from.value) };
    const flag = (key: string, value: TlsIntent): Field<TlsIntent> | undefined => {
      const e = entries.get(key);
      const t = entryText(e, policy)?.text;
      return e && truthy(t) ? { value, key, line: e.line } : undefined;
    };
    const ssl = flag("EMAIL_USE_SSL", "implicit");
    const tls = flag("EMAIL_USE_TLS", "starttls");
    if (ssl && tls) settings.tls = { ...ssl, conflictsWith: tls };
    else if (ssl ?? tls) settings.tls = (ssl ?? tls) as Field<TlsIntent>;
    const url = field("EMAIL_URL");
    if (url) {
      applyUrl(settings, url, "django", {
        path: file.path,
        literal: entries.get("EMAIL_URL")?.value.kind === "literal",
      });
    }
    return settings;
  },
  lines(change: PathChange, settings: MailSettings) {
    if (settings.read.some((r) => r.key === "EMAIL_URL")) return [];
    const bool = (on: boolean) => settings.syntax === "python" ? on : on ? "True" : "False";
    return defined([
      change.host !== undefined ? setLine(settings, "EMAIL_HOST", change.host) : undefined,
      change.port !== undefined ? setLine(settings, "EMAIL_PORT", change.port) : undefined,
      change.tls !== undefined ? setLine(settings, "EMAIL_USE_TLS", bool(change.tls === "starttls")) : undefined,
      change.tls !== undefined ? setLine(settings, "EMAIL_USE_SSL", bool(change.tls === "implicit")) : undefined,
    ]).filter((l) => l.line !== undefined || !/=\s*(?:False|false)$/.test(l.text));
  },
};

/** `Name <addr@x>` → `addr@x`. */
function _address(text: string): string {
  return /<([^>]+)>/.exec(text)?.[1] ?? text.trim();
}
