/**
 * Gmail and Google Workspace: smtp.gmail.com on 587 (STARTTLS) or 465
 * (implicit TLS), an app password or an XOAUTH2 token, From limited to the
 * account and its verified "Send mail as" aliases, and what Gmail's replies
 * mean — consulted first for a gmail profile or the host smtp.gmail.com.
 */
import { definePlugin } from "../../core/plugin.ts";
import { GMAIL_REPLY_RULES } from "./reply-rules.ts";

/** The gmail provider plugin. */
export default definePlugin({
  name: "gmail",
  version: "1.0.0",
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
        "an app password (16 letters; needs 2-Step Verification), or an OAuth access token with --auth-mech XOAUTH2 — never the account password",
      identityPolicy: {
        rule: "account-or-alias",
        summary:
          'From must be the account or a verified "Send mail as" alias; Gmail rewrites any other From to the account',
      },
      rateLimit: {
        perDay: 500,
        summary: "500 recipients a day for a consumer account, 2,000 for Workspace (rolling 24 hours)",
      },
      hosts: [/^smtp\.gmail\.com$/, /^smtp\.googlemail\.com$/],
      detect: {
        mx: [/(?:^|\.)aspmx\.l\.google\.com$/, /^aspmx\d*\.googlemail\.com$/, /^smtp\.google\.com$/],
        srv: [/^smtp\.gmail\.com$/],
      },
      replyRules: GMAIL_REPLY_RULES,
      facts: [
        "smtp.gmail.com: 587 STARTTLS or 465 implicit TLS; the user is the full address",
        "App passwords need 2-Step Verification and may be disabled by a Workspace admin; XOAUTH2 takes an access token (secret cmd:YOUR-TOKEN-HELPER)",
        "From must be the account or a verified Send-mail-as alias",
        "Bulk senders (5,000+ a day to Gmail): SPF and DKIM, DMARC, aligned From, one-click unsubscribe, spam rate under 0.3%",
      ],
    });
  },
});
