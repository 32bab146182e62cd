/**
 * What the settings say against themselves, found before any network: an
 * implicit-TLS flag on a port that speaks plaintext first (587, 25, 2525),
 * STARTTLS (or nothing) on an implicit-TLS port (465), two TLS flags at
 * once, no TLS at all with a login, certificate checks turned off, a
 * transport that is not SMTP, settings the framework ignores, values it
 * refuses, a missing host or password, a test inbox as the host. Each with
 * its lines and the fix in the framework's own terms.
 */
import { type Finding, sources } from "./finding.ts";
import type { FixLine, Framework, PathChange } from "./framework.ts";
import { HOST_REFUSED, type MailSettings } from "./mail-settings.ts";

/** Ports where the server speaks first in plaintext (STARTTLS comes after EHLO). */
export const PLAINTEXT_FIRST_PORTS: ReadonlySet<number> = new Set([25, 587, 2525, 2587]);
/** Ports where TLS starts with the first byte. */
export const IMPLICIT_PORTS: ReadonlySet<number> = new Set([465, 2465]);

/** Hosts that catch mail for testing: nothing sent there reaches an inbox. */
const _SANDBOX =
  /(?:^|\.)(?:mailtrap\.io|mailpit|mailhog|mailcatcher|smtp4dev|maildev|ethereal\.email)$|^(?:mailpit|mailhog|mailcatcher|maildev|smtp4dev)$/i;

/** Every contradiction in the settings (none needs the network). */
export function contradictions(settings: MailSettings, framework: Framework | undefined): Finding[] {
  const out: Finding[] = [];
  const fix = (text: string, change: PathChange): Finding["fix"] => ({
    text,
    lines: framework ? framework.lines(change, settings) : [],
  });
  const { tls, port } = settings;
  if (settings.otherTransport) {
    const t = settings.otherTransport;
    out.push({
      code: "doctor.not-smtp",
      severity: "error",
      summary: `${t.key}=${t.value}: the application ${t.means}`,
      cause: "Nothing goes through the SMTP settings below until the transport is SMTP.",
      from: sources(t),
      fix: { text: "Switch the transport to SMTP", lines: _smtpTransport(settings) },
    });
  }
  if (settings.ignoredBecause) {
    const i = settings.ignoredBecause;
    out.push({
      code: "doctor.settings-ignored",
      severity: "error",
      summary: `${i.key} is not true: WP Mail SMTP ignores every WPMS_* constant`,
      cause: "Without WPMS_ON set to true, the plugin uses the settings stored in the database instead.",
      from: sources(i),
      fix: fix("Turn the constants on", {}),
    });
  }
  for (const p of settings.problems) {
    out.push({
      code: "doctor.invalid-value",
      severity: "error",
      summary: `${p.key} ${p.problem}`,
      cause: "The framework cannot use this value: sending fails before any connection, or with a default.",
      from: sources(p),
    });
  }
  const at = port?.value;
  if (tls.conflictsWith) {
    const keep = at !== undefined && IMPLICIT_PORTS.has(at) ? "implicit" : "starttls";
    out.push({
      code: "doctor.tls-flags-conflict",
      severity: "error",
      summary: `${tls.key} asks for ${_mode(tls.value)} and ${tls.conflictsWith.key} for ${
        _mode(tls.conflictsWith.value)
      }`,
      cause: "One connection can only start TLS one way; the framework refuses the pair or silently uses one.",
      from: sources(tls, tls.conflictsWith),
      fix: fix(`Keep ${_mode(keep)}${at !== undefined ? `, which port ${at} speaks` : ""}`, { tls: keep }),
    });
  } else if (port && at !== undefined && tls.value === "implicit" && PLAINTEXT_FIRST_PORTS.has(at)) {
    out.push({
      code: "doctor.implicit-tls-on-starttls-port",
      severity: "error",
      summary: `${_said(settings, tls)} asks for implicit TLS (SSL), but ${
        _said(settings, port)
      } is a port that starts in plaintext`,
      cause: `A client sending a TLS ClientHello to port ${at} gets an SMTP greeting back: the handshake fails ` +
        `("wrong version number") or hangs until a timeout.${tls.note ? ` ${tls.note}` : ""}`,
      from: sources(tls, port),
      fix: fix(`Keep port ${at} and use STARTTLS`, { tls: "starttls" }),
      alternative: fix("Or keep implicit TLS and use port 465", { port: 465 }),
    });
  } else if (port && at !== undefined && IMPLICIT_PORTS.has(at) && tls.value !== "implicit") {
    out.push({
      code: "doctor.starttls-on-implicit-port",
      severity: "error",
      summary: `${_said(settings, port)} speaks implicit TLS, but ${_said(settings, tls)} ${
        tls.value === "none" ? "turns TLS off" : "asks for STARTTLS"
      }`,
      cause: `Port ${at} waits for a TLS ClientHello and says nothing; a client waiting for the SMTP greeting ` +
        `times out ("Greeting never received", Net::ReadTimeout).${tls.note ? ` ${tls.note}` : ""}`,
      from: sources(port, tls),
      fix: fix(`Keep port ${at} and use implicit TLS`, { tls: "implicit" }),
      alternative: fix("Or keep STARTTLS and use port 587", { port: 587, tls: "starttls" }),
    });
  } else if (tls.value === "none") {
    const login = settings.user !== undefined;
    out.push({
      code: "doctor.no-tls",
      severity: login ? "error" : "warning",
      summary: `${_said(settings, tls)}: the application never starts TLS`,
      cause: login
        ? 'Servers offer AUTH only after STARTTLS ("SMTP AUTH extension not supported by server", "530 Must issue a STARTTLS command first"); one that accepts it would see the password in clear.'
        : "Mail crosses the network unencrypted; many submission servers refuse it.",
      from: sources(tls, port),
      fix: fix("Use STARTTLS", { tls: "starttls" }),
    });
  }
  if (settings.verifyOff) {
    out.push({
      code: "doctor.tls-verification-off",
      severity: "warning",
      summary: `${_said(settings, settings.verifyOff)} turns certificate verification off in the application`,
      cause: "The application would send its password to anyone in the path. smtpilot verifies anyway " +
        "(a private CA is trusted explicitly with --ca).",
      from: sources(settings.verifyOff),
      fix: {
        text: "Remove it; for a private CA, trust that CA in the application instead of turning checks off",
        lines: [],
      },
    });
  }
  if (!settings.otherTransport && settings.host?.defaulted) {
    out.push({
      code: "doctor.host-not-set",
      severity: "error",
      summary: `${settings.host.key} is not set: the framework uses ${settings.host.value}`,
      cause: "Without a host the application submits to this machine, where usually no mail server listens.",
      from: [{ key: settings.host.key }],
      fix: { text: `Set ${settings.host.key} to your provider's submission host`, lines: [] },
    });
  }
  const envSecret = settings.secret?.ref.startsWith("env:") ? settings.secret : undefined;
  if (settings.user && envSecret && !envSecret.present) {
    out.push({
      code: "doctor.env-not-set",
      severity: "warning",
      summary: `${envSecret.key} reads the environment variable ${envSecret.ref.slice(4)}, which is not set here`,
      cause: "The password lives in the application's environment; without it here, the login cannot be tried.",
      from: sources(envSecret),
      fix: { text: `Set ${envSecret.ref.slice(4)} where smtpilot runs, or give --secret REF`, lines: [] },
    });
  } else if (settings.user && settings.framework !== "url" && (!settings.secret || !settings.secret.present)) {
    // (A URL typed on the command line has no password reference by design: --secret gives one.)
    out.push({
      code: "doctor.secret-missing",
      severity: settings.secretNote ? "warning" : "error",
      summary: settings.secretNote
        ? `${settings.user.key} is set, but ${settings.secretNote}`
        : `${settings.user.key} is set but the password is ${settings.secret ? "empty" : "not set"}`,
      cause:
        "A login without a password fails at AUTH (535), or the framework skips AUTH and the server refuses to relay.",
      from: sources(settings.user, settings.secret),
    });
  }
  for (const u of settings.unresolved) {
    out.push({
      code: "doctor.env-not-set",
      severity: "warning",
      summary: u.notRead
        ? `${u.key} reads the environment variable ${u.env}, which this run does not read (an agent's run)`
        : `${u.key} reads the environment variable ${u.env}, which is not set here`,
      cause: "The value depends on the environment the application runs in; smtpilot could not see it.",
      from: sources(u),
    });
  }
  // No host, and nothing above says why (a host refused as a value, a transport that is not SMTP,
  // settings the framework ignores): the application has nowhere to submit, nothing to sweep.
  const hostRefused = settings.problems.some((p) => p.problem === HOST_REFUSED);
  if (!settings.host && !settings.otherTransport && !settings.ignoredBecause && !hostRefused) {
    out.push({
      code: "doctor.host-not-set",
      severity: "error",
      summary: "No host is set: the application has no server to submit to",
      cause: "Without a host the framework fails before connecting, or submits to its default host.",
      from: [],
      fix: { text: "Set the host to your provider's submission host", lines: [] },
    });
  }
  if (settings.host && _SANDBOX.test(settings.host.value)) {
    out.push({
      code: "doctor.sandbox-host",
      severity: "warning",
      summary: `${_said(settings, settings.host)} is a test inbox: mail sent there never reaches anyone`,
      cause: "Mailtrap, Mailpit, MailHog and the like catch mail for development.",
      from: sources(settings.host),
    });
  }
  return out;
}

