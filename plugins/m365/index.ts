/**
 * Microsoft 365 / Exchange Online: smtp.office365.com on 587 (STARTTLS),
 * SMTP AUTH that a tenant or mailbox can switch off, security defaults,
 * Basic authentication's retirement and XOAUTH2 with a token from a secret
 * reference, SendAs rights — consulted first for an m365 profile or the
 * host smtp.office365.com.
 */
import { definePlugin } from "../../core/plugin.ts";
import { M365_REPLY_RULES } from "./reply-rules.ts";

/** The m365 provider plugin. */
export default definePlugin({
  name: "m365",
  version: "1.0.0",
  setup(api) {
    api.addProvider({
      name: "m365",
      title: "Microsoft 365 / Exchange Online",
      endpoints: [{ host: "smtp.office365.com", port: 587, tls: "starttls" }],
      user: { hint: "the mailbox's sign-in name (user@tenant-domain)", isEmail: true },
      secretHint:
        "an OAuth access token with --auth-mech XOAUTH2 (e.g. cmd:YOUR-TOKEN-HELPER), or the password while Basic authentication still works for SMTP AUTH",
      identityPolicy: {
        rule: "send-as-permission",
        summary: "From must be the mailbox itself or one it has SendAs (or Send on Behalf) rights on",
      },
      rateLimit: {
        perMinute: 30,
        perDay: 10_000,
        summary: "30 messages a minute and 10,000 recipients a day per mailbox",
      },
      hosts: [/^smtp\.office365\.com$/],
      detect: {
        mx: [/\.mail\.protection\.outlook\.com$/, /\.mx\.microsoft$/],
        srv: [/^smtp\.office365\.com$/],
      },
      replyRules: M365_REPLY_RULES,
      facts: [
        "smtp.office365.com 587 STARTTLS; the user is the mailbox's sign-in name",
        "SMTP AUTH is off by default in newer tenants and under security defaults: an admin enables it per mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false)",
        "Microsoft is retiring Basic authentication for SMTP AUTH: plan for XOAUTH2 with an access token (scope https://outlook.office365.com/SMTP.Send)",
        "From must be the mailbox or one it may SendAs",
      ],
    });
  },
});
