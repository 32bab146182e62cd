/**
 * Google Workspace's SMTP relay service, smtp-relay.gmail.com: for a
 * Workspace domain's devices and applications, which it lets in by their IP
 * address (registered in the Admin console) or by SMTP AUTH with a Workspace
 * account, over TLS on 587 (or 465, or 25). Its refusals name the setting to
 * change, and are explained here as Google words them.
 */
import type { ProviderDefinition } from "../../core/provider.ts";

const _SOURCE_ERRORS = "https://support.google.com/a/answer/6140680";
const _SOURCE_SETUP = "https://support.google.com/a/answer/2956491";

/** The smtp-relay.gmail.com provider. */
export const GMAIL_RELAY: ProviderDefinition = {
  name: "gmail-relay",
  title: "Google Workspace SMTP relay (smtp-relay.gmail.com)",
  endpoints: [
    { host: "smtp-relay.gmail.com", port: 587, tls: "starttls", note: "TLS required by the relay setting" },
    { host: "smtp-relay.gmail.com", port: 465, tls: "implicit" },
    { host: "smtp-relay.gmail.com", port: 25, tls: "starttls", note: "often blocked outbound by hosting providers" },
  ],
  user: { hint: "a Workspace account of the domain (only with SMTP AUTH; IP-registered clients send no login)" },
  secretHint: "the account's app password or nothing at all when the relay lets this IP address in",
  identityPolicy: { rule: "any", summary: "Any address of the Workspace's domains, per the relay setting's rules" },
  rateLimit: { perDay: 10_000, summary: "10,000 recipients a day per user; at most 100 recipients per transaction" },
  hosts: [/^smtp-relay\.gmail\.com$/],
  replyRules: [
    {
      id: "gmail-relay.invalid-credentials",
      stages: ["mail", "rcpt", "data"],
      text: /Invalid credentials for relay/i,
      diagnosis: {
        code: "envelope.relay-denied",
        title: "The Workspace relay does not recognise this sender",
        cause:
          "550 5.7.1 Invalid credentials for relay: the client's IP address is not registered in the SMTP relay setting for the domain of the sender, and no SMTP AUTH identified it.",
        next:
          "In the Admin console (Apps → Google Workspace → Gmail → Routing → SMTP relay service), add this server's public IP, or require SMTP authentication and give the profile a Workspace account; present one of your domains in EHLO.",
      },
    },
    {
      id: "gmail-relay.relay-denied",
      stages: ["mail", "rcpt", "data"],
      enhanced: /^5\.7\.0$/,
      text: /Mail relay denied/i,
      diagnosis: {
        code: "envelope.relay-denied",
        title: "The Workspace relay refuses mail from this domain or IP",
        cause:
          "550 5.7.0 Mail relay denied: the sending domain or IP is not registered in any Google Workspace account's relay setting.",
        next:
          "Register the IP in the relay setting of the Workspace that owns the sending domain, or authenticate with an account of that domain.",
      },
    },
    {
      id: "gmail-relay.daily-limit",
      stages: ["mail", "rcpt", "data"],
      enhanced: /^5\.4\.5$/,
      diagnosis: {
        code: "envelope.rate-limited",
        title: "The Workspace relay's daily limit is reached",
        cause: "550 5.4.5 Daily SMTP relay limit exceeded (for the user, or for the customer as a whole).",
        next:
          "Wait for the rolling 24 hours; spread sending over more accounts or move bulk mail to a sending service.",
      },
    },
    {
      id: "gmail-relay.peak-limit",
      stages: ["mail", "rcpt", "data"],
      enhanced: /^4\.2\.1$/,
      text: /SMTP relay limit/i,
      diagnosis: {
        code: "envelope.rate-limited",
        title: "The Workspace relay is deferring a burst",
        cause: "450 4.2.1 Peak SMTP relay limit exceeded for customer: a temporary deferral.",
        next: "Retry later and send at an even pace (the send workflow paces by the profile's rate).",
      },
    },
  ],
  facts: [
    "smtp-relay.gmail.com: 587 with TLS (or 465, 25); clients are let in by registered IP or SMTP AUTH",
    "At most 100 recipients per SMTP transaction; 10,000 recipients a day per user",
    `Relay errors and fixes: ${_SOURCE_ERRORS}`,
  ],
  dated: [
    {
      text: "The SMTP relay service lets a client in by its registered IP address or by SMTP AUTH, and can require TLS",
      asOf: "2026-11-30",
      source: _SOURCE_SETUP,
    },
    {
      text:
        "Relay replies: 550 5.7.0 Mail relay denied, 550 5.7.1 Invalid credentials for relay, 550 5.4.5 Daily SMTP " +
        "relay limit exceeded, 450 4.2.1 Peak SMTP relay limit exceeded, 452 4.5.3 more than 100 recipients",
      asOf: "2026-11-30",
      source: _SOURCE_ERRORS,
    },
  ],
};
