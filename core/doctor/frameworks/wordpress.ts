/**
 * WordPress SMTP settings written as constants in wp-config.php. WP Mail
 * SMTP: WPMS_ON (the constants apply only when it is true), WPMS_MAILER
 * (`smtp`; other mailers are provider APIs), WPMS_SMTP_HOST, WPMS_SMTP_PORT,
 * WPMS_SSL (`ssl` implicit TLS, `tls` STARTTLS, empty none), WPMS_SMTP_AUTH,
 * WPMS_SMTP_USER, WPMS_SMTP_PASS, WPMS_SMTP_AUTOTLS (STARTTLS when offered
 * while WPMS_SSL is empty), WPMS_MAIL_FROM. And the constants of the common
 * `phpmailer_init` snippet: SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_AUTH,
 * SMTP_USER, SMTP_PASS, SMTP_FROM (PHPMailer's SMTPSecure and SMTPAutoTLS,
 * which defaults to on).
 */
import { defined, type Framework, type PathChange, type ReadInput, setLine } from "../framework.ts";
import { entryText, falsy, fieldOf, type MailSettings, portField, readLines, secretFieldOf } from "../mail-settings.ts";

/** The two constant families: WP Mail SMTP's and the phpmailer_init snippet's. */
const _FAMILIES = {
  wpms: {
    host: "WPMS_SMTP_HOST",
    port: "WPMS_SMTP_PORT",
    secure: "WPMS_SSL",
    autotls: "WPMS_SMTP_AUTOTLS",
    user: "WPMS_SMTP_USER",
    pass: "WPMS_SMTP_PASS",
    from: "WPMS_MAIL_FROM",
  },
  snippet: {
    host: "SMTP_HOST",
    port: "SMTP_PORT",
    secure: "SMTP_SECURE",
    autotls: "SMTP_AUTOTLS",
    user: "SMTP_USER",
    pass: "SMTP_PASS",
    from: "SMTP_FROM",
  },
} as const;

/** WordPress. */
export const wordpress: Framework = {
  id: "wordpress",
  title: "WordPress",
  syntaxes: ["php"],
  recognise(entries, syntax) {
    if (syntax !== "php") return 0;
    const wpms = Object.values(_FAMILIES.wpms).filter((k) => entries.has(k)).length;
    const snippet = Object.values(_FAMILIES.snippet).filter((k) => entries.has(k)).length;
    return Math.max(wpms + (entries.has("WPMS_ON") ? 1 : 0), snippet) * 10;
  },
  read({ entries, file, policy }: ReadInput): MailSettings {
    const wpms = Object.values(_FAMILIES.wpms).some((k) => entries.has(k)) || entries.has("WPMS_ON");
    const k = wpms ? _FAMILIES.wpms : _FAMILIES.snippet;
    const extra = wpms ? ["WPMS_ON", "WPMS_MAILER", "WPMS_SMTP_AUTH"] : ["SMTP_AUTH"];
    const settings: MailSettings = {
      framework: "wordpress",
      title: wpms ? "WordPress (WP Mail SMTP constants)" : "WordPress (phpmailer_init constants)",
      file: file.path,
      syntax: file.syntax,
      read: readLines([...Object.values(k), ...extra].map((x) => entries.get(x)), new Set([k.pass])),
      port: { value: 25, key: k.port, defaulted: true },
      tls: { value: "starttls-if-offered", key: k.autotls, defaulted: true },
      problems: [],
      unresolved: [],
    };
    const field = (key: string) => {
      const f = fieldOf(entries.get(key), policy, settings.unresolved);
      return f && f.value !== "" ? f : undefined;
    };
    if (wpms) {
      const on = entries.get("WPMS_ON");
      const onText = entryText(on, policy)?.text;
      if (!on || onText === undefined || falsy(onText)) {
        settings.ignoredBecause = {
          value: onText ?? "",
          key: "WPMS_ON",
          ...(on ? { line: on.line } : {}),
        };
      }
      const mailer = field("WPMS_MAILER");
      if (mailer && mailer.value.toLowerCase() !== "smtp") {
        settings.otherTransport = {
          value: mailer.value,
          key: mailer.key,
          ...(mailer.line ? { line: mailer.line } : {}),
          means: mailer.value === "mail"
            ? "uses PHP's mail() function"
            : `sends through the ${mailer.value} API, not these SMTP settings`,
        };
      }
    }
    const host = field(k.host);
    if (host) settings.host = host;
    const port = portField(field(k.port), settings.problems);
    if (port) settings.port = port;
    const user = field(k.user);
    if (user) settings.user = user;
    const secret = secretFieldOf(entries.get(k.pass), file, policy);
    if (secret) settings.secret = secret;
    const from = field(k.from);
    if (from) settings.from = from;
    const secure = field(k.secure);
    const autotls = field(k.autotls);
    const s = secure?.value.toLowerCase();
    if (secure && s === "ssl") settings.tls = { ...secure, value: "implicit" };
    else if (secure && s === "tls") settings.tls = { ...secure, value: "starttls" };
    else if (secure && s !== "" && s !== "none") {
      settings.problems.push({
        key: secure.key,
        ...(secure.line ? { line: secure.line } : {}),
        problem: "is neither ssl, tls nor empty",
      });
    } else if (autotls && falsy(autotls.value)) settings.tls = { ...autotls, value: "none" };
    return settings;
  },
  lines(change: PathChange, settings: MailSettings) {
    const wpms = settings.title.includes("WP Mail SMTP");
    const k = wpms ? _FAMILIES.wpms : _FAMILIES.snippet;
    return defined([
      wpms && settings.ignoredBecause ? setLine(settings, "WPMS_ON", true) : undefined,
      change.host !== undefined ? setLine(settings, k.host, change.host) : undefined,
      change.port !== undefined ? setLine(settings, k.port, change.port) : undefined,
      change.tls !== undefined ? setLine(settings, k.secure, change.tls === "implicit" ? "ssl" : "tls") : undefined,
    ]);
  },
};
