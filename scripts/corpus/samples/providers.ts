/**
 * Mailbox providers' layouts and replies. Layouts: Gmail's "Address not
 * found" notice and Google Groups' notice (Google Workspace Admin Help,
 * "Gmail SMTP errors and codes"), Yahoo's "Sorry, we were unable to deliver"
 * notice (Yahoo Sender Hub, SMTP error codes), Zoho Mail's "ERROR CODE"
 * lines, GMX/web.de and 1&1/IONOS (their Exim-based gateways: quoted
 * recipients, "SMTP error from remote server for RCPT TO command"), Mail.ru
 * (Exim) and Yandex (Postfix). Replies: each provider's published error
 * code tables (Google, Yahoo Sender Hub, Zoho Mail, GMX/web.de "Fehlercodes",
 * Mail.ru and Yandex help for senders, Apple iCloud "postmaster" page).
 */
import { bounceHeaders, returnedHeaders, type SampleCase, type SampleFamily } from "./sample.ts";

const GMAIL: SampleCase[] = [
  {
    address: "ghost@gmail.com",
    reply:
      "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp",
    reason: "userunknown",
  },
  {
    address: "packed@gmail.com",
    reply:
      "552 5.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp",
    reason: "mailboxfull",
  },
  {
    address: "off@gmail.com",
    reply: "550 5.2.1 The email account that you tried to reach is disabled. - gsmtp",
    reason: "suspend",
  },
  {
    address: "reader@gmail.com",
    reply:
      "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy. Please contact the administrator of example.org domain. - gsmtp",
    reason: "authfailure",
  },
  {
    address: "noptr@gmail.com",
    reply:
      "550 5.7.25 [192.0.2.44] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. - gsmtp",
    reason: "requireptr",
  },
  {
    address: "fromhdr@gmail.com",
    reply:
      "550 5.7.1 [192.0.2.44] Messages missing a valid address in From: header, or having no From: header, are not accepted. - gsmtp",
    reason: "notcompliantrfc",
  },
  {
    address: "rfc@gmail.com",
    reply:
      "550 5.7.1 This message is not RFC 5322 compliant. There are multiple From headers. To reduce the amount of spam sent to Gmail, this message has been blocked. - gsmtp",
    reason: "notcompliantrfc",
  },
  {
    address: "spammy@gmail.com",
    reply:
      "550 5.7.1 [192.0.2.44] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. - gsmtp",
    reason: "spamdetected",
  },
  {
    address: "attach@gmail.com",
    reply: "552 5.3.4 Your message exceeded Google's message size limits. - gsmtp",
    reason: "emailtoolarge",
  },
  {
    address: "virus@gmail.com",
    reply:
      "552 5.7.0 This message was blocked because its content presents a potential security issue. Please visit https://support.google.com/mail/?p=BlockedMessage to review our message content and attachment content guidelines. - gsmtp",
    reason: "contenterror",
  },
];

function _gmail(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({
    from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    subject: "Delivery Status Notification (Failure)",
    index,
  }) +
    `\n** Address not found **\n\nYour message wasn't delivered to ${c.address} because the address couldn't be found, or is unable to receive mail.\n\n` +
    `The response from the remote server was:\n${c.reply}\n\n----- Original message -----\n\n${
      returnedHeaders(cases, index)
    }\n`;
}

const YAHOO: SampleCase[] = [
  {
    address: "gone.away@yahoo.com",
    reply:
      "554 delivery error: dd This user doesn't have a yahoo.com account (gone.away@yahoo.com) [0] - mta1234.mail.bf1.yahoo.com",
    reason: "userunknown",
  },
  {
    address: "closed@yahoo.com",
    reply:
      "554 delivery error: dd Sorry, your message to closed@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta4321.mail.ne1.yahoo.com",
    reason: "suspend",
  },
  { address: "quota@yahoo.com", reply: "552 1 Requested mail action aborted, mailbox is full", reason: "mailboxfull" },
  {
    address: "strict@yahoo.com",
    reply:
      "550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.",
    reason: "authfailure",
  },
  {
    address: "policy@yahoo.com",
    reply: "554 5.7.9 Message not accepted for policy reasons. See https://senders.yahooinc.com/error-codes",
    reason: "policyviolation",
  },
  {
    address: "tss@yahoo.com",
    reply:
      "553 5.7.2 [TSS09] All messages from 192.0.2.44 will be permanently deferred; Retrying will NOT succeed. See https://senders.yahooinc.com/tss09/",
    reason: "blocked",
  },
  {
    address: "large@yahoo.com",
    reply: "554 30 Sorry, your message size exceeds 41943040 bytes.",
    reason: "emailtoolarge",
  },
];

