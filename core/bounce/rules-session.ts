/**
 * Reason rules about the session and the sender: a queue that gave up, a
 * suppression list, encryption, rate limits, SPF/DKIM/DMARC, SMTP AUTH,
 * reverse DNS, viruses, blocklists, reputation and greylisting. Tried first:
 * these words win over anything else a reply says (an SPF failure that also
 * says "policy" is an authentication failure).
 */
import type { ReasonRule } from "./reason-rule.ts";

/** The session rules, in order. */
export const SESSION_RULES: readonly ReasonRule[] = [
  // Queue gave up: the text of the bounce says so whatever the last error was.
  {
    id: "expired-queue",
    reason: "expired",
    text:
      /retry time(?:out)? (?:not reached|exceeded)|all hosts (?:for \S{1,255} )?have been failing|delivery time expired|message expired|(?:has been|was) (?:in the queue|queued) too long|(?:in|on) the queue too long|too long in (?:the )?queue|could not be delivered for (?:more than )?\d+|maximum time for delivery|giving up on (?:this )?message|not going to try again|delivery (?:attempts )?(?:will stop|has expired)|\bexpired after\b|time limit exceeded for delivery|delivery (?:time|period) (?:has )?(?:expired|exceeded)|message (?:has )?timed out in (?:the )?queue/i,
  },
  // The sending service's own list of addresses it will not send to again (SES, SendGrid, Postmark…).
  {
    id: "suppressed",
    reason: "suppressed",
    text:
      /suppression list|on (?:the|our|a|your account\'?s?) (?:\S+ )?suppress(?:ion|ed)(?: list)?|address (?:is |has been )?suppressed|recipient (?:address )?(?:is |has been )?suppressed|suppressed (?:recipient|address|destination)|previously (?:hard )?bounced|(?:bounced|complained) (?:recently|previously)/i,
  },
  // Encryption: STARTTLS missing or failing, REQUIRETLS, MTA-STS and DANE (Sisimai 5's failedstarttls).
  {
    id: "starttls",
    reason: "failedstarttls",
    layer: "tls",
    text:
      /requiretls|starttls|must issue a starttls|(?:tls|encryption|ssl) (?:is )?(?:required|needed|mandatory)|requires? (?:a )?(?:tls|encryption|encrypted|secure) (?:connection|transport|channel|session)?|requires? (?:tls|encryption)|must use (?:tls|encryption)|mta-sts|\bsts policy|\bdane\b|\btlsa\b|tls (?:handshake|negotiation|connection)[^.;]{0,30}(?:fail|error)|(?:failed|unable) to (?:establish|negotiate) (?:a )?(?:tls|secure|encrypted)|certificate[^.;]{0,40}(?:validation|verification|verify|expired|mismatch|untrusted|not trusted|invalid)|starttls-not-supported|certificate-host-mismatch|certificate-expired|encryption needed/i,
  },
  {
    id: "rate",
    reason: "ratelimited",
    text:
      /too many (?:connections|messages|mails|emails|recipients|sessions|concurrent|simultaneous|errors|invalid)|rate[- ]limit|throttl|\bunusual rate|sending rate|(?:message|connection|recipient|submission) rate|rate (?:of|that|exceeded)|receiving mail at a rate|exceeded the (?:maximum|configured|allowed) (?:number|rate|limit)|(?:daily|hourly) (?:sending |message )?(?:limit|quota)|(?:sending|message|submission) (?:quota|limit) (?:exceeded|reached)|submissionquotaexceeded|recipientthresholdexceeded|connection limit|thread limit exceeded|(?:recipient|sender|connection|message|submission) (?:thread |rate )?limit (?:exceeded|reached)|too much mail|try (?:again )?later[^.;]{0,40}(?:volume|load)|unexpected volume/i,
  },
  // Sender authentication in DNS (SPF, DKIM, DMARC, ARC).
  {
    id: "dns-authentication",
    reason: "authfailure",
    text:
      /\bspf\b|\bdkim\b|\bdmarc\b|\barc validation|sender policy framework|unauthenticated (?:email|mail|message)|sender (?:is )?unauthenticated|does not (?:pass|meet) (?:the )?(?:authentication|sender authentication)|authentication checks? (?:failed|failure)|fails? to pass (?:sender |the )?authentication|(?:no|lacks?) authentication information|not authenticated by the sender domain|domain (?:authentication|alignment)/i,
  },
  // SMTP AUTH: Sisimai 5 counts it a securityerror; the layer still says where to look.
  {
    id: "smtp-auth",
    reason: "securityerror",
    layer: "auth",
    text:
      /smtp auth|authentication (?:is )?required|authentication unsuccessful|authentication credentials invalid|\bauth(?:entication)? failed|invalid credentials|username and password not accepted|please authenticate|must (?:be )?authenticated?\b|not authenticated|authentication mechanism is too weak|application-specific password|app password|sender was not authenticated/i,
  },
  {
    id: "reverse-dns",
    reason: "requireptr",
    text:
      /reverse (?:dns|hostname|lookup|name)|\bptr\b|\brdns\b|cannot find your hostname|no (?:valid )?reverse|hostname (?:does not|doesn't) (?:match|resolve)|not have a (?:valid )?hostname/i,
  },
  {
    id: "virus",
    reason: "virusdetected",
    text: /\bvirus|malware|\binfected\b|trojan|\bworm\b|malicious (?:content|attachment|payload)|phishing/i,
  },
  // A listing on a named blocklist is about the sending IP, even when the list's name says "spam".
  {
    id: "blocklist",
    reason: "blocked",
    text:
      /spamhaus|spamcop|barracuda|\bsorbs\b|\bdnsbl|\brbl\b|\buceprotect|abuseat|\bcbl\b|block ?list|black ?list|deny ?list|blocked using|(?<!not )\blisted (?:at|on|by|in)\b|\b(?:is|are|been) listed\b|banned sending ip|on our block|\((?:DYN|RTR|RLY|HVU|IPTS|DNS):[A-Z0-9]{1,4}\)/i,
  },
  {
    id: "reputation",
    reason: "badreputation",
    text: /reputation|\bsender score|sender (?:is )?(?:not )?trusted|\bsuspicious due to/i,
  },
  // Greylisting refuses the client for now (Sisimai files it under blocked); a retry is all it takes.
  {
    id: "greylisting",
    reason: "blocked",
    when: "temporary",
    layer: "envelope",
    recommended: "retry",
    transient: true,
    text:
      /gr[ae]y ?list|gr[ae]ylisted|\bgr[ae]ying\b|please try again in \d+ ?(?:s|sec|seconds|minutes?)|temporarily deferred[^.;]{0,30}try again|postgrey|not yet authorized to deliver/i,
  },
];
