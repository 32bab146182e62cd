/**
 * Reply knowledge for AUTH. Providers answer most failures with 535 whatever
 * the cause, so the text decides first: app passwords, web sign-in, SMTP AUTH
 * switched off by a tenant, locked accounts and throttling are told apart
 * before the code-based fallbacks (535 = credentials, 4xx = temporary).
 *
 * Patterns run on untrusted text: bounded gaps, no nested quantifiers.
 */

import type { ReplyRule, ReplyStage } from "./reply-rule.ts";

const _AUTH: readonly ReplyStage[] = ["auth"];

const _TLS_REQUIRED_WORDING =
  /must issue a starttls|starttls (?:command )?(?:first|required)|encryption required|tls required|must use (?:tls|ssl|starttls|encryption)|requires? (?:tls|ssl|starttls|encryption|a secure|an encrypted)/i;

const _MECHANISM_WORDING =
  /unrecognized authentication type|(?:unsupported|invalid|unknown|unrecognized|unavailable) (?:sasl |authentication |auth )?mechanism|mechanism (?:\S{1,40} )?(?:is )?not (?:available|supported|allowed|enabled|permitted)|mechanism (?:is )?too weak/i;

const _ACCOUNT_DISABLED_WORDING =
  /\b(?:account|user|mailbox|login)\b[^.;]{0,40}?\b(?:disabled|locked|suspended|deactivated|inactive)\b|\b(?:disabled|locked|suspended|deactivated) (?:account|user|mailbox)\b|account (?:is )?not (?:active|enabled)/i;

const _BAD_CREDENTIALS_WORDING =
  /authentication (?:failed|unsuccessful|failure|credentials invalid)|username and password not accepted|incorrect (?:authentication data|username|password|credentials)|invalid (?:credentials|username|password|login|user)|bad (?:username|password|credentials)|(?:username|password|credentials) (?:is |are |were )?(?:incorrect|invalid|wrong)|UGFzc3dvcmQ6|login failed/i;

const _SMTP_AUTH_OFF_WORDING =
  /smtpclientauthentication|basic auth(?:entication)? is (?:disabled|not supported|not allowed)|smtp auth(?:entication)? (?:is )?(?:disabled|not enabled)|security defaults|legacy auth(?:entication)? (?:is )?(?:disabled|blocked)/i;

/**
 * Rules for replies during the AUTH exchange, most specific first, ending in
 * the 4xx (temporary) and 5xx (535 = credentials, other = rejected) fallbacks.
 */