function _yahoo(cases: SampleCase[], index: number): string {
  const list = cases.map((c) => `<${c.address}>:\nRemote host said: ${c.reply} [RCPT_TO]`);
  return bounceHeaders({ from: "MAILER-DAEMON@yahoo.com", subject: "Failure Notice", index }) +
    `\nSorry, we were unable to deliver your message to the following address.\n\n${list.join("\n\n")}\n\n` +
    `--- Below this line is a copy of the message.\n\n${returnedHeaders(cases, index)}\n`;
}

const ZOHO: SampleCase[] = [
  { address: "nobody@zoho.example", reply: "550 5.1.1 <nobody@zoho.example> User unknown", reason: "userunknown" },
  {
    address: "filter@zoho.example",
    reply: "552 5.1.1 <filter@zoho.example> Mailbox delivery failure policy error",
    reason: "policyviolation",
  },
  {
    address: "virus@zoho.example",
    reply: "552 5.7.1 virus Eicar-Test-Signature detected by Zoho Mail",
    reason: "virusdetected",
  },
  {
    address: "dmarc@zoho.example",
    reply: "550 5.7.1 Email rejected per DMARC policy for example.org",
    reason: "authfailure",
  },
  { address: "box@zoho.example", reply: "550 Requested action not taken: mailbox unavailable", reason: "userunknown" },
];

function _zoho(cases: SampleCase[], index: number): string {
  const list = cases.map((c) => `${c.address}, ERROR CODE :${c.reply.slice(0, 3)} - ${c.reply.slice(4)}`);
  return bounceHeaders({
    from: "Zoho Mail <mailer-daemon@mail.zoho.com>",
    subject: "Undelivered Mail Returned to Sender",
    index,
  }) +
    `\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its recipients. This is a permanent error.\n\n` +
    `${list.join("\n\n")}\n\nReceived: from app.example.org by mx.zohomail.com\n${returnedHeaders(cases, index)}\n`;
}

const GMX: SampleCase[] = [
  {
    address: "nobody@gmx.example",
    reply: "550 Requested action not taken: mailbox unavailable",
    reason: "userunknown",
  },
  {
    address: "full@gmx.example",
    reply: "552 Requested mail action aborted: exceeded storage allocation",
    reason: "mailboxfull",
  },
  {
    address: "listed@gmx.example",
    reply:
      "554-gmx.net (mxgmx117) Nemesis ESMTP Service not available 554-No SMTP service 554 IP address is black listed.",
    reason: "blocked",
  },
  {
    address: "ptr@gmx.example",
    reply:
      "554-gmx.net (mxgmx115) Nemesis ESMTP Service not available 554-No SMTP service 554 Bad DNS PTR resource record.",
    reason: "requireptr",
  },
  {
    address: "policy@gmx.example",
    reply: "554 Transaction failed Reject due to policy restrictions.",
    reason: "policyviolation",
  },
];

function _gmx(cases: SampleCase[], index: number, host: string, oneAndOne: boolean): string {
  const list = cases.map((c) =>
    oneAndOne
      ? `"${c.address}":\n\nSMTP error from remote server for RCPT TO command, host: mx00.${host} (212.227.15.41) reason: ${c.reply}`
      : `"${c.address}":\nSMTP error from remote server after RCPT command:\nhost: mx00.${host}\n${c.reply}`
  );
  return bounceHeaders({
    from: `Mail Delivery System <mailer-daemon@${host}>`,
    subject: "Mail delivery failed: returning message to sender",
    index,
  }) +
    `\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error. The following address(es)\nfailed:\n\n${
      list.join("\n\n")
    }\n\n` +
    `--- The header of the original message is following. ---\n\n${returnedHeaders(cases, index)}\n`;
}

const MAILRU: SampleCase[] = [
  {
    address: "nobody@mailru.example",
    reply:
      "550 Message was not accepted -- invalid mailbox. Local mailbox nobody@mailru.example is unavailable: user not found",
    reason: "userunknown",
  },
  {
    address: "spam@mailru.example",
    reply:
      "550 spam message rejected. Please visit http://help.mail.ru/notspam-support/id?c=abc or report details to abuse@corp.mail.ru",
    reason: "spamdetected",
  },
  {
    address: "busy@mailru.example",
    reply: "421 Too many messages from your IP. Please try again later",
    reason: "ratelimited",
  },
  {
    address: "closed@mailru.example",
    reply:
      "550 Message was not accepted -- invalid mailbox. Local mailbox closed@mailru.example is unavailable: account is disabled",
    reason: "suspend",
  },
];

