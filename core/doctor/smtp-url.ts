/**
 * SMTP URLs and DSNs as the libraries that read them understand them — the
 * same `smtps://` means implicit TLS to Symfony Mailer and Nodemailer but
 * STARTTLS to Django's EMAIL_URL readers (dj-email-url, django-environ):
 *
 * - `symfony` (MAILER_DSN, Laravel's MAIL_URL): `smtps` is implicit TLS;
 *   `smtp` is implicit on port 465 or with no port (Symfony then picks 465),
 *   else STARTTLS when offered (`auto_tls=false` turns that off,
 *   `require_tls=true` makes it required); `PROVIDER+smtp://USER:PASS@default`
 *   reaches the provider's host and port as Symfony's bridges set them.
 * - `django`: `smtp` is in clear unless `?tls=true`/`?ssl=true`;
 *   `smtps`, `smtp+tls`, `submission` STARTTLS; `smtp+ssl` implicit.
 * - `nodemailer`: `smtps` implicit (465), `smtp` STARTTLS when offered (587).
 * - `generic` (typed on the command line): `smtps`/`submissions` implicit
 *   (465), `submission` STARTTLS (587), `smtp` whatever the port speaks.
 *
 * The password part is never kept: only whether there is one, and a masked
 * form of the URL to show.
 */
import { maskUrlPassword, type TlsIntent } from "./mail-settings.ts";

/** Who reads the URL. */
export type UrlDialect = "symfony" | "django" | "nodemailer" | "generic";

/** A parsed SMTP URL (no password). */
export interface SmtpUrl {
  scheme: string;
  /** Symfony's provider prefix (`ses` in `ses+smtp://`). */
  provider?: string;
  host: string;
  port?: number;
  /** The port the library uses when none is written. */
  defaultPort?: number;
  tls: TlsIntent;
  user?: string;
  hasPassword: boolean;
  params: Record<string, string>;
  /** The parameter that turns certificate verification off (`verify_peer=0`), as written. */
  verifyOff?: string;
  /** The URL with the password replaced by `****`. */
  masked: string;
}

/** A URL that is not SMTP for its reader (`null://null`, `log://`, `consolemail://`). */
export interface NonSmtpUrl {
  scheme: string;
  means: string;
  masked: string;
}

/** Why a text is not an SMTP URL this reader understands. */
export interface UrlProblem {
  problem: string;
}

/**
 * Symfony Mailer's SMTP bridges, `PROVIDER+smtp://…@default`: host and port
 * as the bridge sets them, `{region}` from `?region=` (default in brackets).
 */
const _SYMFONY_PROVIDERS: Record<string, { host: string; port: number; region?: string }> = {
  ses: { host: "email-smtp.{region}.amazonaws.com", port: 465, region: "eu-west-1" },
  gmail: { host: "smtp.gmail.com", port: 465 },
  google: { host: "smtp.gmail.com", port: 465 },
  mailgun: { host: "smtp.mailgun.org", port: 465 },
  sendgrid: { host: "smtp.sendgrid.net", port: 465 },
  postmark: { host: "smtp.postmarkapp.com", port: 587 },
  mandrill: { host: "smtp.mandrillapp.com", port: 587 },
  brevo: { host: "smtp-relay.brevo.com", port: 465 },
  sendinblue: { host: "smtp-relay.sendinblue.com", port: 465 },
  mailjet: { host: "in-v3.mailjet.com", port: 587 },
  resend: { host: "smtp.resend.com", port: 465 },
  scaleway: { host: "smtp.tem.scaleway.com", port: 465 },
};

const _NOT_SMTP: Record<string, string> = {
  null: "discards every message",
  sendmail: "hands messages to the local sendmail program",
  native: "uses PHP's mail settings (sendmail_path)",
  log: "writes messages to the log",
  array: "keeps messages in memory",
  consolemail: "prints messages on the console",
  filemail: "writes messages to files",
  memorymail: "keeps messages in memory",
  dummymail: "discards every message",
  console: "prints messages on the console",
  file: "writes messages to files",
  memory: "keeps messages in memory",
  dummy: "discards every message",
};

