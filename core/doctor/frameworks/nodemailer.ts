/**
 * Nodemailer-style environment settings (`.env` of a Node application):
 * SMTP_HOST, SMTP_PORT, SMTP_SECURE (true: implicit TLS; false: STARTTLS
 * when offered), SMTP_USER or SMTP_USERNAME, SMTP_PASS or SMTP_PASSWORD,
 * SMTP_FROM/EMAIL_FROM/MAIL_FROM, SMTP_REQUIRE_TLS, SMTP_IGNORE_TLS,
 * SMTP_TLS_REJECT_UNAUTHORIZED — or one URL in SMTP_URL / EMAIL_SERVER
 * (Auth.js). Nodemailer's port default is 465 when secure, else 587.
 */
import { defined, firstEntry, type Framework, type PathChange, type ReadInput, setLine } from "../framework.ts";
import { falsy, fieldOf, type MailSettings, portField, readLines, secretFieldOf, truthy } from "../mail-settings.ts";
import { applyUrl } from "./url-settings.ts";

const _KEYS = {
  host: ["SMTP_HOST", "SMTP_SERVER"],
  port: ["SMTP_PORT"],
  secure: ["SMTP_SECURE"],
  user: ["SMTP_USER", "SMTP_USERNAME", "SMTP_LOGIN"],
  pass: ["SMTP_PASS", "SMTP_PASSWORD"],
  from: ["SMTP_FROM", "EMAIL_FROM", "MAIL_FROM", "SMTP_FROM_ADDRESS"],
  requireTls: ["SMTP_REQUIRE_TLS"],
  ignoreTls: ["SMTP_IGNORE_TLS"],
  reject: ["SMTP_TLS_REJECT_UNAUTHORIZED", "SMTP_REJECT_UNAUTHORIZED"],
  url: ["SMTP_URL", "EMAIL_SERVER", "SMTP_CONNECTION_URL"],
} as const;

const _ALL = Object.values(_KEYS).flat();

/** Nodemailer. */
export const nodemailer: Framework = {
  id: "nodemailer",
  title: "Nodemailer",
  syntaxes: ["dotenv"],
  recognise(entries) {
    const core = [..._KEYS.host, ..._KEYS.url].some((k) => entries.has(k));
    return core ? _ALL.filter((k) => entries.has(k)).length * 10 : 0;
  },
  read({ entries, file, policy }: ReadInput): MailSettings {
    const pick = (keys: readonly string[]) => firstEntry(entries, keys);
    const settings: MailSettings = {
      framework: "nodemailer",
      title: "Nodemailer",
      file: file.path,
      syntax: file.syntax,
      read: readLines(_ALL.map((k) => entries.get(k)), new Set(_KEYS.pass)),
      tls: { value: "starttls-if-offered", key: "SMTP_SECURE", defaulted: true },
      problems: [],
      unresolved: [],
    };
    const field = (keys: readonly string[]) => {
      const f = fieldOf(pick(keys), policy, settings.unresolved);
      return f && f.value !== "" ? f : undefined;
    };
    const host = field(_KEYS.host);
    if (host) settings.host = host;
    const secure = field(_KEYS.secure);
    const port = portField(field(_KEYS.port), settings.problems);
    if (secure && truthy(secure.value)) settings.tls = { ...secure, value: "implicit" };
    else if (secure && !falsy(secure.value)) {
      settings.problems.push({
        key: secure.key,
        ...(secure.line ? { line: secure.line } : {}),
        problem: "is neither true nor false",
      });
    } else if (secure) settings.tls = { ...secure, value: "starttls-if-offered" };
    const require = field(_KEYS.requireTls);
    const ignore = field(_KEYS.ignoreTls);
    if (settings.tls.value !== "implicit" && require && truthy(require.value)) {
      settings.tls = { ...require, value: "starttls" };
    }
    if (settings.tls.value !== "implicit" && ignore && truthy(ignore.value)) {
      settings.tls = { ...ignore, value: "none" };
    }
    settings.port = port ??
      { value: settings.tls.value === "implicit" ? 465 : 587, key: _KEYS.port[0], defaulted: true };
    const user = field(_KEYS.user);
    if (user) settings.user = user;
    const secret = secretFieldOf(pick(_KEYS.pass), file, policy);
    if (secret) settings.secret = secret;
    const from = field(_KEYS.from);
    if (from) settings.from = { ...from, value: /<([^>]+)>/.exec(from.value)?.[1] ?? from.value };
    const reject = field(_KEYS.reject);
    if (reject && falsy(reject.value)) settings.verifyOff = reject;
    const url = pick(_KEYS.url);
    const urlField = field(_KEYS.url);
    if (url && urlField) {
      applyUrl(settings, urlField, "nodemailer", { path: file.path, literal: url.value.kind === "literal" });
    }
    return settings;
  },
  lines(change: PathChange, settings: MailSettings) {
    if (settings.read.some((r) => (_KEYS.url as readonly string[]).includes(r.key))) return [];
    const key = (keys: readonly string[]) => keys.find((k) => settings.read.some((r) => r.key === k)) ?? keys[0] ?? "";
    return defined([
      change.host !== undefined ? setLine(settings, key(_KEYS.host), change.host) : undefined,
      change.port !== undefined ? setLine(settings, key(_KEYS.port), change.port) : undefined,
      change.tls !== undefined ? setLine(settings, key(_KEYS.secure), String(change.tls === "implicit")) : undefined,
    ]);
  },
};
