/**
 * Bounce layouts of the MTAs that run on Unix-like systems, written from
 * each program's own source and documentation: Postfix (bounce(8)
 * templates), Exim (its default bounce text), Sendmail (new and V5
 * transcripts), qmail and its descendants (qmail-send's notice, also used
 * by netqmail, notqmail, vpopmail and qmail-ldap), Courier (its DSN's text
 * part), OpenSMTPD (bounce.c), Haraka (outbound bounce), Apache James (its
 * bounce mailet), Sun/Oracle Messaging Server, MDaemon, IMail, the
 * DragonFly Mail Agent and GNU Mailman-style list servers (fml).
 */
import { ADDR, type MtaFormat, RETURNED_MESSAGE_MARKER } from "./shapes.ts";

/** The Unix MTAs, most specific first. */
export const UNIX_FORMATS: readonly MtaFormat[] = [
  {
    id: "postfix",
    name: "Postfix",
    detect:
      /^This is the mail system at host |^\s*The mail system\s*$|^I'm sorry to have to inform you that your message could not|^hdr\.x-postfix-(?:sender|queue-id):/m,
    start: /^\s*The mail system\s*$/m,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(String.raw`^<(${ADDR})>(?: \(expanded from <[^>]{0,256}>\))?:`, "gm"),
  },
  {
    id: "opensmtpd",
    name: "OpenSMTPD",
    detect:
      /This is the MAILER-DAEMON, please DO NOT REPLY to this e-?mail|^hdr\.received: from [^\n]{0,200}\(OpenSMTPD\)/im,
    start: /following (?:list of )?recipients:|has been delayed for the following recipients:/i,
    end: /^\s*Below is a copy of the original message/im,
    // "addr: <the error>": a reply, or the words of a delivery program that failed.
    recipient: new RegExp(String.raw`^[ \t]*<?(${ADDR})>?:[ \t]`, "gm"),
  },
  {
    id: "haraka",
    name: "Haraka",
    detect:
      /^hdr\.received: \(Haraka outbound\)|We were unable to deliver your message to the following addresses|\bHaraka\b/im,
    start: /unable to deliver your message to the following addresses\.?/i,
  },
  {
    id: "courier",
    name: "Courier",
    detect: /running the Courier mail server|Courier mail server at /i,
    start:
      /following recipients cannot be delivered:?|cannot be delivered to the following|following recipients? (?:cannot|could not)|has not been delivered to the following|delayed to the following/i,
  },
  {
    id: "exim",
    name: "Exim",
    detect:
      /This message was created automatically by mail delivery software|^A message that you sent (?:could not be delivered|has not yet been delivered)|The following address\(es\) failed:|^hdr\.x-failed-recipients:/im,
    start:
      /following address(?:\(es\))? (?:failed|are still in the queue|have been delayed):?|address(?:es)? to which the message has not yet been delivered (?:is|are):|could not be delivered to one or more of its\s+recipients[^\n]*|has not yet been delivered to one or more of its\s+recipients[^\n]*/i,
    end:
      /^[ \t]*-{2,}[ \t]*this is a copy of|^[ \t]*-{2,}[ \t]*the header of the original|^No action is required on your part|^Reporting-MTA: /im,
  },
  {
    id: "sendmail",
    name: "Sendmail",
    detect: /-{3,} The following addresses had (?:permanent fatal|transient non-fatal) errors -{3,}/,
    start: /-{3,} The following addresses had (?:permanent fatal|transient non-fatal) errors -{3,}/,
    // The transcript after the list interleaves every recipient's replies: each recipient's own
    // "(reason: …)" line is its diagnostic.
    end:
      /-{3,} (?:Transcript of session|Original message|Message header|Message body|Returned message|Unsent message) follows/,
  },
  {
    id: "v5sendmail",
    name: "Sendmail V5 and older",
    detect: /-{3,} Transcript of session follows -{3,}/,
    start: /-{3,} Transcript of session follows -{3,}/,
    end: /-{3,} (?:Unsent message|Original message|Returned message|Message header)s? follows/,
  },
  {
    id: "qmail",
    name: "qmail (and netqmail, notqmail, vpopmail, qmail-ldap)",
    detect:
      /This is the qmail-send program at |I'm afraid I wasn't able to deliver your message to the following addresses|qmail-remote|\bvpopmail \(#/,
    start: /wasn't able to deliver your message to the following addresses|qmail-send program at[^\n]*/,
    recipient: new RegExp(String.raw`^<(${ADDR})>:\s*`, "gm"),
  },
  {
    id: "james",
    name: "Apache James",
    detect: /^Error message below:|^Message details:\s*$|^hdr\.x-mailer: Apache James|James Mail Server/im,
    start: /^Message details:/im,
  },
  {
    id: "messagingserver",
    name: "Sun/Oracle Communications Messaging Server",
    detect: /This report relates to a message you sent with the following header fields|^\s*Recipient address: \S+@/m,
    start: /cannot be delivered to the following recipients:|following recipients?:/i,
  },
  {
    id: "mdaemon",
    name: "MDaemon",
    detect: /The attached message had PERMANENT fatal delivery errors|^hdr\.from: MDaemon|--- Session Transcript ---/im,
    start: /PERMANENT fatal delivery errors!?|--- Session Transcript ---/i,
  },
  {
    id: "imail",
    name: "Ipswitch IMail",
    detect: /^hdr\.subject: Undeliverable Mail\s*$|^hdr\.x-mailer: <?IMail|Body of message generated response:/im,
  },
  {
    id: "dragonfly",
    name: "DragonFly Mail Agent (dma)",
    detect: /This is the DragonFly Mail Agent|There was an error delivering your mail to </,
    recipient: new RegExp(String.raw`error delivering your mail to <(${ADDR})>`, "gm"),
  },
  {
    id: "fml",
    name: "fml (mailing list server)",
    detect: /^hdr\.x-mlserver: fml|^hdr\.x-ml-name:|You are not a member of this mailing list/im,
    recipient: new RegExp(String.raw`^[ \t]*<?(${ADDR})>?:?[ \t]*$|mailing list <(${ADDR})>`, "gm"),
  },
];
