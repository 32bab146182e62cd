/**
 * Every diagnosis and warning code the layers can report, with what it
 * means — the data behind the README's tables (a test keeps the two equal)
 * and the diagnosis-code resource of the MCP server. Codes are stable:
 * add, never rename.
 */

/** One code: what it means and whether it fails its layer or only warns. */
export interface CodeEntry {
  code: string;
  meaning: string;
  kind: "failure" | "warning";
}

/** The catalogue, in the README's order. */
export const DIAGNOSIS_CODES: readonly CodeEntry[] = [
  { code: "dns.nxdomain", meaning: "the host name does not exist", kind: "failure" },
  { code: "dns.no-address", meaning: "the name exists but has no A/AAAA record", kind: "failure" },
  {
    code: "dns.resolver-failed",
    meaning: "the resolver (or the `--resolver` server, fact `resolver`) failed or timed out",
    kind: "failure",
  },
  { code: "tcp.refused", meaning: "nothing listens on the port", kind: "failure" },
  {
    code: "tcp.timeout",
    meaning: "packets are dropped (filtered); port 25 is often blocked outbound",
    kind: "failure",
  },
  { code: "tcp.unreachable", meaning: "no route to the host", kind: "failure" },
  { code: "greeting.rejected", meaning: "5xx banner (often a blocklist listing of your IP)", kind: "failure" },
  { code: "greeting.busy", meaning: "421/4xx banner: too many connections, try later", kind: "failure" },
  {
    code: "greeting.timeout",
    meaning: 'no banner at all (and the port does not answer TLS either; `portSpeaks: "off"` with `--probes off`)',
    kind: "failure",
  },
  {
    code: "greeting.not-smtp",
    meaning: "the port speaks another protocol (HTTP, SSH, POP3, IMAP\u2026)",
    kind: "failure",
  },
  {
    code: "greeting.protocol-error",
    meaning: "the banner breaks SMTP syntax (endless line, endless continuation, non-numeric code, close mid-reply)",
    kind: "failure",
  },
  { code: "greeting.connection-closed", meaning: "the server hung up before any banner", kind: "failure" },
  { code: "greeting.unexpected-reply", meaning: "a greeting reply no rule explains", kind: "failure" },
  {
    code: "tls.mode-mismatch",
    meaning: "implicit TLS against a plaintext port, or STARTTLS/plain against an implicit-TLS port",
    kind: "failure",
  },
  { code: "tls.starttls-not-offered", meaning: "the server does not offer STARTTLS", kind: "failure" },
  { code: "tls.starttls-failed", meaning: "the server refused the STARTTLS command", kind: "failure" },
  { code: "tls.cert-expired", meaning: "the certificate has expired", kind: "failure" },
  { code: "tls.cert-not-yet-valid", meaning: "the certificate is not valid yet (clock skew?)", kind: "failure" },
  { code: "tls.cert-hostname-mismatch", meaning: "the certificate does not cover the name", kind: "failure" },
  {
    code: "tls.cert-untrusted",
    meaning:
      "self-signed (fact `certificate.selfSigned`, said so even with `--ca`) or an unknown CA; use `--ca` for a private CA",
    kind: "failure",
  },
  {
    code: "tls.handshake-failed",
    meaning:
      "no common protocol/cipher, the server's TLS alert (fact `serverAlert`, e.g. `internal error` from a server that cannot use its key), or a server that only speaks TLS 1.0/1.1 (fact `legacyTls`)",
    kind: "failure",
  },
  { code: "tls.timeout", meaning: "the handshake or STARTTLS got no answer", kind: "failure" },
  {
    code: "tls.connection-dropped",
    meaning: "the server closed, garbled or answered oddly around STARTTLS",
    kind: "failure",
  },
  {
    code: "tls.protocol-error",
    meaning: "the server closed, garbled or answered oddly around STARTTLS",
    kind: "failure",
  },
  {
    code: "tls.unexpected-reply",
    meaning: "the server closed, garbled or answered oddly around STARTTLS",
    kind: "failure",
  },
  {
    code: "tls.mta-sts-mx-failed",
    meaning: "a sender enforcing the recipient's MTA-STS found no MX host it may use (Exchange Online 4.4.8/5.4.8)",
    kind: "failure",
  },
  {
    code: "tls.mta-sts-cert-invalid",
    meaning: "the recipient MX's certificate failed MTA-STS validation (Exchange Online 4.7.5/5.7.5)",
    kind: "failure",
  },
  { code: "ehlo.rejected", meaning: "EHLO and HELO refused (often the EHLO name)", kind: "failure" },
  { code: "ehlo.connection-dropped", meaning: "the server closed the connection at EHLO", kind: "failure" },
  { code: "ehlo.protocol-error", meaning: "malformed EHLO reply", kind: "failure" },
  { code: "ehlo.timeout", meaning: "no answer to EHLO", kind: "failure" },
  { code: "ehlo.unexpected-reply", meaning: "an EHLO reply no rule explains", kind: "failure" },
  { code: "auth.not-offered", meaning: "no AUTH on this connection", kind: "failure" },
  {
    code: "auth.mechanism-unsupported",
    meaning: "no usable mechanism (e.g. the server wants XOAUTH2 only)",
    kind: "failure",
  },
  { code: "auth.invalid-credentials", meaning: "user name or password wrong (535 5.7.8 and kin)", kind: "failure" },
  {
    code: "auth.app-password-required",
    meaning: "the account needs an app password (Gmail 534 5.7.9 and kin)",
    kind: "failure",
  },
  {
    code: "auth.web-login-required",
    meaning: "the provider wants a browser sign-in first (Gmail 534 5.7.14)",
    kind: "failure",
  },
  {
    code: "auth.smtp-auth-disabled",
    meaning: "SMTP AUTH is disabled for the account or tenant (Microsoft 365 5.7.139)",
    kind: "failure",
  },
  {
    code: "auth.basic-auth-disabled",
    meaning:
      "the provider takes no password at all: Basic authentication is off (Microsoft 365 550 5.7.30, security defaults 535 5.7.139); use OAuth",
    kind: "failure",
  },
  {
    code: "auth.token-as-password",
    meaning:
      "an OAuth access token (`ya29.…`, a JWT) was about to go to a password mechanism; nothing was sent: use XOAUTH2",
    kind: "failure",
  },
  {
    code: "auth.oauth-token-rejected",
    meaning:
      "the server refused the OAuth token (Gmail's 334 JSON `{status, schemes, scope}` decoded into fact `oauthError`)",
    kind: "failure",
  },
  {
    code: "auth.oauth-token-expired",
    meaning: "the access token is past its expiry",
    kind: "failure",
  },
  {
    code: "auth.oauth-wrong-audience",
    meaning: "the access token is for another resource (e.g. Microsoft Graph), not SMTP",
    kind: "failure",
  },
  {
    code: "auth.oauth-scope-missing",
    meaning: "the token lacks `SMTP.Send` / `https://mail.google.com/`, or an app-only token the `SMTP.SendAsApp` role",
    kind: "failure",
  },
  {
    code: "auth.oauth-login-required",
    meaning: "an OAuth profile has no refresh token (never logged in), or a login was declined or expired",
    kind: "failure",
  },
  {
    code: "auth.oauth-invalid-grant",
    meaning: 'the refresh token was refused (revoked, expired; Google apps in "Testing": after 7 days)',
    kind: "failure",
  },
  {
    code: "auth.oauth-client-rejected",
    meaning: "the identity platform refused the app (client id, secret, certificate, public client flows off)",
    kind: "failure",
  },
  {
    code: "auth.oauth-consent-required",
    meaning: "consent or an interactive sign-in (MFA, Conditional Access) is needed first",
    kind: "failure",
  },
  {
    code: "auth.oauth-endpoint-failed",
    meaning: "the identity endpoint could not be reached over verified TLS, or answered something that is not OAuth",
    kind: "failure",
  },
  { code: "auth.account-disabled", meaning: "the account is disabled, locked or suspended", kind: "failure" },
  { code: "auth.rate-limited", meaning: "too many login attempts", kind: "failure" },
  {
    code: "auth.tls-required",
    meaning: "credentials withheld (no verified TLS) or the server demands TLS first",
    kind: "failure",
  },
  { code: "auth.temporary-failure", meaning: "4xx during AUTH", kind: "failure" },
  {
    code: "auth.no-secret",
    meaning: "the secret reference resolved to nothing (the variable is unset or empty)",
    kind: "failure",
  },
  { code: "auth.rejected", meaning: "other AUTH refusals", kind: "failure" },
  { code: "auth.unexpected-reply", meaning: "other AUTH refusals", kind: "failure" },
  { code: "auth.timeout", meaning: "the server stopped answering, closed or garbled during AUTH", kind: "failure" },
  {
    code: "auth.connection-dropped",
    meaning: "the server stopped answering, closed or garbled during AUTH",
    kind: "failure",
  },
  {
    code: "auth.protocol-error",
    meaning: "the server stopped answering, closed or garbled during AUTH",
    kind: "failure",
  },
  {
    code: "envelope.relay-denied",
    meaning: "the server will not relay to that recipient (authenticate first)",
    kind: "failure",
  },
  { code: "envelope.auth-required", meaning: "MAIL FROM needs authentication", kind: "failure" },
  {
    code: "envelope.sender-rejected",
    meaning: "the sender address is refused (not owned, domain unknown)",
    kind: "failure",
  },
  { code: "envelope.recipient-unknown", meaning: "no such recipient", kind: "failure" },
  { code: "envelope.recipient-rejected", meaning: "the recipient is refused for another reason", kind: "failure" },
  {
    code: "envelope.greylisted",
    meaning:
      "greylisting, named as such by the server (postgrey, sqlgrey, milter-greylist, greylistd, Mimecast): retry once in 5\u201315 minutes",
    kind: "failure",
  },
  {
    code: "envelope.rate-limited",
    meaning:
      "sending rate or quota exceeded (Exim ratelimit, postfwd, policyd, rspamd, Exchange, Gmail, SES\u2026): do not retry at once",
    kind: "failure",
  },
  { code: "envelope.size-exceeded", meaning: "the declared size is over the server's limit", kind: "failure" },
  { code: "envelope.mailbox-full", meaning: "the recipient's mailbox is full", kind: "failure" },
  { code: "envelope.policy-rejected", meaning: "refused by policy (blocklist, spam, SPF/DMARC)", kind: "failure" },
  {
    code: "envelope.helo-rejected",
    meaning:
      "the EHLO name was refused at MAIL/RCPT (Postfix `smtpd_helo_restrictions` with `smtpd_delay_reject`; from the postfix-relay plugin)",
    kind: "failure",
  },
  {
    code: "envelope.identity-not-verified",
    meaning:
      "the provider has not verified the sender (or, in a sandbox, the recipient) identity (SES; from provider plugins)",
    kind: "failure",
  },
  {
    code: "envelope.permission-denied",
    meaning: "the account may not send (SES: the IAM user lacks `ses:SendRawEmail`)",
    kind: "failure",
  },
  {
    code: "envelope.tenant-restricted",
    meaning:
      "the whole Microsoft 365 tenant is blocked from sending (5.7.705 over threshold, 5.7.708 low-reputation IP)",
    kind: "failure",
  },
  {
    code: "envelope.unregistered-domain",
    meaning: "Microsoft 365 refuses mail from domains not registered in the tenant (5.7.750)",
    kind: "failure",
  },
  { code: "envelope.message-rejected", meaning: "the message was refused as a whole", kind: "failure" },
  { code: "envelope.tls-required", meaning: "the server wants TLS before the transaction", kind: "failure" },
  {
    code: "envelope.smtputf8-required",
    meaning:
      "an address has a non-ASCII local part and the server does not offer SMTPUTF8 (nothing was sent; when it does, `MAIL FROM \u2026 SMTPUTF8` is used)",
    kind: "failure",
  },
  {
    code: "envelope.temporary-failure",
    meaning: 'other 4xx at MAIL/RCPT, including a bare "try again later" (no evidence of greylisting)',
    kind: "failure",
  },
  { code: "envelope.unexpected-reply", meaning: "an envelope reply no rule explains", kind: "failure" },
  {
    code: "envelope.timeout",
    meaning: "the server stopped answering, closed or garbled at MAIL/RCPT",
    kind: "failure",
  },
  {
    code: "envelope.connection-dropped",
    meaning: "the server stopped answering, closed or garbled at MAIL/RCPT",
    kind: "failure",
  },
  {
    code: "envelope.protocol-error",
    meaning: "the server stopped answering, closed or garbled at MAIL/RCPT",
    kind: "failure",
  },
  {
    code: "greeting.unknown",
    meaning:
      "`--backend swaks` only: swaks could not observe this layer (it does not print the lines, or cannot do what smtpilot would); not guessed",
    kind: "failure",
  },
  {
    code: "tls.unknown",
    meaning:
      "`--backend swaks` only: swaks could not observe this layer (it does not print the lines, or cannot do what smtpilot would); not guessed",
    kind: "failure",
  },
  {
    code: "ehlo.unknown",
    meaning:
      "`--backend swaks` only: swaks could not observe this layer (it does not print the lines, or cannot do what smtpilot would); not guessed",
    kind: "failure",
  },
  {
    code: "auth.unknown",
    meaning:
      "`--backend swaks` only: swaks could not observe this layer (it does not print the lines, or cannot do what smtpilot would); not guessed",
    kind: "failure",
  },
  {
    code: "envelope.unknown",
    meaning:
      "`--backend swaks` only: swaks could not observe this layer (it does not print the lines, or cannot do what smtpilot would); not guessed",
    kind: "failure",
  },
  { code: "greeting.slow", meaning: "the banner took more than 2 s", kind: "warning" },
  { code: "tls.cert-expiring-soon", meaning: "the certificate expires in less than 14 days", kind: "warning" },
  { code: "ehlo.auth-offered-in-clear", meaning: "AUTH is offered before encryption", kind: "warning" },
  { code: "ehlo.helo-fallback", meaning: "EHLO was refused and HELO used: no extensions", kind: "warning" },
  {
    code: "envelope.size-unknown",
    meaning: "`--backend swaks` only: swaks sends no `SIZE=`, so a size refusal at MAIL FROM cannot be seen",
    kind: "warning",
  },
];
