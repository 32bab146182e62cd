/**
 * What Postfix's own refusals mean on a relay you run, with the `postconf`
 * parameters behind each. Postfix delays most restrictions to RCPT TO
 * (smtpd_delay_reject = yes), so HELO, client and sender refusals usually
 * arrive there, prefixed by what was refused: "<name>: Helo command rejected".
 */
import type { ProviderReplyRule } from "../../core/provider.ts";

const _ENVELOPE = ["mail", "rcpt", "data"] as const;

/** Postfix's reply knowledge, most specific first. */
export const POSTFIX_REPLY_RULES: readonly ProviderReplyRule[] = [
  {
    id: "postfix-relay.relay-denied",
    stages: _ENVELOPE,
    text: /Relay access denied/i,
    diagnosis: {
      code: "envelope.relay-denied",
      title: "Postfix will not relay for this client",
      cause:
        "smtpd_relay_restrictions let the recipient's domain through only for clients in mynetworks or that authenticated (permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination).",
      next:
        "Authenticate (--user/--secret) on the submission port, or add this client's address to mynetworks; look at: postconf mynetworks smtpd_relay_restrictions, and the NOQUEUE: reject line in the mail log for the address Postfix saw.",
    },
  },
  {
    id: "postfix-relay.sender-not-owned",
    stages: _ENVELOPE,
    text: /Sender address rejected: not owned by/i,
    diagnosis: {
      code: "envelope.sender-rejected",
      title: "The login does not own this sender address",
      cause:
        "reject_sender_login_mismatch (or reject_authenticated_sender_login_mismatch) compares MAIL FROM with smtpd_sender_login_maps, and the map gives this address to another login or to none.",
      next:
        "Send as an address this login owns, or map the address to the login (edit the map, then postmap it); look at: postconf smtpd_sender_login_maps smtpd_sender_restrictions.",
    },
  },
  {
    id: "postfix-relay.sender-not-logged-in",
    stages: _ENVELOPE,
    text: /Sender address rejected: not logged in/i,
    diagnosis: {
      code: "envelope.auth-required",
      title: "This sender address needs a login",
      cause:
        "The address belongs to a login in smtpd_sender_login_maps, and reject_sender_login_mismatch refuses it from an anonymous client.",
      next:
        "Authenticate as the login that owns the address (--user/--secret); look at: postconf smtpd_sender_login_maps smtpd_sender_restrictions.",
    },
  },
  {
    id: "postfix-relay.helo-rejected",
    stages: _ENVELOPE,
    text: /Helo command rejected/i,
    diagnosis: {
      code: "envelope.helo-rejected",
      title: "Postfix refused the EHLO name",
      cause:
        "smtpd_helo_restrictions refuse this name (reject_non_fqdn_helo_hostname, reject_invalid_helo_hostname or reject_unknown_helo_hostname); Postfix reports it at RCPT because smtpd_delay_reject = yes.",
      next:
        "Send a fully-qualified name that resolves (--ehlo-name host.example.com in the profile), or relax the rule; look at: postconf smtpd_helo_required smtpd_helo_restrictions.",
    },
  },
  {
    id: "postfix-relay.helo-rejected-at-ehlo",
    stages: ["ehlo", "helo"],
    text: /Helo command rejected/i,
    diagnosis: {
      code: "ehlo.rejected",
      title: "Postfix refused the EHLO name",
      cause: "smtpd_helo_restrictions refuse this name and smtpd_delay_reject = no makes Postfix say so at EHLO.",
      next:
        "Send a fully-qualified name that resolves (--ehlo-name); look at: postconf smtpd_helo_restrictions smtpd_delay_reject.",
    },
  },
  {
    id: "postfix-relay.client-rejected-anonymous",
    stages: _ENVELOPE,
    text: /Client host rejected: Access denied/i,
    authenticated: false,
    diagnosis: {
      code: "envelope.auth-required",
      title: "Postfix refused this client: authentication is probably what is missing",
      cause:
        "On a submission port this is smtpd_client_restrictions = permit_sasl_authenticated, reject (the usual master.cf override): only logged-in clients get past it. On port 25 the client is not in mynetworks or an access map.",
      next:
        "Give the profile a user and secret reference and check again; on port 25 add the client to mynetworks. Look at: postconf -P 'submission/inet/smtpd_client_restrictions' smtpd_client_restrictions mynetworks.",
    },
  },
  {
    id: "postfix-relay.client-rejected",
    stages: _ENVELOPE,
    text: /Client host rejected/i,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "Postfix refused this client host",
      cause:
        "smtpd_client_restrictions refuse this address or name: a check_client_access map, reject_unknown_client_hostname (no matching PTR), or a DNS block list.",
      next:
        "Find the NOQUEUE: reject line in the mail log and the restriction it names; look at: postconf smtpd_client_restrictions, and the client's reverse DNS.",
    },
  },
  {
    id: "postfix-relay.starttls-first",
    stages: _ENVELOPE,
    text: /Must issue a STARTTLS command first/i,
    diagnosis: {
      code: "envelope.tls-required",
      title: "Postfix requires STARTTLS on this port",
      cause: "smtpd_tls_security_level = encrypt on this service: no transaction before STARTTLS.",
      next:
        "Use --tls starttls (the profile's tls) — or, on your relay: postconf smtpd_tls_security_level and the port's -o overrides in master.cf.",
    },
  },
  {
    id: "postfix-relay.sasl-backend-down",
    stages: ["auth"],
    text: /Temporary authentication failure/i,
    diagnosis: {
      code: "auth.temporary-failure",
      title: "Postfix could not reach its SASL back-end",
      cause:
        "454 4.7.0 Temporary authentication failure: smtpd asked Dovecot (or saslauthd) to check the login and got no answer — the auth service is down, its socket path is wrong, or it timed out. The password was not judged.",
      next:
        "Do not retry in a loop. On the relay: the mail log names it (warning: SASL authentication failure: … connect to private/auth failed); check the auth service (doveadm auth test USER) and postconf smtpd_sasl_type smtpd_sasl_path.",
    },
  },
  {
    id: "postfix-relay.sasl-failed",
    stages: ["auth"],
    text: /authentication failed/i,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "Postfix's SASL back-end refused the login",
      cause:
        "Postfix passes AUTH to Dovecot or Cyrus (smtpd_sasl_type), which did not accept the user name and password.",
      next:
        "Check the password behind the secret reference; on the relay, test the back-end directly (doveadm auth test USER, or testsaslauthd) and look at: postconf smtpd_sasl_type smtpd_sasl_path.",
    },
  },
  {
    id: "postfix-relay.auth-not-enabled",
    stages: ["auth"],
    text: /authentication not enabled/i,
    diagnosis: {
      code: "auth.not-offered",
      title: "SASL is not enabled on this Postfix service",
      cause: "smtpd_sasl_auth_enable is off for this port (usually on only for submission in master.cf).",
      next:
        "Use the submission port, or enable it: postconf smtpd_sasl_auth_enable, and the service's -o smtpd_sasl_auth_enable=yes in master.cf.",
    },
  },
  {
    id: "postfix-relay.no-such-user",
    stages: _ENVELOPE,
    text: /User unknown in (?:local recipient|virtual mailbox|virtual alias) table/i,
    diagnosis: {
      code: "envelope.recipient-unknown",
      title: "Postfix knows no such recipient",
      cause: "The recipient's domain is local to this relay and the address is in none of its recipient tables.",
      next:
        "Check the address; look at: postconf mydestination local_recipient_maps virtual_mailbox_maps virtual_alias_maps.",
    },
  },
  {
    id: "postfix-relay.size-limit",
    stages: _ENVELOPE,
    text: /Message size exceeds fixed (?:maximum message size|limit)/i,
    diagnosis: {
      code: "envelope.size-exceeded",
      title: "The message is over Postfix's size limit",
      cause: "message_size_limit is smaller than the declared or actual size.",
      next: "Shrink the message, or raise the limit: postconf message_size_limit.",
    },
  },
  {
    id: "postfix-relay.message-rate",
    stages: _ENVELOPE,
    text: /too much mail from/i,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "Postfix's message rate limit stopped this client",
      cause:
        "450 4.7.1 Error: too much mail from IP: the client sent more messages than smtpd_client_message_rate_limit allows per anvil_rate_time_unit (60 s by default). Temporary: the counter resets.",
      next:
        "Send slower (the send workflow paces by the profile's rate), or raise the limit for this client: postconf smtpd_client_message_rate_limit anvil_rate_time_unit smtpd_client_event_limit_exceptions.",
    },
  },
  {
    id: "postfix-relay.too-many",
    stages: _ENVELOPE,
    text: /too many (?:connections|messages|recipients|errors) from/i,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "Postfix's anvil rate limit stopped this client",
      cause: "The client exceeded one of anvil's per-client limits.",
      next:
        "Send slower; look at: postconf smtpd_client_connection_count_limit smtpd_client_message_rate_limit smtpd_client_recipient_rate_limit anvil_rate_time_unit.",
    },
  },
  {
    id: "postfix-relay.storage",
    stages: _ENVELOPE,
    text: /Insufficient system storage/i,
    diagnosis: {
      code: "envelope.temporary-failure",
      title: "The relay is short of disk space",
      cause: "Postfix defers mail while the queue file system has less free space than queue_minfree.",
      next: "Free disk space on the relay's queue file system; look at: postconf queue_directory queue_minfree.",
    },
  },
];
