/**
 * Reply knowledge for the stages before authentication: the greeting banner,
 * EHLO/HELO and STARTTLS. The first matching rule wins, so provider wordings
 * come before each stage's code-class fallbacks.
 *
 * Every pattern runs on untrusted network text (up to ~64 KiB): gaps between
 * words are bounded (`[^.;]{0,40}`) and no quantifier is nested. The
 * interpreter collapses whitespace first, hence literal single spaces.
 */

import type { ReplyRule, ReplyStage } from "./reply-rule.ts";

/**
 * Wording of a DNS blocklist listing or a reputation block, shared by the
 * greeting and envelope rules so a listing reads the same wherever a server
 * chooses to announce it (banner, RCPT or end of DATA).
 */
export const BLOCKLIST_WORDING =
  /spamhaus|spamcop|barracudacentral|\bsorbs\b|\bdnsbl|\brbl\b|block ?list|black ?list|deny ?list|blocked using|\blisted (?:at|on|by)\b|\b(?:is|are|been) listed\b|(?:poor|low|bad) reputation|banned sending ip|on our block/i;

const _GREETING: readonly ReplyStage[] = ["greeting"];
const _EHLO: readonly ReplyStage[] = ["ehlo", "helo"];
const _STARTTLS: readonly ReplyStage[] = ["starttls"];

const _PTR_WORDING = /cannot find your (?:reverse )?hostname|reverse (?:dns|hostname|lookup)|\bptr\b|\brdns\b/i;

const _HELO_NAME_WORDING =
  /helo command rejected|(?:helo|ehlo)(?:\/(?:helo|ehlo))? (?:argument|name|hostname|domain)|syntactically invalid (?:helo|ehlo)|invalid (?:domain|host) ?name|fully[- ]qualified|requires domain address|empty (?:helo|ehlo)|bad (?:helo|ehlo)|impersonat/i;

const _greetingRules = (): readonly ReplyRule[] => [
  {
    id: "core.greeting-blocklisted",
    stages: _GREETING,
    code: /^5/,
    text: BLOCKLIST_WORDING,
    diagnosis: {
      code: "greeting.rejected",
      title: "Connection refused: IP blocklisted",
      cause:
        "The server refused the session because the connecting IP address is on a DNS blocklist or has a poor reputation with the provider.",
      next:
        "Look the sending IP up on the blocklist named in the reply and request delisting, or submit through your provider's authenticated submission port (587/465 with --user/--secret) instead of connecting directly.",
    },
  },
  {
    id: "core.greeting-no-ptr",
    stages: _GREETING,
    code: /^5/,
    text: _PTR_WORDING,
    diagnosis: {
      code: "greeting.rejected",
      title: "Connection refused: no reverse DNS",
      cause: "The server refused the session because the connecting IP address has no (matching) reverse DNS name.",
      next:
        "Give the sending IP a PTR record that resolves back to it, or submit through your provider's authenticated submission port instead.",
    },
  },
  {
    id: "core.greeting-refused",
    stages: _GREETING,
    code: /^5/,
    diagnosis: {
      code: "greeting.rejected",
      title: "Connection refused by the server",
      cause:
        "The server refused to open an SMTP session with this client, by an access rule or because it offers no SMTP service on this port.",
      next:
        "Check that host and port are the provider's submission endpoint (587 or 465) and that this network is allowed to connect to it.",
    },
  },
  {
    id: "core.greeting-deferred-reputation",
    stages: _GREETING,
    code: /^4/,
    text:
      /complaints|reputation|deferred due to|\bTS[SL]\d|blocked using|\bdnsbl|\brbl\b|block ?list|black ?list|spamhaus/i,
    diagnosis: {
      code: "greeting.busy",
      title: "Connection deferred: sender reputation",
      cause:
        "The server is temporarily deferring connections from this IP because of its volume, complaints or reputation.",
      next:
        "Retry later at a lower rate and check the sending IP's standing on the postmaster page the reply points to.",
    },
  },
  {
    id: "core.greeting-busy",
    stages: _GREETING,
    code: /^4/,
    diagnosis: {
      code: "greeting.busy",
      title: "Server busy",
      cause:
        "The server is temporarily not accepting sessions: too many connections, overload, or a shutdown in progress.",
      next: "Retry in a few minutes and keep the number of parallel connections from this host low.",
    },
  },
];

