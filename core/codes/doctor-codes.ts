/**
 * Every finding code `smtpilot doctor` can report, with its usual severity
 * and what it means — the data behind the README's "Doctor findings" table
 * (test/doctor/codes.test.ts keeps the two equal, and every code the doctor
 * uses in this catalogue). Codes are stable: add, never rename.
 */

/** One doctor code. */
export interface DoctorCodeEntry {
  code: string;
  /** The severity it is reported with (some are a warning in one case, an error in another: the first named). */
  severity: "error" | "warning" | "info";
  meaning: string;
}

/** The catalogue, in the README's order: the settings, then DNS and the provider, then the network. */
export const DOCTOR_CODES: readonly DoctorCodeEntry[] = [
  {
    code: "doctor.implicit-tls-on-starttls-port",
    severity: "error",
    meaning:
      "an implicit-TLS (SSL) flag with a port that starts in plaintext (587, 25, 2525): `MAIL_ENCRYPTION=ssl` with 587, `secure: true` with 587",
  },
  {
    code: "doctor.starttls-on-implicit-port",
    severity: "error",
    meaning: "STARTTLS (or no TLS) with an implicit-TLS port (465): the client waits for a greeting that never comes",
  },
  {
    code: "doctor.tls-flags-conflict",
    severity: "error",
    meaning:
      "two flags ask for both TLS modes (Django's EMAIL_USE_TLS and EMAIL_USE_SSL, Rails' tls and enable_starttls)",
  },
  {
    code: "doctor.no-tls",
    severity: "error",
    meaning:
      "the application never starts TLS (an error with a login: AUTH is refused or the password crosses in clear)",
  },
  {
    code: "doctor.tls-verification-off",
    severity: "warning",
    meaning:
      "the application turns certificate checks off (`verify_peer=0`, `openssl_verify_mode: none`, `ssl.trust=*`)",
  },
  {
    code: "doctor.not-smtp",
    severity: "error",
    meaning: "the transport is not SMTP (`MAIL_MAILER=log`, Django's console backend, `delivery_method :test`)",
  },
  {
    code: "doctor.settings-ignored",
    severity: "error",
    meaning: "the framework ignores these settings (WP Mail SMTP's constants without `WPMS_ON` true)",
  },
  {
    code: "doctor.invalid-value",
    severity: "error",
    meaning: "a value the framework refuses or cannot use (`MAIL_SCHEME=tls`, a port that is not a number)",
  },
  {
    code: "doctor.host-not-set",
    severity: "error",
    meaning: "no host: the framework fails or falls back to its default (localhost), and there is nothing to sweep",
  },
  {
    code: "doctor.secret-missing",
    severity: "error",
    meaning: "a login without a password (or one smtpilot cannot reach through a reference)",
  },
  {
    code: "doctor.env-not-set",
    severity: "warning",
    meaning: "a value reads an environment variable that is not set where smtpilot runs",
  },
  {
    code: "doctor.sandbox-host",
    severity: "warning",
    meaning: "the host is a test inbox (Mailtrap, Mailpit, MailHog…): nothing reaches a real mailbox",
  },
  {
    code: "doctor.password-in-argument",
    severity: "warning",
    meaning:
      "a URL on the command line holds a password (kept in shell history, visible in the process list); not used",
  },
  {
    code: "doctor.host-is-mx",
    severity: "error",
    meaning:
      "the host is the MX of the sender's domain: a receiving server (an error when it is a provider's inbound host, with its submission host as the fix)",
  },
  {
    code: "doctor.from-not-allowed",
    severity: "warning",
    meaning:
      "the provider will not send as a From on another domain than the login's (Gmail alias, Microsoft 365 SendAs)",
  },
  {
    code: "doctor.from-needs-verification",
    severity: "info",
    meaning: "the provider sends as the From only once the address or domain is verified (SES)",
  },
  {
    code: "doctor.no-submission-host",
    severity: "error",
    meaning:
      "an address or domain whose DNS names no submission server (no RFC 6186 SRV, an MX no provider plugin knows)",
  },
  {
    code: "doctor.port-25-blocked",
    severity: "warning",
    meaning: "port 25 is filtered while another port answers: this network blocks outbound 25 (cloud policies, dated)",
  },
  {
    code: "doctor.no-port-answers",
    severity: "error",
    meaning: "no swept port answers SMTP (all filtered: a firewall drops outbound SMTP)",
  },
  {
    code: "doctor.own-path-fails",
    severity: "error",
    meaning: "the settings' own port fails from here, or speaks another TLS mode, while another path works",
  },
];