export const authReplyRules = (): readonly ReplyRule[] => [
  {
    id: "core.auth-app-password",
    stages: _AUTH,
    text: /application[- ]specific password|app[- ]specific password|\bapp passwords?\b|InvalidSecondFactor/i,
    diagnosis: {
      code: "auth.app-password-required",
      title: "App password required",
      cause:
        "The account uses two-step verification, so the provider refuses the normal account password over SMTP and expects an app password.",
      next: "Create an app password in the account's security settings and use it as the secret (--secret env:NAME).",
    },
  },
  {
    id: "core.auth-web-login",
    stages: _AUTH,
    text:
      /log ?in via your web browser|log ?in with your web browser|web ?login required|WebLoginRequired|ContinueSignIn|signin\/continue/i,
    diagnosis: {
      code: "auth.web-login-required",
      title: "Web sign-in required",
      cause:
        "The provider blocked this sign-in as unusual and wants the account owner to confirm it in a web browser before SMTP logins work again.",
      next:
        "Sign in to the account's webmail from a browser, approve the blocked sign-in or complete the unlock page, then rerun the auth probe.",
    },
  },
  {
    id: "core.auth-password-expired",
    stages: _AUTH,
    text: /password transition|password (?:has )?expired|change (?:your|the) password|password change required/i,
    diagnosis: {
      code: "auth.web-login-required",
      title: "Password must be changed",
      cause: "The account's password has expired or must be changed before the provider accepts it over SMTP.",
      next: "Sign in to the account interactively, set a new password, and put the new one behind --secret env:NAME.",
    },
  },
  {
    id: "core.auth-basic-auth-retired",
    stages: _AUTH,
    text:
      /basic authentication is not supported for client submission|basic auth(?:entication)? is disabled|\b5\.7\.30\b/i,
    diagnosis: {
      code: "auth.basic-auth-disabled",
      title: "Basic authentication is off: this server wants OAuth",
      cause: "Exchange Online no longer accepts a password for SMTP AUTH here (550 5.7.30, or 535 5.7.139 … basic " +
        "authentication is disabled by an authentication policy): Basic authentication " +
        "is off by default for existing tenants from the end of December 2026 and never on for new ones. Enabling " +
        "SMTP AUTH for the mailbox does not bring passwords back.",
      next:
        "Switch the profile to OAuth: smtpilot profile add NAME --provider m365 --oauth device --client-id APP-ID " +
        "--tenant TENANT, then smtpilot auth login NAME (or app-only with --oauth client-credentials).",
    },
  },
  {
    id: "core.auth-security-defaults",
    stages: _AUTH,
    text: /security defaults/i,
    diagnosis: {
      code: "auth.basic-auth-disabled",
      title: "The tenant's security defaults block password logins",
      cause:
        "Microsoft Entra security defaults block legacy (Basic) authentication, SMTP AUTH with a password included " +
        "(535 5.7.139 … security defaults policy). The account is not locked, and its password may be right.",
      next:
        "Use OAuth, which security defaults allow (smtpilot auth login NAME for an OAuth profile); turning security " +
        "defaults off for one mailbox is not possible — only tenant-wide, which weakens every account.",
    },
  },
  {
    id: "core.auth-smtp-auth-disabled",
    stages: _AUTH,
    text: _SMTP_AUTH_OFF_WORDING,
    diagnosis: {
      code: "auth.smtp-auth-disabled",
      title: "SMTP AUTH disabled",
      cause:
        "The provider has SMTP AUTH (basic authentication) turned off for this tenant or mailbox, so no password will be accepted.",
      next:
        "Enable Authenticated SMTP for the mailbox and the tenant (Microsoft 365 admin center, the user's Mail settings) or authenticate with OAuth via --auth-mech XOAUTH2.",
    },
  },
  {
    id: "core.auth-m365-policy",
    stages: _AUTH,
    enhanced: /^5\.7\.139$/,
    text: /did not meet the criteria|conditional access|disabled for the (?:tenant|mailbox|user)/i,
    diagnosis: {
      code: "auth.smtp-auth-disabled",
      title: "SMTP AUTH blocked by tenant policy",
      cause:
        "A Microsoft 365 sign-in policy (security defaults or conditional access) blocks basic SMTP authentication for this account.",
      next:
        "Have the tenant admin exempt this mailbox from the policy and enable Authenticated SMTP, or authenticate with OAuth via --auth-mech XOAUTH2.",
    },
  },
  {
    id: "core.auth-m365-bad-credentials",
    stages: _AUTH,
    enhanced: /^5\.7\.139$/,
    text: /credentials were incorrect|incorrect|invalid/i,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "Invalid credentials",
      cause: "Microsoft 365 rejected the username or password.",
      next:
        "Check --user (the full mailbox address) and the secret behind --secret env:NAME; an MFA-enabled account needs an app password or OAuth.",
    },
  },
  {
    id: "core.auth-account-disabled",
    stages: _AUTH,
    text: _ACCOUNT_DISABLED_WORDING,
    diagnosis: {
      code: "auth.account-disabled",
      title: "Account disabled or locked",
      cause: "The credentials belong to an account the provider has disabled, locked or suspended.",
      next:
        "Have the account unlocked or re-enabled by its administrator (or through the provider's recovery page), then rerun the auth probe.",
    },
  },
  {
    id: "core.auth-m365-other",
    stages: _AUTH,
    enhanced: /^5\.7\.139$/,
    diagnosis: {
      code: "auth.smtp-auth-disabled",
      title: "SMTP AUTH refused by tenant",
      cause: "Microsoft 365 refused basic SMTP authentication for this account by tenant or mailbox policy.",
      next:
        "Enable Authenticated SMTP for the mailbox and the tenant, or authenticate with OAuth via --auth-mech XOAUTH2; the reply's aka.ms link names the exact setting.",
    },
  },
  {
    id: "core.auth-yahoo-auth005",
    stages: _AUTH,
    text: /#AUTH005/,
    diagnosis: {
      code: "auth.rate-limited",
      title: "Too many bad login attempts",
      cause:
        "Yahoo refuses the login as one of too many bad attempts, which it also answers when the account password is used instead of an app password.",
      next:
        "Create an app password in the Yahoo account security settings, use it as the secret, and wait 15 minutes before the next auth probe.",
    },
  },
  {
    id: "core.auth-rate-limited",
    stages: _AUTH,
    text:
      /too many[^.;]{0,30}?(?:attempts|failures|logins|connections|requests|auth)|rate[- ]limit|login (?:attempts|rate) exceeded|maximum credits exceeded|throttl/i,
    diagnosis: {
      code: "auth.rate-limited",
      title: "Too many login attempts",
      cause:
        "The server is refusing logins because too many were attempted from this client or for this account recently.",
      next: "Stop retrying for 15 to 60 minutes, then run the auth probe once with the correct --secret.",
    },
  },
  {
    // Dovecot-backed Postfix reports a dead auth backend with 535, which
    // would otherwise read as a wrong password.
    id: "core.auth-backend-down",
    stages: _AUTH,
    text:
      /connection lost to authentication server|authentication (?:server|service|backend) (?:is )?(?:unavailable|not responding|down)|temporary (?:system )?problem/i,
    diagnosis: {
      code: "auth.temporary-failure",
      title: "Authentication backend unavailable",
      cause:
        "The server's authentication backend did not answer: it is down, or (Dovecot) it is holding back logins from this IP after repeated failed attempts.",
      next:
        "Stop retrying for a few minutes, then run the auth probe once with the correct --secret; if it persists, tell the server's administrator that its SASL/auth service is down.",
    },
  },
  {
    id: "core.auth-tls-required",
    stages: _AUTH,
    text: _TLS_REQUIRED_WORDING,
    diagnosis: {
      code: "auth.tls-required",
      title: "TLS required before AUTH",
      cause: "The server only accepts AUTH over an encrypted connection and this session was not encrypted.",
      next: "Turn TLS on before authenticating: --tls starttls on port 587 or --tls implicit on port 465.",
    },
  },
  {
    id: "core.auth-encryption-required",
    stages: _AUTH,
    code: /^538$/,
    diagnosis: {
      code: "auth.tls-required",
      title: "TLS required before AUTH",
      cause: "The server requires an encrypted connection for the chosen authentication mechanism.",
      next: "Turn TLS on before authenticating: --tls starttls on port 587 or --tls implicit on port 465.",
    },
  },
  {
    id: "core.auth-not-offered",
    stages: _AUTH,
    code: /^503$/,
    text: /not (?:enabled|advertised|available|supported|allowed|permitted)|when not advertised/i,
    diagnosis: {
      code: "auth.not-offered",
      title: "AUTH not offered",
      cause:
        "The server does not offer AUTH on this connection; many only do after STARTTLS or on the submission port.",
      next:
        "Use the submission port with TLS (--tls starttls --port 587 or --tls implicit --port 465); port 25 usually takes no AUTH.",
    },
  },
  {
    id: "core.auth-mechanism-wording",
    stages: _AUTH,
    text: _MECHANISM_WORDING,
    diagnosis: {
      code: "auth.mechanism-unsupported",
      title: "Authentication mechanism not supported",
      cause:
        "The server does not accept the SASL mechanism the client used; Exchange also answers this way when AUTH comes before STARTTLS.",
      next:
        "Choose a mechanism listed on the server's EHLO AUTH line with --auth-mech (usually PLAIN or LOGIN) and connect over TLS (--tls starttls or --tls implicit).",
    },
  },
  {
    id: "core.auth-mechanism-504",
    stages: _AUTH,
    code: /^504$/,
    diagnosis: {
      code: "auth.mechanism-unsupported",
      title: "Authentication mechanism not supported",
      cause: "The server rejected the SASL mechanism or its parameters.",
      next:
        "Choose a mechanism listed on the server's EHLO AUTH line with --auth-mech and connect over TLS (--tls starttls or --tls implicit).",
    },
  },
  {
    id: "core.auth-mechanism-too-weak",
    stages: _AUTH,
    code: /^534$/,
    enhanced: /^5\.7\.9$/,
    diagnosis: {
      code: "auth.mechanism-unsupported",
      title: "Authentication mechanism too weak",
      cause:
        "The server considers the chosen authentication mechanism too weak for this connection (RFC 4954 534 5.7.9).",
      next:
        "Turn TLS on (--tls starttls or --tls implicit) or pick a stronger mechanism from the EHLO AUTH line with --auth-mech.",
    },
  },
  {
    // RFC 4954's own "535 5.7.8 Authentication credentials invalid" carries
    // an enhanced code; SES sends the same words without one.
    id: "core.auth-ses-credentials",
    stages: _AUTH,
    enhanced: /^$/,
    text: /authentication credentials invalid/i,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "Invalid credentials",
      cause: "The server rejected the SMTP username or password; Amazon SES words it this way.",
      next:
        "For SES use the SMTP credentials generated for this region (not the IAM access key and secret) as --user and --secret env:NAME.",
    },
  },
  {
    id: "core.auth-temporary",
    stages: _AUTH,
    code: /^4/,
    diagnosis: {
      code: "auth.temporary-failure",
      title: "Authentication temporarily failed",
      cause:
        "The server could not check the credentials right now because its authentication backend failed or timed out.",
      next:
        "Retry in a few minutes; if it persists, the provider's authentication service is degraded (check its status page).",
    },
  },
  {
    id: "core.auth-bad-credentials-wording",
    stages: _AUTH,
    code: /^5/,
    text: _BAD_CREDENTIALS_WORDING,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "Invalid credentials",
      cause: "The server rejected the username or secret.",
      next:
        "Check --user (usually the full email address) and the secret behind --secret env:NAME; recreate the password or API key if unsure.",
    },
  },
  {
    id: "core.auth-535",
    stages: _AUTH,
    code: /^535$/,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "Invalid credentials",
      cause: "The server answered 535, which means it did not accept the credentials.",
      next:
        "Check --user (usually the full email address) and the secret behind --secret env:NAME; recreate the password or API key if unsure.",
    },
  },
  {
    id: "core.auth-rejected",
    stages: _AUTH,
    code: /^5/,
    diagnosis: {
      code: "auth.rejected",
      title: "Authentication rejected",
      cause: "The server refused the authentication exchange for a reason outside the usual credential errors.",
      next: "Read the reply text in the transcript; check --auth-mech against the EHLO AUTH line, and --user/--secret.",
    },
  },
];
