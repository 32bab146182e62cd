/**
 * A local Postfix that forwards everything to a relayhost (a smarthost):
 * the application submits to 127.0.0.1:25 without a login, and Postfix
 * authenticates to the smarthost itself (`relayhost = [smtp.example.com]:587`
 * with smtp_sasl_password_maps). A diagnosis of the local hop proves only
 * that Postfix took the message; the smarthost's refusals show up later in
 * the mail log and the deferred queue, so both hops are named here.
 */
import type { ProviderDefinition } from "../../core/provider.ts";
import { POSTFIX_REPLY_RULES } from "./reply-rules.ts";

const _SASL = "https://www.postfix.org/SASL_README.html#client_sasl";

/** The postfix-smarthost provider. */
export const POSTFIX_SMARTHOST: ProviderDefinition = {
  name: "postfix-smarthost",
  title: "Local Postfix relaying through a smarthost (relayhost)",
  endpoints: [
    {
      host: "127.0.0.1",
      port: 25,
      tls: "none",
      note: "the local Postfix (loopback, no login); it relays to relayhost",
    },
    { host: "{host}", port: 587, tls: "starttls", note: "the smarthost itself, with the login Postfix uses" },
  ],
  hostVariables: {
    host: {
      description: "the smarthost (the host in postconf relayhost)",
      pattern:
        /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/,
      example: "smtp.example.com",
    },
  },
  user: { hint: "none for the local hop; the smarthost's login lives in Postfix's smtp_sasl_password_maps" },
  identityPolicy: {
    rule: "any",
    summary: "The local Postfix takes any sender from mynetworks; the smarthost then applies its own rules",
  },
  replyRules: POSTFIX_REPLY_RULES.map((r) => ({ ...r, id: r.id.replace(/^postfix-relay\./, "postfix-smarthost.") })),
  facts: [
    "Application → 127.0.0.1:25 (mynetworks, no login) → relayhost = [smtp.example.com]:587 with SASL and TLS",
    "postconf relayhost smtp_sasl_auth_enable smtp_sasl_password_maps smtp_tls_security_level (encrypt) smtp_sasl_security_options",
    "A 250 from the local Postfix is not delivery: a smarthost refusal appears in the mail log and `postqueue -p` as deferred",
    `Client-side SASL: ${_SASL}`,
  ],
};