function _mode(tls: string): string {
  return tls === "implicit" ? "implicit TLS" : tls === "none" ? "no TLS" : "STARTTLS";
}

/** A setting as the file writes it (`MAIL_ENCRYPTION=ssl`), or as the framework's default. */
function _said(settings: MailSettings, f: { key: string; value: unknown; defaulted?: true }): string {
  if (f.defaulted) return `${f.key} (not set: ${String(f.value)})`;
  const read = settings.read.find((r) => r.key === f.key);
  // A value inside a URL (MAILER_DSN, or the URL typed as the target): its part, not the whole URL again.
  if (f.key === "url" || read?.shown.includes("://")) {
    const where = f.key === "url" ? "the URL" : f.key;
    return typeof f.value === "number" ? `port ${f.value} in ${where}` : `${where}'s scheme`;
  }
  return `${f.key}=${read ? read.shown : String(f.value)}`;
}

/** The line that makes the transport SMTP, in the framework's terms. */
function _smtpTransport(settings: MailSettings): FixLine[] {
  const t = settings.otherTransport;
  if (!t) return [];
  const at = t.line !== undefined ? { line: t.line } : {};
  switch (settings.framework) {
    case "laravel":
      return [{ key: t.key, text: `${t.key}=smtp`, ...at }];
    case "django":
      return [{
        key: t.key,
        text: settings.syntax === "python"
          ? `${t.key} = "django.core.mail.backends.smtp.EmailBackend"`
          : `${t.key}=django.core.mail.backends.smtp.EmailBackend`,
        ...at,
      }];
    case "rails":
      return [{ key: t.key, text: "config.action_mailer.delivery_method = :smtp", ...at }];
    case "wordpress":
      return [{ key: t.key, text: `define( '${t.key}', 'smtp' );`, ...at }];
    default:
      return [];
  }
}
