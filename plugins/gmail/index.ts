/**
 * Gmail and Google Workspace: smtp.gmail.com on 587 (STARTTLS) or 465
 * (implicit TLS) with OAuth (XOAUTH2/OAUTHBEARER, plugins/gmail/oauth.ts) or
 * an app password, From limited to the account and its verified "Send mail
 * as" aliases, and what Gmail's replies mean — consulted first for a gmail
 * profile or the host smtp.gmail.com. Also the Workspace SMTP relay
 * (smtp-relay.gmail.com, plugins/gmail/relay.ts).
 */
import { definePlugin } from "../../core/plugin.ts";
import { GMAIL_DATED, GMAIL_OAUTH } from "./oauth.ts";
import { GMAIL_RELAY } from "./relay.ts";
import { GMAIL_REPLY_RULES } from "./reply-rules.ts";

/** The gmail provider plugin. */
export default definePlugin({
  name: "gmail",
  version: "1.1.0",
  setup(api) {
    api.addProvider({
      name: "gmail",
      title: "Gmail / Google Workspace",
      endpoints: [
        { host: "smtp.gmail.com", port: 587, tls: "starttls" },
        { host: "smtp.gmail.com", port: 465, tls: "implicit", note: "implicit TLS, when 587 is blocked" },
      ],
      user: { hint: "the full Gmail or Workspace address", isEmail: true },
      secretHint:
        "for OAuth (add --oauth auth-code) the refresh token's place, e.g. keyring:smtpilot/NAME; else an app password " +
        "(16 letters; needs 2-Step Verification; unavailable with Advanced Protection or security-key-only 2SV) — " +
        "never the account password, which Gmail refuses for every account",
      identityPolicy: {
        rule: "account-or-alias",
        summary:
          'From must be the account or a verified "Send mail as" alias; Gmail rewrites any other From to the account',
      },
      rateLimit: {
        perDay: 500,
        summary: "about 500 recipients a day for a personal account; Workspace 2,000 messages a day per user and at " +
          "most 100 recipients per message over SMTP",
      },
      hosts: [/^smtp\.gmail\.com$/, /^smtp\.googlemail\.com$/],
      detect: {
        mx: [/(?:^|\.)aspmx\.l\.google\.com$/, /^aspmx\d*\.googlemail\.com$/, /^smtp\.google\.com$/],
        srv: [/^smtp\.gmail\.com$/],
      },
      replyRules: GMAIL_REPLY_RULES,
      facts: [
        "smtp.gmail.com: 587 STARTTLS or 465 implicit TLS; the user is the full address",
        "The account password never works over SMTP (every account); use OAuth or an app password",
        "OAuth: smtpilot profile add NAME --provider gmail --oauth auth-code --client-id ID.apps.googleusercontent.com --oauth-client-secret REF, then smtpilot auth login NAME (a browser on this machine; Google's device flow has no mail scope)",
        "From must be the account or a verified Send-mail-as alias",
        "Bulk senders (5,000+ a day to Gmail): SPF and DKIM, DMARC, aligned From, one-click unsubscribe, spam rate under 0.3%",
      ],
      dated: GMAIL_DATED,
      oauth: GMAIL_OAUTH,
    });
    api.addProvider(GMAIL_RELAY);
  },
});
