/**
 * Layouts of mail gateways, filters and groupware, from each vendor's
 * documentation of its notification templates: HCL/Lotus Domino (and
 * Notes), McAfee/MXLogic, Symantec MessageLabs, Barracuda, Trend Micro
 * InterScan MSS, SurfControl, NetIQ/Trustwave MailMarshal, MailFoundry,
 * Transware Active!hunter, Digital Arts m-FILTER, Proofpoint, Mimecast,
 * Kerio Connect and SmarterMail.
 */
import { ADDR, type MtaFormat } from "./shapes.ts";

/** Gateways and groupware, by their signatures. */
export const APPLIANCE_FORMATS: readonly MtaFormat[] = [
  {
    id: "domino",
    name: "HCL/Lotus Domino and Notes",
    detect:
      /was not delivered to:\s+\S+@|Domino Directory|Lotus Domino|^hdr\.x-mailer: (?:Lotus|IBM|HCL) (?:Notes|Domino)/im,
    start: /was not delivered to:/i,
  },
  {
    id: "activehunter",
    name: "Active!hunter",
    detect: /^hdr\.x-ahmailid:|Active!hunter/im,
    start: /-{3,} The following addresses had (?:permanent fatal|transient non-fatal) errors -{3,}/,
  },
  {
    id: "mfilter",
    name: "m-FILTER",
    detect: /m-FILTER|^-{5,}server message\s*$/im,
    start: /^-{5,}server message/im,
    recipient: new RegExp(String.raw`^RCPT TO:?\s*<?(${ADDR})>?|^\s*<?(${ADDR})>?\s*$`, "gim"),
  },
  {
    id: "mxlogic",
    name: "McAfee / MXLogic",
    detect:
      /^hdr\.x-mxl-(?:hash|notehash):|^hdr\.received: from [^\n]{0,200}mxlogic\.net|^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*(?:mxlogic\.net|mcafee\.com)|McAfee (?:Email|SaaS)/im,
  },
  {
    id: "messagelabs",
    name: "Symantec MessageLabs",
    detect:
      /^hdr\.x-msg-ref: [^\n]{0,80}messagelabs|messagelabs\.com|^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*messagelabs\.com/im,
  },
  {
    id: "barracuda",
    name: "Barracuda",
    detect: /^hdr\.x-barracuda|\bBarracuda\b[^\n]{0,40}(?:Spam Firewall|Email Security|Networks)/im,
  },
  {
    id: "interscanmss",
    name: "Trend Micro InterScan MSS",
    detect: /^hdr\.subject: Mail could not be delivered\s*$|InterScan|^Sent <<< /im,
    recipient: new RegExp(String.raw`^Sent <<< RCPT TO:?\s*<(${ADDR})>|^\s*<?(${ADDR})>?\s*$`, "gim"),
  },
  {
    id: "surfcontrol",
    name: "SurfControl",
    detect: /^hdr\.x-sef-|SurfControl/im,
    start: /following recipients were affected:?/i,
  },
  {
    id: "mailmarshal",
    name: "MailMarshal",
    detect: /MailMarshal|^hdr\.x-mailmarshal/im,
    start: /following recipients were affected:?/i,
  },
  {
    id: "mailfoundry",
    name: "MailFoundry",
    detect: /MailFoundry|^Unable to deliver message to: </im,
    recipient: new RegExp(String.raw`^Unable to deliver message to: <?(${ADDR})>?`, "gim"),
  },
  {
    id: "proofpoint",
    name: "Proofpoint",
    detect: /^hdr\.x-proofpoint-|pphosted\.com/im,
  },
  {
    id: "mimecast",
    name: "Mimecast",
    detect: /^hdr\.x-mc-(?:unique|system)|mimecast\.com/im,
  },
  {
    id: "kerio",
    name: "Kerio Connect",
    detect: /Kerio (?:Connect|MailServer)/i,
  },
  {
    id: "smartermail",
    name: "SmarterMail",
    detect: /SmarterMail/i,
  },
];
