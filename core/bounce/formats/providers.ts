/**
 * Layouts of the mailbox providers and sending services, each from the
 * provider's published help on bounce messages and error codes, or from
 * the MTA the provider is known to run (its Received and From headers say
 * which): Gmail and Google Groups, Yahoo and AOL, Zoho, GMX and web.de,
 * 1&1/IONOS, Mail.ru, Yandex, Verizon, Amazon SES (mail and SNS JSON),
 * Amazon WorkMail, SendGrid, iCloud, Facebook.
 */
import { ADDR, type MtaFormat, RETURNED_MESSAGE_MARKER } from "./shapes.ts";

const _from = (domains: string) =>
  new RegExp(String.raw`^hdr\.from:[^\n]{0,200}@(?:[\w-]{1,63}\.){0,4}(?:${domains})\b`, "im");

/** Providers, by their signatures. */
export const PROVIDER_FORMATS: readonly MtaFormat[] = [
  {
    id: "googlegroups",
    name: "Google Groups",
    detect: /Google Groups|^hdr\.x-google-group-id:|the group you tried to contact \(/im,
    recipient: new RegExp(
      String.raw`wasn't delivered to (${ADDR})|your message to (${ADDR})|^\s*<?(${ADDR})>?\s*$`,
      "gim",
    ),
  },
  {
    id: "gmail",
    name: "Gmail / Google Workspace",
    detect:
      /Delivery to the following recipients? (?:failed|has been delayed)|Your message wasn't delivered to |The response (?:from the remote server )?was:|Google tried to deliver your message|Message not delivered|^hdr\.from: Mail Delivery Subsystem <mailer-daemon@(?:googlemail|google)\.com>/im,
    start:
      /Delivery to the following recipients? (?:failed|has been delayed)[^\n]*|Your message wasn't delivered to(?= )|Message not delivered|Address not found|There was a temporary problem delivering your message to(?= )/,
    end: RETURNED_MESSAGE_MARKER,
    recipient: new RegExp(
      String
        .raw`^\s{2,}<?(${ADDR})>?\s*$|^\s?(${ADDR}) because|^Your message wasn't delivered to (${ADDR})|delivering your message to (${ADDR})`,
      "gm",
    ),
  },
  {
    id: "yahoo",
    name: "Yahoo / AOL (Yahoo's MTA)",
    detect:
      /Sorry, we were unable to deliver your message to the following address|This is the mail delivery agent at .{0,80}yahoo|^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*yahoo(?:-inc)?\.com/im,
    start: /unable to deliver your message to the following address(?:es)?\.?/i,
    recipient: new RegExp(String.raw`^<(${ADDR})>:`, "gm"),
  },
  {
    id: "aol",
    name: "AOL (its own MTA)",
    detect: _from("aol\\.com|aim\\.com"),
  },
  {
    id: "zoho",
    name: "Zoho Mail",
    detect: /,\s*ERROR CODE\s*:\s*[45]\d\d|^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*zoho(?:mail)?\.(?:com|eu|in)/im,
    recipient: new RegExp(String.raw`^\s*<?(${ADDR})>?,\s*ERROR CODE`, "gm"),
  },
  {
    id: "gmx",
    name: "GMX / web.de",
    detect: _from("gmx\\.(?:net|de|com|at|ch)|web\\.de|mail\\.com"),
  },
  {
    id: "einsundeins",
    name: "1&1 / IONOS",
    detect:
      /^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*(?:kundenserver\.de|1and1\.[a-z.]+|ionos\.[a-z.]+|1und1\.de)|SMTP error from remote server for [A-Z ]+ command/im,
  },
  {
    id: "mailru",
    name: "Mail.ru",
    detect: _from("mail\\.ru|corp\\.mail\\.ru|bk\\.ru|inbox\\.ru|list\\.ru"),
  },
  {
    id: "yandex",
    name: "Yandex",
    detect: _from("yandex\\.(?:ru|com|net|ua|by|kz)|ya\\.ru"),
  },
  {
    id: "verizon",
    name: "Verizon / vtext",
    detect:
      /Message could not be delivered to mobile|^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*(?:verizon(?:wireless)?\.(?:net|com)|vtext\.com|vzwpix\.com)/im,
  },
  {
    id: "ses",
    name: "Amazon SES",
    detect:
      /An error occurred while trying to deliver the mail to the following recipients|^hdr\.from: [^\n]{0,120}@(?:[\w-]+\.)*amazonses\.com|"notificationType"\s*:\s*"(?:Bounce|Complaint|Delivery)"/im,
    start: /to the following recipients:/i,
  },
  {
    id: "workmail",
    name: "Amazon WorkMail",
    detect: /Amazon WorkMail|^hdr\.x-mailer: Amazon WorkMail/im,
  },
  {
    id: "sendgrid",
    name: "SendGrid",
    detect:
      /^hdr\.from: [^\n]{0,120}@(?:[\w-]+\.)*sendgrid\.(?:net|com)|This is an automatically generated message from SendGrid/im,
  },
  {
    id: "icloud",
    name: "iCloud",
    detect: _from("icloud\\.com|me\\.com|mac\\.com"),
  },
  {
    id: "facebook",
    name: "Facebook",
    detect: _from("facebook\\.com|fb\\.com"),
  },
];
