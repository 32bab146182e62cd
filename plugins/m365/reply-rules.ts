/**
 * What Exchange Online's replies mean. Microsoft puts the detail in the
 * text after the enhanced code ("535 5.7.139 Authentication unsuccessful,
 * SmtpClientAuthentication is disabled for the Tenant"), so the specific
 * wordings come before the code-only fallbacks.
 */
import type { ProviderReplyRule } from "../../core/provider.ts";

const _SMTP_AUTH_NEXT =
  "An Exchange admin enables SMTP AUTH for the mailbox (Set-CASMailbox -Identity USER -SmtpClientAuthenticationDisabled $false) and, if it is off tenant-wide, with Set-TransportConfig -SmtpClientAuthenticationDisabled $false. OAuth does not bypass this switch: an OAuth profile needs it on too.";

const _OAUTH_NEXT =
  "Switch the profile to OAuth: smtpilot profile add NAME --provider m365 --oauth device --client-id APP-ID --tenant TENANT --replace, then smtpilot auth login NAME (app-only: --oauth client-credentials with SMTP.SendAsApp).";

/** Microsoft 365's reply knowledge, most specific first. */
export const M365_REPLY_RULES: readonly ProviderReplyRule[] = [
  {
    id: "m365.credentials-incorrect",
    stages: ["auth"],
    text: /user credentials were incorrect/i,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "Microsoft 365 says the credentials are wrong",
      cause: "The sign-in name or password was not accepted (535 5.7.139 … the user credentials were incorrect).",
      next:
        "Check the user is the mailbox's sign-in name and the secret its current password (or an app password when MFA is on); then check once more.",
    },
  },
  {
    id: "m365.basic-auth-retired",
    stages: ["auth"],
    text: /basic authentication is not supported for client submission|basic auth(?:entication)? is disabled/i,
    diagnosis: {
      code: "auth.basic-auth-disabled",
      title: "Exchange Online no longer takes a password for SMTP AUTH",
      cause:
        "Basic authentication for SMTP AUTH is off for this tenant (550 5.7.30): off by default for existing tenants from the end of December 2026 (Exchange Team blog, updated 2026-01-27), never on for newer ones. Enabling SMTP AUTH for the mailbox does not bring passwords back.",
      next: _OAUTH_NEXT,
    },
  },
  {
    id: "m365.security-defaults",
    stages: ["auth"],
    text: /security defaults/i,
    diagnosis: {
      code: "auth.basic-auth-disabled",
      title: "The tenant's security defaults block password logins",
      cause:
        "535 5.7.139 … security defaults policy: Entra ID security defaults block every legacy (Basic) sign-in, SMTP AUTH with a password included. The account is not locked and the password may be right.",
      next: `${_OAUTH_NEXT} Security defaults can only be turned off tenant-wide, which weakens every account.`,
    },
  },
  {
    id: "m365.smtp-auth-disabled",
    stages: ["auth"],
    text: /SmtpClientAuthentication is disabled|smtp_auth_disabled/i,
    diagnosis: {
      code: "auth.smtp-auth-disabled",
      title: "SMTP AUTH is disabled for this mailbox or tenant",
      cause:
        "Exchange Online refuses SMTP client authentication for this mailbox or the whole tenant (535 5.7.139), whatever the credential — a password or an OAuth token.",
      next: _SMTP_AUTH_NEXT,
    },
  },
  {
    id: "m365.conditional-access",
    stages: ["auth"],
    enhanced: /^5\.7\.139$/,
    text: /did not meet the criteria|conditional access/i,
    diagnosis: {
      code: "auth.smtp-auth-disabled",
      title: "A Conditional Access policy or SMTP AUTH setting blocks this sign-in",
      cause:
        "535 5.7.139 … the request did not meet the criteria to be authenticated successfully: SMTP AUTH is off for the mailbox, or a Conditional Access policy refuses this sign-in.",
      next: `${_SMTP_AUTH_NEXT} The Entra ID sign-in logs name the policy.`,
    },
  },
  {
    id: "m365.account-locked",
    stages: ["auth"],
    text: /account (?:is )?locked|user is locked(?! by your organization's security defaults)/i,
    diagnosis: {
      code: "auth.account-disabled",
      title: "Microsoft 365 has locked the account",
      cause: "Too many failed sign-ins locked the account (smart lockout), or an admin blocked sign-in.",
      next:
        "Stop the client, sign in at https://outlook.office.com to unlock, or ask the admin to review the sign-in logs in Entra ID.",
    },
  },
  {
    id: "m365.auth-unsuccessful",
    stages: ["auth"],
    enhanced: /^5\.7\.(?:3|139)$/,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "Microsoft 365 refused the sign-in",
      cause:
        "535 5.7.3/5.7.139 Authentication unsuccessful: a wrong password, MFA on the account without an app password, an expired XOAUTH2 token or one without the SMTP.Send scope.",
      next:
        "Check the password (or token and its scope https://outlook.office365.com/SMTP.Send) behind the secret reference; the admin can see the exact reason in the Entra ID sign-in logs.",
    },
  },
  {
    id: "m365.send-as-denied",
    stages: ["mail", "rcpt", "data"],
    text: /SendAsDenied|permissions? to send as this sender|not allowed to send as/i,
    diagnosis: {
      code: "envelope.sender-rejected",
      title: "The mailbox may not send as this From",
      cause: "Exchange Online allows only the mailbox's own address or one it has SendAs rights on (5.7.60 / 5.2.252).",
      next:
        "Send as the authenticated mailbox, or have an admin grant SendAs: Add-RecipientPermission -Identity FROM -Trustee USER -AccessRights SendAs.",
    },
  },
  {
    id: "m365.not-authenticated",
    stages: ["mail", "rcpt"],
    enhanced: /^5\.7\.57$/,
    diagnosis: {
      code: "envelope.auth-required",
      title: "Microsoft 365 needs a login before MAIL FROM",
      cause: "smtp.office365.com does not accept anonymous mail (530 5.7.57 Client not authenticated).",
      next:
        "Give the profile a user and secret reference; for anonymous relay use the tenant's MX endpoint with a connector instead.",
    },
  },
  {
    id: "m365.restricted-sender",
    stages: ["mail", "rcpt", "data"],
    text: /OutboundSpamException|bad outbound sender|restricted from sending/i,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Microsoft blocked this mailbox from sending",
      cause:
        "Exchange Online Protection flagged outbound spam from the mailbox and put it on the restricted entities list.",
      next:
        "An admin releases it in the Microsoft Defender portal (Email & collaboration → Review → Restricted entities) after finding why it sent spam.",
    },
  },
  {
    id: "m365.tenant-over-threshold",
    stages: ["mail", "rcpt", "data"],
    enhanced: /^5\.7\.70[58]$/,
    diagnosis: {
      code: "envelope.tenant-restricted",
      title: "Microsoft blocked the whole tenant from sending",
      cause:
        "550 5.7.705 (tenant has exceeded threshold): too much spam or bulk mail left the tenant, usually from a compromised account, so Microsoft stopped all outbound mail; 5.7.708: the tenant sends from Microsoft's low-reputation IP pool and this destination refuses it. It is not an IP block list entry, and sender.office.com does not lift it.",
      next:
        "Find and secure the account that sent the spam (Defender: Restricted entities, message trace), then open a Microsoft support request to lift the tenant block.",
    },
  },
  {
    id: "m365.unregistered-domain",
    stages: ["mail", "rcpt", "data"],
    enhanced: /^5\.7\.750$/,
    diagnosis: {
      code: "envelope.unregistered-domain",
      title: "Microsoft refuses mail from domains the tenant has not registered",
      cause:
        "550 5.7.750 (client blocked from sending from unregistered domains): the tenant sent a lot of mail from domains that are not its accepted domains, so Microsoft blocks that mail.",
      next:
        "Add and verify every sending domain as an accepted domain of the tenant (Microsoft 365 admin center → Domains), send only from those, then ask Microsoft support to lift the block.",
    },
  },
  {
    id: "m365.throttled",
    stages: ["mail", "rcpt", "data"],
    text: /Server busy|SubmissionQuotaExceeded|sender thread limit exceeded|RecipientRateLimit|message rate limit/i,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "Exchange Online is throttling this mailbox",
      cause:
        "More than Exchange Online allows: 30 messages a minute, 10,000 recipients a day, 500 recipients per message (451 4.7.500 Server busy, 554 5.2.0 SubmissionQuotaExceededException, 432 4.3.2 thread limit).",
      next:
        "Slow down (the send workflow paces by the profile's rate); for volume use High Volume Email (internal) or a sending service.",
    },
  },
];