/** Parses an SMTP URL as `dialect` reads it. */
export function parseSmtpUrl(text: string, dialect: UrlDialect): SmtpUrl | NonSmtpUrl | UrlProblem {
  // The userinfo ends at the last `@` before the path: a password with an unescaped `@` is still one.
  const m =
    /^([a-z][a-z0-9+.-]*):\/\/(?:([^/?#]*)@)?([^/?#:]*|\[[0-9a-fA-F:.]+\])(?::(\d*))?(?:\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/i
      .exec(text.trim());
  if (!m) return { problem: "is not a URL of the form scheme://[user[:password]@]host[:port]" };
  const scheme = (m[1] ?? "").toLowerCase();
  const auth = m[2];
  const colon = auth === undefined ? -1 : auth.indexOf(":");
  const user = auth === undefined ? undefined : _decode(colon === -1 ? auth : auth.slice(0, colon));
  const hasPassword = colon !== -1 && auth !== undefined && auth.length > colon + 1;
  const masked = maskUrlPassword(text.trim());
  if (_NOT_SMTP[scheme] !== undefined) return { scheme, means: _NOT_SMTP[scheme] as string, masked };
  const params = _params(m[5] ?? "");
  const rawHost = (m[3] ?? "").replace(/^\[|\]$/g, "");
  const port = m[4] ? Number(m[4]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return { problem: "has a port outside 1-65535" };
  const base = {
    scheme,
    ...(user ? { user } : {}),
    hasPassword,
    params,
    masked,
    ..._verifyOff(params),
  };
  const provider = /^([a-z0-9-]+)\+(smtps?|smtp\+tls|smtp\+ssl)$/.exec(scheme);
  if (dialect === "symfony" && provider?.[1]) {
    const known = _SYMFONY_PROVIDERS[provider[1]];
    if (rawHost === "default" || rawHost === "") {
      if (!known) return { problem: `names the provider ${provider[1]}, whose SMTP host smtpilot does not know` };
      const host = known.host.replace("{region}", params.region ?? known.region ?? "");
      const p = port ?? known.port;
      return { ...base, provider: provider[1], host, port: p, tls: p === 465 ? "implicit" : "starttls-if-offered" };
    }
    return { ...base, provider: provider[1], host: rawHost, ...(port ? { port } : {}), ..._symfony("smtp", port) };
  }
  if (rawHost === "") return { problem: "has no host" };
  const host = rawHost;
  switch (dialect) {
    case "symfony":
      if (scheme !== "smtp" && scheme !== "smtps") return { problem: `uses the scheme ${scheme}, not smtp or smtps` };
      return { ...base, host, ...(port ? { port } : {}), ..._symfony(scheme, port, host, params) };
    case "django":
      return _django(scheme, base, host, port, params);
    case "nodemailer":
    case "generic":
      return _plain(scheme, base, host, port, params, dialect);
  }
}

/** True when a parse result is an SMTP URL. */
export function isSmtpUrl(x: SmtpUrl | NonSmtpUrl | UrlProblem): x is SmtpUrl {
  return (x as SmtpUrl).host !== undefined && (x as SmtpUrl).tls !== undefined;
}

/** True when a parse result is a transport that is not SMTP. */
export function isNonSmtpUrl(x: SmtpUrl | NonSmtpUrl | UrlProblem): x is NonSmtpUrl {
  return (x as NonSmtpUrl).means !== undefined;
}

/**
 * The password part of a URL, percent-decoded — only for resolving a
 * `settings:FILE#KEY:password` reference at the moment of use.
 */
export function urlPassword(text: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(text.trim());
  const auth = m?.[1];
  if (auth === undefined) return undefined;
  const colon = auth.indexOf(":");
  return colon === -1 ? undefined : _decode(auth.slice(colon + 1));
}

function _symfony(
  scheme: string,
  port: number | undefined,
  host = "",
  params: Record<string, string> = {},
): { tls: TlsIntent; defaultPort?: number } {
  if (scheme === "smtps") return { tls: "implicit", ...(port === undefined ? { defaultPort: 465 } : {}) };
  if (port === 465) return { tls: "implicit" };
  if (port === undefined && host !== "localhost") return { tls: "implicit", defaultPort: 465 };
  if (_off(params.auto_tls)) return { tls: "none", ...(port === undefined ? { defaultPort: 25 } : {}) };
  return {
    tls: _on(params.require_tls) ? "starttls" : "starttls-if-offered",
    ...(port === undefined ? { defaultPort: 25 } : {}),
  };
}

function _django(
  scheme: string,
  base: Omit<SmtpUrl, "host" | "tls">,
  host: string,
  port: number | undefined,
  params: Record<string, string>,
): SmtpUrl | UrlProblem {
  const known = ["smtp", "smtps", "smtp+tls", "smtp+ssl", "submission", "submit"];
  if (!known.includes(scheme)) {
    return { problem: `uses the scheme ${scheme}, which Django's EMAIL_URL readers do not know` };
  }
  const ssl = scheme === "smtp+ssl" || _on(params.ssl);
  const tls = ["smtps", "smtp+tls", "submission", "submit"].includes(scheme) || _on(params.tls);
  const defaultPort = scheme === "submission" || scheme === "submit" ? 587 : 25;
  return {
    ...base,
    host,
    ...(port ? { port } : { defaultPort }),
    tls: ssl ? "implicit" : tls ? "starttls" : "none",
  };
}

function _plain(
  scheme: string,
  base: Omit<SmtpUrl, "host" | "tls">,
  host: string,
  port: number | undefined,
  params: Record<string, string>,
  dialect: UrlDialect,
): SmtpUrl | UrlProblem {
  const implicit = scheme === "smtps" || scheme === "submissions" || _on(params.secure);
  if (!["smtp", "smtps", "submission", "submissions"].includes(scheme)) {
    return { problem: `uses the scheme ${scheme}, not smtp, smtps, submission or submissions` };
  }
  const defaultPort = implicit ? 465 : scheme === "submission" || dialect === "nodemailer" ? 587 : undefined;
  let tls: TlsIntent = implicit ? "implicit" : "starttls-if-offered";
  if (!implicit && (scheme === "submission" || _on(params.requireTLS))) tls = "starttls";
  if (!implicit && _on(params.ignoreTLS)) tls = "none";
  return { ...base, host, ...(port ? { port } : defaultPort ? { defaultPort } : {}), tls };
}

function _params(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = _decode(eq === -1 ? part : part.slice(0, eq), true);
    out[key] = _decode(eq === -1 ? "" : part.slice(eq + 1), true);
  }
  return out;
}

function _verifyOff(params: Record<string, string>): { verifyOff?: string } {
  for (const key of ["verify_peer", "tls.rejectUnauthorized", "rejectUnauthorized"]) {
    const v = params[key];
    if (v !== undefined && _off(v)) return { verifyOff: `${key}=${v}` };
  }
  return {};
}

function _on(v: string | undefined): boolean {
  return v !== undefined && /^(?:1|true|yes|on)$/i.test(v);
}

function _off(v: string | undefined): boolean {
  return v !== undefined && /^(?:0|false|no|off)$/i.test(v);
}

/** Percent-decoding; `+` is a space only in a query (userinfo keeps it, as rawurldecode does). */
function _decode(s: string, plusIsSpace = false): string {
  try {
    return decodeURIComponent(plusIsSpace ? s.replace(/\+/g, " ") : s);
  } catch {
    return s;
  }
}
