/**
 * The last reason rules: loops, local delivery programs and mailbox files,
 * client restrictions, RFC 5322 compliance, content format, security,
 * policy, syntax, and the network and system words that name no lasting
 * cause. Tried after the session and mailbox rules.
 */
import type { ReasonRule } from "./reason-rule.ts";

/** The fallback rules, in order. */
export const FALLBACK_RULES: readonly ReasonRule[] = [
  // A message that came back around: a fault of the receiving system's routing.
  {
    id: "loop",
    reason: "systemerror",
    text:
      /mail (?:forwarding )?loop|loop(?:ing)? (?:was )?detected|routing loop|loops? back to myself|too many hops|hop count (?:exceeded|too high)|too many (?:"?received"?|delivered-to) (?:headers|lines)/i,
  },
  // Local delivery: a program (|/path) that failed, a mailbox file that could not be written.
  {
    id: "mailer",
    reason: "mailererror",
    text:
      /mailer (?:error|failed)|command died|\bmda\b|\/bin\/(?:ba|da)?sh: |command not found|command (?:output|time limit)|pipe to \||child process of \S{1,64} transport|returned \d{1,3} from command|\bexit (?:status|code) \d|procmail|maildrop|local delivery (?:agent )?failed|delivery program|unknown mailer error|unknown mail system error \d|command died with status|returned (?:an )?error code|command line usage error|service unavailable\. command output/i,
  },
  {
    id: "mailbox-file",
    reason: "systemerror",
    text:
      /cannot (?:update|append to|write to|open) (?:the )?mailbox|cannot append (?:message )?to (?:file|mailbox)|cannot create file|error writing message|(?:mailbox|mail spool) file[^.;]{0,40}(?:error|failed|cannot|permission)|cannot (?:create|lock) (?:mailbox|lock file|the mailbox)|unable to (?:write|lock|open) (?:the )?mailbox|(?:file|mailbox) (?:is )?(?:locked|not writable)/i,
  },
  // What the recipient's organisation does not allow is its policy, even when the reply opens with "Access denied".
  {
    id: "organisation-policy",
    reason: "policyviolation",
    text:
      /does not allow (?:external|forwarding|messages from|mail from)|not permitted by (?:your|the|its) organi[sz]ation|organi[sz]ation(?:'s)? (?:security )?policy|(?:do not|don't) have permission to send/i,
  },
  {
    id: "ip-blocked",
    reason: "blocked",
    text:
      /client host (?:\[[^\]]{1,64}\] )?(?:rejected|blocked)|(?:your|sending|client|remote|connecting) (?:ip|host|server|address|mail server)[^.;]{0,40}(?:blocked|banned|rejected|refused|denied|not allowed|not permitted)|(?:ip|host) (?:address )?(?:\S+ )?(?:is |has been )?(?:blocked|banned|blacklisted)|messages from \d{1,3}(?:\.\d{1,3}){3}[^.;]{0,40}(?:deferred|rejected|blocked)|access denied|connection (?:rejected|denied) (?:by|from|due)|not allowed to (?:send|connect)|the ip (?:address )?you(?:'re| are) using|not authori[sz]ed to send (?:e-?mail |mail )?directly|^blocked\b|\bblocked\s*[-:]|temporarily blocked|dynamic (?:ip|address)|dialup|residential/i,
  },
  {
    id: "content",
    reason: "contenterror",
    text:
      /\bheader(?:s)?\b[^.;]{0,40}(?:invalid|malformed|missing|too (?:long|many)|not allowed|rejected|syntax)|(?:invalid|malformed|missing|duplicate) (?:\S+ )?header|\bmime\b|malformed (?:message|mail|content)|message (?:content|body) (?:rejected|not accepted)|bare lf|line (?:is )?too long|8-?bit|improper (?:use|format)|rfc ?(?:2)?822|rfc ?5322|not rfc|invalid (?:message|content)|message (?:is )?corrupt|attachment[^.;]{0,30}(?:not allowed|rejected|blocked|banned|prohibited)|(?:banned|prohibited|forbidden|blocked) (?:file |attachment)|file type|(?:content|attachment)[^.;]{0,40}(?:potential )?security (?:issue|risk)/i,
  },
  {
    id: "security",
    reason: "securityerror",
    text:
      /security (?:policy|error|violation|reasons|check)|ssl (?:handshake|error)|cipher|untrusted sender|sender (?:is )?not trusted/i,
  },
  // A refusal of the message that gives no reason at all: refused after the data was sent (Sisimai's filtered).
  {
    id: "message-refused",
    reason: "filtered",
    text: /\bmessage (?:was )?(?:rejected|refused|not accepted)\s*[.;!]?\s*$/i,
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
    id: "network",
    reason: "networkerror",
    transient: true,
    text:
      /connection (?:refused|timed out|reset|closed|lost|dropped)|tried all mxs?\b|all mx (?:hosts |servers )?(?:failed|unreachable)|lost connection|no route to host|network (?:is )?unreachable|host (?:is )?unreachable|conversation with [^ ]{1,255} timed out|timed out while|timeout (?:while|waiting|after|reading|connecting)|could not connect|unable to connect|connect to [^ ]{1,255} (?:failed|refused)|broken pipe|no answer from|malformed or unexpected name server reply|no mx host|unexpected end of file/i,
  },
  {
    id: "system",
    reason: "systemerror",
    transient: true,
    text:
      /system error|internal (?:server )?error|server error|local (?:configuration )?error|configuration error|misconfigur|temporary (?:local )?(?:problem|failure|error)|service (?:is )?(?:not )?(?:available|unavailable)|resources temporarily unavailable|try again later|system (?:is )?(?:busy|overloaded|unavailable)/i,
  },
];
