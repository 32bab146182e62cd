/**
 * Reason rules about the message and the mailbox: spam, storage, size, the
 * sender and recipient addresses, moved and disabled mailboxes, domains that
 * take no mail or do not exist, relaying and the recipient's own filter.
 * Tried after the session rules.
 */
import type { ReasonRule } from "./reason-rule.ts";

/** The mailbox rules, in order. */
export const MAILBOX_RULES: readonly ReasonRule[] = [
  // RFC 5322 compliance (several From addresses, duplicated or missing required headers) before generic header words.
  {
    id: "not-rfc-compliant",
    reason: "notcompliantrfc",
    text:
      /not (?:rfc ?5322|rfc ?2822|rfc)[- ]?compliant|(?:rfc ?5322|rfc ?2822) (?:compliance|violation|section)|multiple (?:addresses|senders|authors|mailboxes) in (?:the )?from|(?:more than one|several|multiple) (?:from|sender) (?:address|header|field)|duplicate (?:[\w-]+ )?(?:header|field)s?\b|messages? missing a valid (?:address in )?(?:from|date|message-id)|(?:missing|no|without (?:a |an )?)(?:valid )?(?:from|date|message-id)(?: header| field)\b|header (?:field )?(?:is )?(?:duplicated|repeated)/i,
  },
  {
    id: "spam",
    reason: "spamdetected",
    text:
      /\bspam\b|spamassassin|\bjunk mail|unsolicited (?:bulk |commercial )?(?:mail|email|message)|\bube\b|\bbulk (?:mail|email)|content (?:was )?(?:rejected|blocked|filtered) as|message (?:has been )?(?:classified|identified|detected|marked|blocked) as|looks like spam|score (?:too high|exceeded)|high (?:spam )?score/i,
  },
  {
    id: "mailbox-full",
    reason: "mailboxfull",
    text:
      /mailbox (?:is )?full|full mailbox|mail ?box (?:quota|size)|(?:over|exceeded?|exceeds|reached|above) (?:the |their |his |her |its |your )?(?:storage |mailbox |disk |mail )?(?:quota|storage (?:allocation|limit)|allowed size)|quota ?(?:exceeded|full|reached|limit)|insufficient (?:storage|space) (?:in|for) (?:the )?(?:mail ?box|account)|(?:mailbox|inbox|account) (?:has )?(?:exceeded|no space|out of storage|is over)|user(?:'s)? (?:mailbox )?is over|out of storage|not enough (?:space|storage) (?:in|for) (?:the )?mail ?box|file too large|mailbox size limit|the (?:email )?account that you tried to reach is over quota|user has (?:too many messages|exhausted)/i,
  },
  {
    id: "system-full",
    reason: "systemfull",
    text:
      /insufficient system (?:storage|resources)|(?:system|server|disk|file ?system) (?:is )?full|out of (?:disk|storage) space|no space left|mail system full/i,
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
      /sender (?:address )?(?:rejected|refused|denied|invalid|unknown|not allowed|blocked)|(?:invalid|bad|unknown) sender|sender (?:domain )?(?:does not|doesn't) exist|sender verify failed|mail from (?:address )?(?:rejected|refused|denied)|domain of sender (?:address )?(?:\S+ )?does not exist|not owned by user|sender (?:is )?(?:not )?(?:permitted|authori[sz]ed)|your (?:e-?mail )?address (?:has been )?(?:rejected|blocked)|null sender|from address (?:is )?(?:invalid|rejected|not allowed)|not a member of (?:this|the) (?:mailing )?list|(?:not have|no) permission to post|not allowed to post/i,
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
  {
    id: "relay",
    reason: "norelaying",
    text:
      /\brelay(?:ing)? (?:access |mail )?(?:is )?(?:denied|not permitted|not allowed|prohibited|refused|disabled)|unable to relay|not (?:permitted|allowed|authori[sz]ed) to relay|(?:do|does|will) not relay|allowed rcpthosts|relaying (?:is )?(?:not )?(?:allowed|permitted)|tenantattribution|relay not permitted|no relaying|relay(?:ing)? (?:is )?disallowed/i,
  },
  // Temporary DNS trouble reads like "host not found" but says "try again".
  {
    id: "dns-temporary",
    reason: "networkerror",
    transient: true,
    text:
      /host not found, try again|name service error[^.;]{0,80}try again|temporary (?:dns|lookup|name resolution) (?:failure|error)|dns (?:lookup )?(?:timeout|timed out|servfail)|servfail/i,
  },
  {
    id: "host-unknown",
    reason: "hostunknown",
    text:
      /host (?:or domain name )?not found|domain (?:name )?not found|unrouteable (?:address|mail domain)|unroutable|no (?:mx|mail exchanger|valid mx)|mx (?:record )?(?:lookup )?(?:failed|not found)|(?:domain|host) (?:does not|doesn't) exist|no such (?:domain|host)|unknown (?:domain|host)|could not be found in (?:the )?(?:domain name service|dns)|not found in dns|nxdomain|name or service not known|all relevant mx records point to non-existent hosts|recipient domain (?:is )?(?:invalid|unknown)|invalid (?:recipient )?domain|(?:bad|invalid) destination (?:system|domain|host)/i,
  },
  {
    id: "user-unknown",
    reason: "userunknown",
    text:
      /user (?:is )?unknown|unknown (?:user|recipient|local[- ]part|address|mailbox|account)|no such (?:user|recipient|mailbox|account|address|local user|person)|(?:user|recipient|mailbox|address|account|addressee) (?:\S+ )?(?:does not|doesn't|did not) exist|(?:user|recipient|mailbox|account|address|addressee)(?: \S+)? not (?:found|known|listed|valid|exist)|(?:invalid|bad|unknown|nonexistent|non-existent|inexistent) (?:recipient|mailbox|user|address|destination mailbox)|not (?:a )?valid (?:recipient|mailbox|user|address)|recipient (?:address )?rejected: (?:user|undeliverable|unknown|no such|invalid|not|access denied)|recipnotfound|<[^<>\s]{1,300}>:? recipient (?:address )?(?:rejected|refused)\s*[.;]?\s*$|resolver\.adr\.|not listed in (?:domino|the) (?:directory|public name)|doesn'?t have an? [\w.-]{1,40} account|(?:email )?account (?:that you tried to reach )?does not exist|mailbox (?:not found|unavailable|does not exist|name not allowed)|no mailbox|no (?:valid )?recipients?|address (?:is )?(?:invalid|unknown|not recognized)|(?:recipient|user) (?:not )?(?:in|on) (?:the )?(?:valid )?recipient (?:list|table)|local recipient table|unknown in (?:virtual|relay)|invalid address|not our customer|no longer (?:exists|valid|active)|dest(?:ination)? address (?:is )?(?:unknown|invalid)/i,
  },
  {
    id: "recipient-filter",
    reason: "filtered",
    text:
      /user (?:has )?reject|rejected by (?:the )?(?:recipient|user)|recipient has (?:blocked|rejected)|recipient (?:blocked|rejected) (?:you|your|this sender|the sender|messages? from)|blocked by (?:the )?(?:recipient|user)|does not (?:wish|want) to receive|refuse(?:s|d)? (?:to accept )?(?:mail|messages) from (?:you|this sender)|recipient(?:'s)? filter|mail (?:is )?refused by (?:the )?recipient/i,
  },
];