function _mailru(cases: SampleCase[], index: number): string {
  const list = cases.map((c) =>
    `  ${c.address}\n    SMTP error from remote mail server after RCPT TO:<${c.address}>:\n    host mxs.mail.ru [94.100.180.31]: ${c.reply}`
  );
  return bounceHeaders({
    from: "Mail Delivery System <mailer-daemon@corp.mail.ru>",
    subject: "Mail delivery failed: returning message to sender",
    index,
  }) +
    `\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n${
      list.join("\n\n")
    }\n\n` +
    `------ This is a copy of the message, including all the headers. ------\n\n${returnedHeaders(cases, index)}\n`;
}

const YANDEX: SampleCase[] = [
  { address: "nobody@yandex.example", reply: "550 5.7.1 No such user!", reason: "userunknown" },
  { address: "full@yandex.example", reply: "552 5.2.2 Mailbox size limit exceeded", reason: "mailboxfull" },
  {
    address: "spam@yandex.example",
    reply: "554 5.7.1 [2] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc",
    reason: "spamdetected",
  },
  {
    address: "policy@yandex.example",
    reply: "550 5.7.1 Policy rejection on the target address",
    reason: "policyviolation",
  },
];

function _yandex(cases: SampleCase[], index: number): string {
  const list = cases.map((c) =>
    `<${c.address}>: host mx.yandex.ru[77.88.21.249] said: ${c.reply} (in reply to RCPT TO command)`
  );
  return bounceHeaders({
    from: "MAILER-DAEMON@yandex.ru (Mail Delivery System)",
    subject: "Undelivered Mail Returned to Sender",
    index,
  }) +
    `\nThis is the mail system at host forward100.mail.yandex.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n` +
    `                   The mail system\n\n${list.join("\n\n")}\n\n--- Original message follows ---\n\n${
      returnedHeaders(cases, index)
    }\n`;
}

const GROUPS: SampleCase[] = [
  {
    address: "team@googlegroups.com",
    reply:
      "We're writing to let you know that the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group.",
    reason: "rejected",
  },
];

function _groups(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({
    from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    subject: "Delivery Status Notification (Failure)",
    index,
    extra: "X-Google-Group-Id: 123456789",
  }) +
    `\n** Message blocked **\n\nYour message to ${c.address} has been blocked. See technical details below for more information.\n\n` +
    `The response was:\n${c.reply} A few more details on why you weren't able to post: You might have spelled or formatted the group name incorrectly. The owner of the group may have removed this group. You may need to join the group before receiving permission to post. This group may not be open to posting.\n\n` +
    `If you have questions related to this or any other Google Group, visit the Help Center at https://groups.google.com/support/.\n`;
}

/** The provider families. */
export const PROVIDER_SAMPLES: SampleFamily[] = [
  {
    family: "gmail",
    source: "Google Workspace Admin Help: Gmail SMTP errors and codes; the 'Address not found' notice Gmail sends",
    messages: GMAIL.map((c, i) => ({ name: `gmail-notice-${i + 1}`, cases: [c] })),
    render: _gmail,
  },
  {
    family: "googlegroups",
    source: "Google Groups Help: messages you send to a group bounce",
    messages: [{ name: "groups-no-permission", cases: GROUPS }],
    render: _groups,
  },
  {
    family: "yahoo",
    source: "Yahoo Sender Hub: SMTP error codes; Yahoo's qmail-style failure notice",
    messages: [{ name: "yahoo-notice-a", cases: YAHOO.slice(0, 4) }, { name: "yahoo-notice-b", cases: YAHOO.slice(4) }],
    render: _yahoo,
  },
  {
    family: "zoho",
    source: "Zoho Mail Help: bounce back error codes ('ERROR CODE :550 - …' lines); smtp.codes/zoho",
    messages: [{ name: "zoho-a", cases: ZOHO }],
    render: _zoho,
  },
  {
    family: "gmx",
    source: "GMX/web.de help for senders: SMTP error codes (Nemesis ESMTP); their Exim-based bounce layout",
    messages: [{ name: "gmx-a", cases: GMX }],
    render: (c, i) => _gmx(c, i, "gmx.net", false),
  },
  {
    family: "einsundeins",
    source:
      "IONOS (1&1) help: SMTP error messages; its bounce layout ('SMTP error from remote server for RCPT TO command')",
    messages: [{
      name: "ionos-a",
      cases: GMX.slice(0, 3).map((c) => ({ ...c, address: c.address.replace("gmx.example", "ionos.example") })),
    }],
    render: (c, i) => _gmx(c, i, "kundenserver.de", true),
  },
  {
    family: "mailru",
    source: "Mail.ru help for senders: SMTP error messages; Exim's bounce layout",
    messages: [{ name: "mailru-a", cases: MAILRU }],
    render: _mailru,
  },
  {
    family: "yandex",
    source: "Yandex Mail help: why a message bounced; Postfix's bounce layout",
    messages: [{ name: "yandex-a", cases: YANDEX }],
    render: _yandex,
  },
];
