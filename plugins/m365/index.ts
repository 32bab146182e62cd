/**
 * Microsoft 365 / Exchange Online: SMTP AUTH client submission on
 * smtp.office365.com:587 (and smtp-legacy.office365.com for clients that
 * cannot do TLS 1.2), High Volume Email (smtp-hve.office365.com, internal
 * recipients), direct send and connector relay on the tenant's MX host port
 * 25; SMTP AUTH that a tenant or mailbox can switch off, Basic auth's
 * retirement and OAuth through Entra ID (plugins/m365/oauth.ts), SendAs
 * rights — consulted first for an m365 profile or an Exchange Online host.
 */
import { definePlugin } from "../../core/plugin.ts";
import { M365_DATED, M365_OAUTH } from "./oauth.ts";
import { M365_REPLY_RULES } from "./reply-rules.ts";

const _RELAY_SOURCE =
  "https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365";

/** The m365 provider plugin. */
export default definePlugin({
  name: "m365",
  version: "1.1.0",
  setup(api) {
    api.addProvider({
      name: "m365",
      title: "Microsoft 365 / Exchange Online",
      endpoints: [
        { host: "smtp.office365.com", port: 587, tls: "starttls", note: "SMTP AUTH client submission" },
        {
          host: "{tenant}.mail.protection.outlook.com",
          port: 25,
          tls: "starttls",
          note: "direct send (no login, internal recipients only) or relay through a connector (by IP or certificate)",
        },
        {
          host: "smtp-legacy.office365.com",
          port: 587,
          tls: "starttls",
          note: "SMTP AUTH for clients limited to TLS 1.0/1.1 (the tenant must opt in)",
        },
        {
          host: "smtp-hve.office365.com",
          port: 587,
          tls: "starttls",
          note: "High Volume Email: internal recipients only, HVE accounts",
        },
      ],
      hostVariables: {
        tenant: {
          description: "the tenant's MX host name prefix (contoso-com for contoso.com: the MX record's first label)",
          pattern: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
          example: "contoso-com",
        },
      },
      user: { hint: "the mailbox's sign-in name (user@tenant-domain)", isEmail: true },
      secretHint:
        "for OAuth (add --oauth device|auth-code|client-credentials) the refresh token's place, e.g. keyring:smtpilot/NAME; " +
        "a password works only while Basic authentication is still on for the tenant (off by default from the end of December 2026)",
      identityPolicy: {
        rule: "send-as-permission",
        summary: "From must be the mailbox itself or one it has SendAs (or Send on Behalf) rights on",
      },
      rateLimit: {
        perMinute: 30,
        perDay: 10_000,
        summary: "30 messages a minute, 10,000 recipients a day per mailbox, at most 500 recipients per message",
      },
      hosts: [
        /^smtp\.office365\.com$/,
        /^smtp-legacy\.office365\.com$/,
        /^smtp-hve\.office365\.com$/,
        /\.mail\.protection\.outlook\.com$/,
      ],
      detect: {
        mx: [/^(?<tenant>[a-z0-9-]+)\.mail\.protection\.outlook\.com$/, /\.mx\.microsoft$/],
        srv: [/^smtp\.office365\.com$/],
      },
      replyRules: M365_REPLY_RULES,
      facts: [
        "smtp.office365.com 587 STARTTLS; the user is the mailbox's sign-in name",
        "OAuth: smtpilot profile add NAME --provider m365 --oauth device --client-id APP-ID --tenant TENANT, then smtpilot auth login NAME",
        "SMTP AUTH must be enabled for the mailbox even with OAuth (Set-CASMailbox -SmtpClientAuthenticationDisabled $false)",
        "Port 25 on TENANT.mail.protection.outlook.com: direct send (internal recipients, no login) or a connector relay",
        `Direct send and relay: ${_RELAY_SOURCE}`,
        "From must be the mailbox or one it may SendAs; at most 500 recipients per message",
      ],
      dated: [
        ...M365_DATED,
        {
          text: "High Volume Email: smtp-hve.office365.com port 587, for internal recipients only, with HVE accounts " +
            "(Basic auth or OAuth)",
          asOf: "2026-11-30",
          source: "https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/high-volume-mails-m365",
        },
        {
          text: "Direct send: TENANT.mail.protection.outlook.com:25 without a login, internal recipients only (a " +
            "tenant can reject direct send); relay to anyone needs a connector that recognises the sender by IP or certificate",
          asOf: "2026-11-30",
          source: _RELAY_SOURCE,
        },
        {
          text: "smtp-legacy.office365.com serves SMTP AUTH clients limited to TLS 1.0/1.1 after the tenant opts in",
          asOf: "2026-11-30",
          source:
            "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/opt-in-exchange-online-endpoint-for-legacy-tls-using-smtp-auth",
        },
      ],
      oauth: M365_OAUTH,
    });
  },
});
