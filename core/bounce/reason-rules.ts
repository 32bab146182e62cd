/**
 * Reason rules as data: the wording receiving servers and providers use, in
 * the order it must be tried (the first rule whose pattern matches the
 * diagnostic text decides). Ordered from the most telling words to the most
 * generic, because servers reuse each other's words: "SPF" in a rejection is
 * an authentication failure even when it also says "policy", a Spamhaus
 * listing is a block even though it says "spam", "Host not found, try again"
 * is a network error and not an unknown host.
 *
 * `when` limits a rule to temporary (4xx / 4.x.x) or permanent failures.
 * Patterns run on whitespace-collapsed, untrusted text capped at a few KiB:
 * gaps are bounded and no quantifier is nested.
 */
import type { Reason } from "./reasons.ts";

/** One piece of wording and the reason it means. */
export interface ReasonRule {
  id: string;
  reason: Reason;
  text: RegExp;
  when?: "temporary" | "permanent";
}

/** The table, first match wins. */
export const REASON_RULES: readonly ReasonRule[] = [
  // Queue gave up: the text of the bounce says so whatever the last error was.
  {
    id: "expired-queue",
    reason: "expired",
    text:
      /retry time(?:out)? (?:not reached|exceeded)|delivery time expired|message expired|(?:has been|was) (?:in the queue|queued) too long|too long in (?:the )?queue|could not be delivered for (?:more than )?\d+|maximum time for delivery|giving up on (?:this )?message|delivery (?:attempts )?(?:will stop|has expired)|\bexpired after\b|time limit exceeded for delivery/i,
  },
  // Encryption and SMTP AUTH (the sender's own session), before any wording about "authentication".
  {
    id: "requiretls",
    reason: "tlsrequired",
    text:
      /requiretls|must issue a starttls|starttls (?:is )?required|(?:tls|encryption|ssl) (?:is )?(?:required|needed)|requires? (?:a )?(?:tls|starttls|encryption|secure connection)|must use (?:tls|starttls|encryption)/i,
  },
  {
    id: "rate",
    reason: "ratelimited",
    text:
      /too many (?:connections|messages|mails|emails|recipients|sessions|concurrent|simultaneous|errors|invalid)|rate[- ]limit|throttl|\bunusual rate|sending rate|(?:message|connection|recipient|submission) rate|rate (?:of|that|exceeded)|receiving mail at a rate|exceeded the (?:maximum|configured|allowed) (?:number|rate|limit)|(?:daily|hourly) (?:sending |message )?(?:limit|quota)|(?:sending|message|submission) (?:quota|limit) (?:exceeded|reached)|submissionquotaexceeded|recipientthresholdexceeded|connection limit|too much mail|try (?:again )?later[^.;]{0,40}(?:volume|load)|unexpected volume/i,
  },
  // Sender authentication in DNS (SPF, DKIM, DMARC, ARC).
  {
    id: "dns-authentication",
    reason: "authfailure",
    text:
      /\bspf\b|\bdkim\b|\bdmarc\b|\barc validation|sender policy framework|unauthenticated (?:email|mail|message)|sender (?:is )?unauthenticated|does not (?:pass|meet) (?:the )?(?:authentication|sender authentication)|authentication checks? (?:failed|failure)|fails? to pass (?:sender |the )?authentication|(?:no|lacks?) authentication information|not authenticated by the sender domain|domain (?:authentication|alignment)/i,
  },
  {
    id: "smtp-auth",
    reason: "smtpauth",
    text:
      /smtp auth|authentication (?:is )?required|authentication unsuccessful|authentication credentials invalid|\bauth(?:entication)? failed|invalid credentials|username and password not accepted|please authenticate|must (?:be )?authenticated?\b|not authenticated|authentication mechanism is too weak|application-specific password|app password/i,
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
      /spamhaus|spamcop|barracuda|\bsorbs\b|\bdnsbl|\brbl\b|\buceprotect|abuseat|\bcbl\b|block ?list|black ?list|deny ?list|blocked using|(?<!not )\blisted (?:at|on|by|in)\b|\b(?:is|are|been) listed\b|banned sending ip|on our block/i,
  },
  {
    id: "reputation",
    reason: "badreputation",
    text: /reputation|\bsender score|sender (?:is )?(?:not )?trusted|\bsuspicious due to/i,
  },
  {
    id: "greylisting",
    reason: "greylisted",
    when: "temporary",
    text:
      /gr[ae]y ?list|gr[ae]ylisted|\bgr[ae]ying\b|please try again in \d+ ?(?:s|sec|seconds|minutes?)|temporarily deferred[^.;]{0,30}try again|postgrey|not yet authorized to deliver/i,
  },
  {
    id: "spam",
    reason: "spamdetected",
    text:
      /\bspam\b|spamassassin|\bjunk mail|unsolicited (?:bulk |commercial )?(?:mail|email|message)|\bube\b|\bbulk (?:mail|email)|content (?:was )?(?:rejected|blocked|filtered) as|message (?:has been )?(?:classified|identified|detected|marked|blocked) as|looks like spam|score (?:too high|exceeded)|high (?:spam )?score/i,
  },
  {
    id: "system-full",
    reason: "systemfull",
    text:
      /insufficient system (?:storage|resources)|(?:system|server|disk|file ?system) (?:is )?full|out of (?:disk|storage) space|no space left|mail system full/i,
  },
  {
    id: "mailbox-full",
    reason: "mailboxfull",
    text:
      /mailbox (?:is )?full|full mailbox|mail ?box (?:quota|size)|(?:over|exceeded?|exceeds|reached|above) (?:the |their |his |her |its |your )?(?:storage |mailbox |disk |mail )?(?:quota|storage (?:allocation|limit)|allowed size)|quota ?(?:exceeded|full|reached|limit)|insufficient (?:storage|space) (?:in|for) (?:the )?(?:mail ?box|account)|(?:mailbox|inbox|account) (?:has )?(?:exceeded|no space|out of storage|is over)|user(?:'s)? (?:mailbox )?is over|out of storage|not enough (?:space|storage) (?:in|for) (?:the )?mail ?box|file too large|mailbox size limit|the (?:email )?account that you tried to reach is over quota|user has (?:too many messages|exhausted)/i,
  },
  {
    id: "too-large",
    reason: "emailtoolarge",
    text:
      /too (?:big|large)|message size|size (?:exceeds|limit|of the message)|exceeds (?:the )?(?:maximum |fixed |max )?(?:message |allowed |size )?(?:size|length|limit)|message length exceeds|larger than (?:the )?(?:allowed|maximum|permitted)|maximum (?:message )?size|message (?:is )?larger/i,
  },
  {
    id: "sender-rejected",
    reason: "rejected",
    text:
      /sender (?:address )?(?:rejected|refused|denied|invalid|unknown|not allowed|blocked)|(?:invalid|bad|unknown) sender|sender (?:domain )?(?:does not|doesn't) exist|sender verify failed|mail from (?:address )?(?:rejected|refused|denied)|domain of sender (?:address )?(?:\S+ )?does not exist|not owned by user|sender (?:is )?(?:not )?(?:permitted|authori[sz]ed)|your (?:e-?mail )?address (?:has been )?(?:rejected|blocked)|null sender|from address (?:is )?(?:invalid|rejected|not allowed)/i,
  },
  {
    id: "moved",
    reason: "hasmoved",
    text:
      /has moved|mailbox moved|moved (?:permanently|to)|address (?:has )?changed|no forwarding address|is no longer (?:valid|in use|at|with)|new address is/i,
  },
  {
    id: "suspended",
    reason: "suspend",
    text:
      /mailbox (?:is )?(?:disabled|inactive|suspended|locked|frozen|blocked)|account (?:is |has been )?(?:disabled|inactive|suspended|deactivated|locked|frozen|expired|closed|terminated)|(?:disabled|suspended|inactive|deactivated) (?:mailbox|account|user|recipient)|user (?:account )?(?:is )?(?:disabled|suspended|inactive|deactivated)|mailbox unavailable: disabled|not (?:currently )?active|recipient (?:is )?(?:inactive|suspended)/i,
  },
  {
    id: "null-mx",
    reason: "notaccept",
    text:
      /null mx|does not accept (?:any )?(?:e-?mail|mail|messages)|accepts no mail|not accepting (?:any )?(?:e-?mail|mail|messages)|domain (?:does not|doesn't) receive mail/i,
  },
  // Temporary DNS trouble reads like "host not found" but says "try again".
  {
    id: "dns-temporary",
    reason: "networkerror",
    text:
      /host not found, try again|name service error[^.;]{0,80}try again|temporary (?:dns|lookup|name resolution) (?:failure|error)|dns (?:lookup )?(?:timeout|timed out|servfail)|servfail/i,
  },
  {
    id: "host-unknown",
    reason: "hostunknown",
    text:
      /host (?:or domain name )?not found|domain (?:name )?not found|unrouteable (?:address|mail domain)|unroutable|no (?:mx|mail exchanger|valid mx)|mx (?:record )?(?:lookup )?(?:failed|not found)|(?:domain|host) (?:does not|doesn't) exist|no such (?:domain|host)|unknown (?:domain|host)|nxdomain|name or service not known|all relevant mx records point to non-existent hosts|recipient domain (?:is )?(?:invalid|unknown)|invalid (?:recipient )?domain|(?:bad|invalid) destination (?:system|domain|host)/i,
  },
  {
    id: "user-unknown",
    reason: "userunknown",
    text:
      /user (?:is )?unknown|unknown (?:user|recipient|local[- ]part|address|mailbox|account)|no such (?:user|recipient|mailbox|account|address|local user|person)|(?:user|recipient|mailbox|address|account|addressee) (?:\S+ )?(?:does not|doesn't|did not) exist|(?:user|recipient|mailbox|account|address|addressee)(?: \S+)? not (?:found|known|listed|valid|exist)|(?:invalid|bad|unknown|nonexistent|non-existent|inexistent) (?:recipient|mailbox|user|address|destination mailbox)|not (?:a )?valid (?:recipient|mailbox|user|address)|recipient (?:address )?rejected: (?:user|undeliverable|unknown|no such|invalid|not|access denied)|recipnotfound|resolver\.adr\.|not listed in (?:domino|the) (?:directory|public name)|doesn'?t have an? [\w.-]{1,40} account|(?:email )?account (?:that you tried to reach )?does not exist|mailbox (?:not found|unavailable|does not exist|name not allowed)|no mailbox|no (?:valid )?recipients?|address (?:is )?(?:invalid|unknown|not recognized)|(?:recipient|user) (?:not )?(?:in|on) (?:the )?(?:valid )?recipient (?:list|table)|local recipient table|unknown in (?:virtual|relay)|invalid address|not our customer|no longer (?:exists|valid|active)|dest(?:ination)? address (?:is )?(?:unknown|invalid)/i,
  },
  {
    id: "relay",
    reason: "norelaying",
    text:
      /\brelay(?:ing)? (?:access |mail )?(?:is )?(?:denied|not permitted|not allowed|prohibited|refused|disabled)|unable to relay|not (?:permitted|allowed|authori[sz]ed) to relay|(?:do|does|will) not relay|allowed rcpthosts|relaying (?:is )?(?:not )?(?:allowed|permitted)|tenantattribution|relay not permitted|no relaying/i,
  },
  {
    id: "recipient-filter",
    reason: "filtered",
    text:
      /user (?:has )?reject|rejected by (?:the )?(?:recipient|user)|recipient (?:has )?(?:blocked|rejected)|blocked by (?:the )?(?:recipient|user)|does not (?:wish|want) to receive|refuse(?:s|d)? (?:to accept )?(?:mail|messages) from (?:you|this sender)|recipient(?:'s)? filter|mail (?:is )?refused by (?:the )?recipient/i,
  },
  {
    id: "ip-blocked",
    reason: "blocked",
    text:
      /client host (?:\[[^\]]{1,64}\] )?(?:rejected|blocked)|(?:your|sending|client|remote|connecting) (?:ip|host|server|address|mail server)[^.;]{0,40}(?:blocked|banned|rejected|refused|denied|not allowed|not permitted)|(?:ip|host) (?:address )?(?:\S+ )?(?:is |has been )?(?:blocked|banned|blacklisted)|access denied|connection (?:refused|rejected|denied) (?:by|from|due)|not allowed to (?:send|connect)|the ip (?:address )?you(?:'re| are) using|not authori[sz]ed to send (?:e-?mail |mail )?directly|^blocked\b|\bblocked\s*[-:]|temporarily blocked|dynamic (?:ip|address)|dialup|residential/i,
  },
  {
    id: "content",
    reason: "contenterror",
    text:
      /\bheader(?:s)?\b[^.;]{0,40}(?:invalid|malformed|missing|too (?:long|many)|not allowed|rejected|syntax)|(?:invalid|malformed|missing|duplicate) (?:\S+ )?header|\bmime\b|malformed (?:message|mail|content)|message (?:content|body) (?:rejected|not accepted)|bare lf|line (?:is )?too long|8-?bit|improper (?:use|format)|rfc ?(?:2)?822|rfc ?5322|not rfc|invalid (?:message|content)|message (?:is )?corrupt|attachment[^.;]{0,30}(?:not allowed|rejected|blocked|banned|prohibited)|(?:banned|prohibited|forbidden|blocked) (?:file |attachment)|file type/i,
  },
  {
    id: "security",
    reason: "securityerror",
    text:
      /certificate|tls (?:handshake|negotiation)|ssl (?:handshake|error)|security (?:policy|error|violation|reasons)|\bdane\b|mta-sts|cipher/i,
  },
  {
    id: "policy",
    reason: "policyviolation",
    text:
      /\bpolic(?:y|ies)\b|prohibited|not (?:allowed|permitted|authori[sz]ed)|administrative(?:ly)? prohibit|delivery not authori[sz]ed|message refused|rejected (?:by|due to) (?:local |site )?(?:rules|configuration|administrator)|denied by (?:rule|administrator)|restricted|forbidden/i,
  },
  {
    id: "syntax",
    reason: "syntaxerror",
    text:
      /syntax error|command (?:not )?(?:unrecognized|recognized|implemented)|unrecognized command|invalid command|bad sequence of commands|parameter(?:s)? (?:not (?:recognized|implemented)|error)|line length exceeded/i,
  },
  {
    id: "mailer",
    reason: "mailererror",
    text:
      /mailer (?:error|failed)|command died|pipe to \||\bexit (?:status|code) \d|procmail|local delivery (?:agent )?failed|delivery program|unknown mailer error|returned (?:an )?error code/i,
  },
  {
    id: "network",
    reason: "networkerror",
    text:
      /connection (?:refused|timed out|reset|closed|lost|dropped)|lost connection|no route to host|network (?:is )?unreachable|host (?:is )?unreachable|conversation with [^ ]{1,255} timed out|timed out while|timeout (?:while|waiting|after|reading|connecting)|could not connect|unable to connect|connect to [^ ]{1,255} (?:failed|refused)|broken pipe|no answer from|malformed or unexpected name server reply|no mx host|unexpected end of file/i,
  },
  {
    id: "system",
    reason: "systemerror",
    text:
      /system error|internal (?:server )?error|server error|local (?:configuration )?error|configuration error|misconfigur|mail (?:loop|forwarding loop)|routing loop|loops? back to myself|too many hops|hop count exceeded|temporary (?:local )?(?:problem|failure|error)|service (?:is )?(?:not )?(?:available|unavailable)|resources temporarily unavailable|try again later|system (?:is )?(?:busy|overloaded|unavailable)/i,
  },
];
