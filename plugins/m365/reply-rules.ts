/**
 * What Exchange Online's replies mean. Microsoft puts the detail in the
 * text after the enhanced code ("535 5.7.139 Authentication unsuccessful,
 * SmtpClientAuthentication is disabled for the Tenant"), so the specific
 * wordings come before the code-only fallbacks.
 */
import type { ProviderReplyRule } from "../../core/provider.ts";

const _BASIC_AUTH_NEXT =
  "An Exchange admin enables SMTP AUTH for the mailbox (Set-CASMailbox -Identity USER -SmtpClientAuthenticationDisabled $false) and, if off tenant-wide, with Set-TransportConfig -SmtpClientAuthenticationDisabled $false; better, switch the profile to --auth-mech XOAUTH2 with a token from a secret reference (cmd:YOUR-TOKEN-HELPER), since Microsoft is retiring Basic authentication for SMTP AUTH.";

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
    id: "m365.account-locked",
    stages: ["auth"],
    text: /account (?:is )?locked|locked by your organization/i,
    diagnosis: {
      code: "auth.account-disabled",
      title: "Microsoft 365 has locked the account",
      cause: "Too many failed sign-ins, or the organisation's security defaults lock this sign-in.",
      next:
        "Stop the client, sign in at https://outlook.office.com to unlock, or ask the admin to review the sign-in logs in Entra ID.",
    },
  },
  {
    id: "m365.smtp-auth-disabled",
    stages: ["auth"],
    text: /SmtpClientAuthentication is disabled|basic authentication is disabled|smtp_auth_disabled/i,
    diagnosis: {
      code: "auth.smtp-auth-disabled",
      title: "SMTP AUTH is disabled for this mailbox or tenant",
      cause: "Exchange Online refuses SMTP client authentication for this mailbox or the whole tenant (535 5.7.139).",
      next: _BASIC_AUTH_NEXT,
    },
  },
  {
    id: "m365.security-defaults",
    stages: ["auth"],
    enhanced: /^5\.7\.139$/,
    text: /did not meet the criteria|security defaults|conditional access/i,
    diagnosis: {
      code: "auth.smtp-auth-disabled",
      title: "Security defaults or Conditional Access block this sign-in",
      cause:
        "The tenant's security defaults or a Conditional Access policy refuses Basic authentication (535 5.7.139 … did not meet the criteria).",
      next: _BASIC_AUTH_NEXT,
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
    id: "m365.ip-blocked",
    stages: ["mail", "rcpt", "data"],
    enhanced: /^5\.7\.(?:708|705|750)$/,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Microsoft refuses traffic from this IP or tenant",
      cause:
        "The sending IP is on Microsoft's block list, or the tenant exceeded its outbound thresholds (5.7.708/5.7.705/5.7.750).",
      next:
        "Send from another network or through the tenant's own connector; delist the IP at https://sender.office.com.",
    },
  },
];
