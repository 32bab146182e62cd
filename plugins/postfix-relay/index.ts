/**
 * A self-hosted or internal Postfix relay on 25 or 587: clients are let in
 * by `mynetworks` or by SASL, senders are tied to logins by
 * `smtpd_sender_login_maps`, HELO names and client hosts are checked by
 * restrictions — and every next step names the `postconf` parameter to look
 * at. Used for profiles with `provider: postfix-relay`.
 */
import { definePlugin } from "../../core/plugin.ts";
import { POSTFIX_REPLY_RULES } from "./reply-rules.ts";
import { POSTFIX_SMARTHOST } from "./smarthost.ts";

const _HOST = "{host}";

/** The postfix-relay provider plugin. */
export default definePlugin({
  name: "postfix-relay",
  version: "1.0.0",
  setup(api) {
    api.addProvider({
      name: "postfix-relay",
      title: "Postfix relay (self-hosted or internal)",
      endpoints: [
        { host: _HOST, port: 587, tls: "starttls", note: "submission with SASL" },
        { host: _HOST, port: 25, tls: "starttls", note: "relay by mynetworks, STARTTLS when offered" },
        { host: _HOST, port: 465, tls: "implicit", note: "submissions (implicit TLS)" },
      ],
      hostVariables: {
        host: {
          description: "the relay's host name (the name in its certificate)",
          pattern:
            /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/,
          example: "relay.internal.example.com",
        },
      },
      user: { hint: "the SASL login (often the full address with Dovecot)" },
      secretHint: "the SASL password, from your secret store",
      identityPolicy: {
        rule: "sender-login-map",
        summary:
          "With smtpd_sender_login_maps and reject_sender_login_mismatch, the login must own the envelope sender; otherwise any sender the relay accepts",
      },
      replyRules: POSTFIX_REPLY_RULES,
      facts: [
        "Port 25: clients in mynetworks relay without a login; port 587: SASL (smtpd_sasl_auth_enable) after STARTTLS",
        "smtpd_relay_restrictions decides who may relay; smtpd_sender_login_maps which login owns which sender",
        "A private CA: give the profile ca: FILE instead of turning verification off",
      ],
    });
    api.addProvider(POSTFIX_SMARTHOST);
  },
});
