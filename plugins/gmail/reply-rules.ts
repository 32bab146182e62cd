/**
 * What Gmail's replies mean, worded as Gmail words them (smtp.gmail.com for
 * submission, the Gmail MX for what a recipient's side says). Each names
 * the cause and the one next move a Gmail user can make.
 */
import type { ProviderReplyRule } from "../../core/provider.ts";

/** Gmail's reply knowledge, most specific first. */
export const GMAIL_REPLY_RULES: readonly ProviderReplyRule[] = [
  {
    id: "gmail.app-password-required",
    stages: ["auth"],
    enhanced: /^5\.7\.9$/,
    text: /application-specific password|InvalidSecondFactor/i,
    diagnosis: {
      code: "auth.app-password-required",
      title: "Gmail wants an app password or OAuth",
      cause:
        "Gmail refuses the account password over SMTP (534 5.7.9) — for every account since password sign-in ended (Workspace: 2025-03-14).",
      next:
        "Best: an OAuth profile (smtpilot profile add NAME --provider gmail --oauth auth-code …, then smtpilot auth login NAME). Or an app password from https://myaccount.google.com/apppasswords — unavailable with Advanced Protection, security-key-only 2-Step Verification, or when a Workspace admin disabled them.",
    },
  },
  {
    id: "gmail.bad-credentials",
    stages: ["auth"],
    code: /^535$/,
    text: /Username and Password not accepted|BadCredentials/i,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "Gmail did not accept the user name and password",
      cause:
        "Gmail answered 535 5.7.8: the user must be the full address and the secret an app password (16 letters, spaces optional) — the account password is never accepted over SMTP, for any account — and a revoked app password fails the same way.",
      next:
        "Check --user is the full address; use OAuth (smtpilot auth login NAME for a gmail OAuth profile) or a new app password from https://myaccount.google.com/apppasswords behind the secret reference; then run the check once more.",
    },
  },
  {
    id: "gmail.web-login-required",
    stages: ["auth"],
    text: /log ?in via your web browser|WebLoginRequired|signin\/continue/i,
    diagnosis: {
      code: "auth.web-login-required",
      title: "Gmail blocked the sign-in until it is confirmed in a browser",
      cause: "Gmail saw this sign-in as unusual (534 5.7.14) and wants the account owner to confirm it.",
      next:
        "Sign in to Gmail in a browser from the same network, confirm the security alert at https://myaccount.google.com/notifications, then run the check once more.",
    },
  },
  {
    id: "gmail.too-many-logins",
    stages: ["auth"],
    text: /too many login attempts/i,
    diagnosis: {
      code: "auth.rate-limited",
      title: "Gmail is throttling logins",
      cause: "Too many failed or rapid logins from this address; Gmail refuses more for a while (454 4.7.0).",
      next: "Stop all clients using this account for 10–15 minutes, fix the credentials first, then try once.",
    },
  },
  {
    id: "gmail.auth-required",
    stages: ["mail", "rcpt"],
    code: /^530$/,
    text: /Authentication Required|WantAuthError/i,
    diagnosis: {
      code: "envelope.auth-required",
      title: "Gmail needs a login before MAIL FROM",
      cause: "smtp.gmail.com accepts mail only from an authenticated account (530 5.7.0).",
      next: "Give the profile a user and a secret reference (an app password) and run the check again.",
    },
  },
  {
    id: "gmail.daily-limit",
    stages: ["mail", "rcpt", "data"],
    enhanced: /^5\.4\.5$/,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "Gmail's daily sending limit is reached",
      cause:
        "The account sent more than Gmail allows in 24 hours (550 5.4.5): about 500 recipients for a personal account; Workspace: 2,000 messages a day per user, at most 100 recipients per message over SMTP.",
      next:
        "Wait until the rolling 24-hour window frees up (no retries meanwhile); for volume, use a sending service (SES, a Workspace relay) instead of a mailbox.",
    },
  },
  {
    id: "gmail.unsolicited-rate",
    stages: ["mail", "rcpt", "data"],
    enhanced: /^4\.7\.(?:28|0)$/,
    text: /unusual rate|unsolicited mail|try again later/i,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "Gmail is rate-limiting this sender",
      cause:
        "Gmail saw an unusual rate of unsolicited mail from this IP or DKIM domain (421 4.7.28 / 4.7.0) and defers it.",
      next:
        "Slow down and retry later (hours, not minutes); check SPF, DKIM and DMARC with smtpilot's domain audit and the spam rate in Google Postmaster Tools.",
    },
  },
  {
    id: "gmail.busy",
    stages: ["greeting"],
    code: /^421$/,
    enhanced: /^4\.7\.0$/,
    diagnosis: {
      code: "greeting.busy",
      title: "Gmail refuses new connections for now",
      cause: "Gmail closed the connection with 421 4.7.0 (too many connections or suspicious traffic from this IP).",
      next: "Wait and retry later with fewer parallel connections; check the sending IP's reputation.",
    },
  },
  {
    id: "gmail.unauthenticated",
    stages: ["mail", "rcpt", "data"],
    enhanced: /^5\.7\.26$/,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Gmail blocked unauthenticated mail",
      cause:
        "The message failed SPF and DKIM, or the domain's DMARC policy (550 5.7.26); Gmail's sender rules require authentication.",
      next:
        "Publish SPF for the sending service, sign with DKIM for the From domain, add a DMARC record, and make the From domain align; then send a canary again.",
    },
  },
  {
    id: "gmail.size",
    stages: ["mail", "rcpt", "data"],
    enhanced: /^5\.2\.3$/,
    diagnosis: {
      code: "envelope.size-exceeded",
      title: "The message is larger than Gmail accepts",
      cause: "Gmail refuses messages over 25 MB including encoding overhead (552 5.2.3).",
      next: "Shrink attachments (base64 adds a third) or share large files by link.",
    },
  },
];