const _ehloRules = (): readonly ReplyRule[] => [
  {
    id: "core.ehlo-unsupported",
    stages: ["ehlo"],
    code: /^50[02]$/,
    diagnosis: {
      code: "ehlo.rejected",
      title: "EHLO not supported",
      cause:
        "The server does not recognise EHLO, so it offers no ESMTP extensions (no STARTTLS, no AUTH) on this port.",
      next:
        "Point the probe at the provider's submission port (587 or 465); a server that only speaks HELO cannot take authenticated submission.",
    },
  },
  {
    id: "core.ehlo-name-rejected",
    stages: _EHLO,
    code: /^[45]/,
    text: _HELO_NAME_WORDING,
    diagnosis: {
      code: "ehlo.rejected",
      title: "EHLO hostname rejected",
      cause:
        "The server rejected the hostname the client announced in EHLO/HELO: it is not fully qualified, does not resolve, or is a name the server forbids.",
      next:
        "Announce a fully-qualified hostname that resolves in DNS with --ehlo-name (ideally the sending IP's PTR name).",
    },
  },
  {
    id: "core.ehlo-blocklisted",
    stages: _EHLO,
    code: /^5/,
    text: BLOCKLIST_WORDING,
    diagnosis: {
      code: "ehlo.rejected",
      title: "EHLO refused: IP blocklisted",
      cause:
        "The server refused the session at EHLO because the connecting IP is on a blocklist or has a poor reputation.",
      next:
        "Request delisting from the blocklist named in the reply, or submit through your provider's authenticated submission port.",
    },
  },
  {
    id: "core.ehlo-closing",
    stages: _EHLO,
    code: /^421$/,
    diagnosis: {
      code: "ehlo.rejected",
      title: "Session closed at EHLO",
      cause:
        "The server closed the session when the client introduced itself, usually because of too many connections, rate limiting or a shutdown.",
      next: "Retry later with fewer parallel connections; if it persists, the server is throttling this IP.",
    },
  },
  {
    id: "core.ehlo-rejected",
    stages: _EHLO,
    code: /^5/,
    diagnosis: {
      code: "ehlo.rejected",
      title: "EHLO rejected",
      cause: "The server refused the EHLO/HELO command.",
      next:
        "Retry with a fully-qualified --ehlo-name; if that is refused too, the server rejects this client by policy and the reply text says why.",
    },
  },
  {
    id: "core.ehlo-temporary",
    stages: _EHLO,
    code: /^4/,
    diagnosis: {
      code: "ehlo.rejected",
      title: "EHLO temporarily refused",
      cause: "The server temporarily refused the EHLO/HELO command.",
      next:
        "Retry in a few minutes; if it persists, check the announced name with --ehlo-name and the server's status.",
    },
  },
];

const _starttlsRules = (): readonly ReplyRule[] => [
  {
    id: "core.starttls-already-active",
    stages: _STARTTLS,
    text: /already (?:active|running|started|in tls|negotiated)|tls already/i,
    diagnosis: {
      code: "tls.starttls-failed",
      title: "TLS already active",
      cause: "The server says TLS is already active, so STARTTLS was sent inside an already encrypted session.",
      next: "Pick one TLS mode, not both: --tls implicit (port 465) or --tls starttls (port 587).",
    },
  },
  {
    id: "core.starttls-unsupported",
    stages: _STARTTLS,
    code: /^50[02]$/,
    diagnosis: {
      code: "tls.starttls-failed",
      title: "STARTTLS not supported",
      cause: "The server does not implement STARTTLS on this port.",
      next: "Use --tls implicit --port 465, or the port where the provider offers STARTTLS (usually 587).",
    },
  },
  {
    id: "core.starttls-server-problem",
    stages: _STARTTLS,
    code: /^[45]/,
    text:
      /local problem|security subsystem|not available|unavailable|certificate|error generating|initiali[sz]e|handshake|no (?:server )?cert/i,
    diagnosis: {
      code: "tls.starttls-failed",
      title: "Server cannot start TLS",
      cause:
        "The server advertises STARTTLS but cannot start TLS itself, typically because its certificate or key is missing or broken.",
      next:
        "Report it to the server's administrator; meanwhile try --tls implicit --port 465 if the provider offers it.",
    },
  },
  {
    id: "core.starttls-temporary",
    stages: _STARTTLS,
    code: /^4/,
    diagnosis: {
      code: "tls.starttls-failed",
      title: "STARTTLS temporarily refused",
      cause: "The server temporarily refused to start TLS.",
      next: "Retry in a few minutes; if it persists, try --tls implicit --port 465.",
    },
  },
  {
    id: "core.starttls-rejected",
    stages: _STARTTLS,
    code: /^5/,
    diagnosis: {
      code: "tls.starttls-failed",
      title: "STARTTLS refused",
      cause: "The server refused the STARTTLS command.",
      next: "Read the reply text in the transcript; if STARTTLS stays refused, use --tls implicit --port 465.",
    },
  },
];

/**
 * Rules for greeting, EHLO/HELO and STARTTLS replies, most specific first,
 * each stage ending in its 5xx/4xx fallbacks.
 */
export const connectReplyRules =
  (): readonly ReplyRule[] => [..._greetingRules(), ..._ehloRules(), ..._starttlsRules()];
