/**
 * Sending services and provider DSNs. Amazon SES: its SNS notification
 * JSON (SES Developer Guide, "Amazon SNS notification contents": bounceType,
 * bounceSubType, bouncedRecipients, complaint) and its DSN mails; Amazon
 * WorkMail and SendGrid DSNs; iCloud, AOL and Verizon (text notices).
 * Replies from each provider's published error pages (Apple "iCloud Mail
 * postmaster information", AOL/Yahoo Sender Hub, Verizon and SendGrid
 * bounce documentation).
 */
import { bounceHeaders, dsnMessage, type SampleCase, type SampleFamily, statusOf } from "./sample.ts";

const SES: { c: SampleCase; type: string; sub: string }[] = [
  {
    c: { address: "nobody@ses.example", reply: "smtp; 550 5.1.1 user unknown", reason: "userunknown" },
    type: "Permanent",
    sub: "General",
  },
  { c: { address: "noemail@ses.example", reply: "", reason: "userunknown" }, type: "Permanent", sub: "NoEmail" },
  {
    c: {
      address: "listed@ses.example",
      reply:
        "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.",
      reason: "suppressed",
    },
    type: "Permanent",
    sub: "Suppressed",
  },
  {
    c: {
      address: "account@ses.example",
      reply:
        "Amazon SES did not send the message to this address because it is on the suppression list for your account.",
      reason: "suppressed",
    },
    type: "Permanent",
    sub: "OnAccountSuppressionList",
  },
  {
    c: { address: "full@ses.example", reply: "smtp; 552 5.2.2 Mailbox full", reason: "mailboxfull" },
    type: "Transient",
    sub: "MailboxFull",
  },
  {
    c: { address: "big@ses.example", reply: "smtp; 552 5.3.4 Message too large", reason: "emailtoolarge" },
    type: "Transient",
    sub: "MessageTooLarge",
  },
  {
    c: { address: "attach@ses.example", reply: "smtp; 554 5.6.1 Attachment type not allowed", reason: "contenterror" },
    type: "Transient",
    sub: "AttachmentRejected",
  },
];

function _sesJson(cases: SampleCase[], index: number): string {
  const entry = SES.find((s) => s.c.address === cases[0]!.address)!;
  const notification = {
    notificationType: "Bounce",
    bounce: {
      bounceType: entry.type,
      bounceSubType: entry.sub,
      bouncedRecipients: cases.map((c) => ({
        emailAddress: c.address,
        action: "failed",
        ...(c.reply.startsWith("smtp;") ? { status: statusOf(c.reply), diagnosticCode: c.reply } : {}),
      })),
      timestamp: "2026-11-05T10:00:00.000Z",
      feedbackId: `0100018c-${index}-bounce`,
      reportingMta: "dns; a8-70.smtp-out.amazonses.com",
    },
    mail: {
      timestamp: "2026-11-05T09:59:58.000Z",
      source: "app@example.org",
      messageId: `0100018c-${index}-000000`,
      destination: cases.map((c) => c.address),
      commonHeaders: {
        from: ["app@example.org"],
        to: cases.map((c) => c.address),
        messageId: `<ses-${index}@example.org>`,
        subject: "Your monthly statement",
      },
    },
  };
  // SNS wraps the notification in its own envelope, with the JSON as a string.
  const sns = {
    Type: "Notification",
    MessageId: `sns-${index}`,
    TopicArn: "arn:aws:sns:us-east-1:123456789012:ses-bounces",
    Message: JSON.stringify(notification),
  };
  return bounceHeaders({
    from: "AWS Notifications <no-reply@sns.amazonaws.com>",
    subject: "AWS Notification Message",
    index,
  }) + `\n${JSON.stringify(sns)}\n`;
}

const WORKMAIL: SampleCase[] = [
  {
    address: "nobody@workmail.example",
    reply: "550 5.1.1 Requested action not taken: mailbox unavailable",
    reason: "userunknown",
  },
  { address: "full@workmail.example", reply: "552 5.2.2 The mailbox is full", reason: "mailboxfull" },
];

const SENDGRID: SampleCase[] = [
  {
    address: "nobody@sg.example",
    reply: "550 5.1.1 The email account that you tried to reach does not exist.",
    reason: "userunknown",
  },
  {
    address: "blocked@sg.example",
    reply: "554 5.7.1 Service unavailable; Client host [167.89.0.1] blocked using b.barracudacentral.org",
    reason: "blocked",
  },
  {
    address: "rate@sg.example",
    reply:
      "421 4.7.0 [TSS04] Messages from 167.89.0.1 temporarily deferred due to unexpected volume or user complaints",
    reason: "ratelimited",
  },
];

const ICLOUD: SampleCase[] = [
  {
    address: "nobody@icloud.example",
    reply: "550 5.1.1 <nobody@icloud.example>: user does not exist",
    reason: "userunknown",
  },
  {
    address: "full@icloud.example",
    reply: "552 5.2.2 <full@icloud.example>: user is over quota",
    reason: "mailboxfull",
  },
  {
    address: "policy@icloud.example",
    reply:
      "554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137",
    reason: "policyviolation",
  },
  {
    address: "blocked@icloud.example",
    reply: "550 5.7.0 Blocked - see https://support.apple.com/en-us/HT204137",
    reason: "blocked",
  },
];

const AOL: SampleCase[] = [
  {
    address: "nobody@aol.example",
    reply: "550 5.1.1 <nobody@aol.example>... Addressee unknown, relay=[192.0.2.44]",
    reason: "userunknown",
  },
  { address: "over@aol.example", reply: "552 5.2.2 <over@aol.example>... Over quota", reason: "mailboxfull" },
  {
    address: "dyn@aol.example",
    reply: "554 5.7.1 : (DYN:T1) http://postmaster.info.aol.com/errors/554dynt1.html",
    reason: "blocked",
  },
];

function _aol(cases: SampleCase[], index: number): string {
  return bounceHeaders({
    from: "Mail Delivery Subsystem <MAILER-DAEMON@aol.com>",
    subject: "Returned mail: User unknown",
    index,
  }) +
    `\nThe original message was received at ${"Tue, 3 Nov 2026 10:00:00 -0500"}\nfrom app.example.org [192.0.2.44]\n\n` +
    `   ----- The following addresses had permanent fatal errors -----\n${
      cases.map((c) => `<${c.address}>\n    (reason: ${c.reply})`).join("\n")
    }\n\n` +
    `   ----- Transcript of session follows -----\n${
      cases.map((c) => `... while talking to mailin-01.mx.aol.com.:\n>>> RCPT To:<${c.address}>\n<<< ${c.reply}`).join(
        "\n",
      )
    }\n\n   ----- Original message follows -----\n`;
}

const VERIZON: SampleCase[] = [
  {
    address: "5555550100@vtext.example",
    reply: "550 5.1.1 <5555550100@vtext.example>: Recipient address rejected: User unknown",
    reason: "userunknown",
  },
  {
    address: "5555550101@vtext.example",
    reply: "552 5.3.4 Message size exceeds fixed maximum message size",
    reason: "emailtoolarge",
  },
];

function _verizon(cases: SampleCase[], index: number): string {
  return bounceHeaders({
    from: "Mail Delivery Subsystem <postmaster@vtext.com>",
    subject: "Message could not be delivered to mobile",
    index,
  }) +
    `\nMessage could not be delivered to mobile.\n\nSorry, we were unable to deliver your message to the following address.\n\n${
      cases.map((c) => `<${c.address}>:\n${c.reply}`).join("\n\n")
    }\n`;
}

/** Sending services and provider DSNs. */
export const SERVICE_SAMPLES: SampleFamily[] = [
  {
    family: "ses-notification",
    source: "Amazon SES Developer Guide: Amazon SNS notification contents for Amazon SES (bounce types and sub-types)",
    messages: SES.map((s, i) => ({ name: `sns-bounce-${i + 1}`, cases: [s.c] })),
    render: _sesJson,
  },
  {
    family: "workmail",
    source: "Amazon WorkMail Administrator Guide: bounced messages (DSN from the WorkMail MTA)",
    messages: [{ name: "workmail-a", cases: WORKMAIL }],
    render: (cases, i) =>
      dsnMessage(
        {
          from: "MAILER-DAEMON@amazonses.com",
          subject: "Delivery Status Notification (Failure)",
          index: i,
          reportingMta: "dns; workmail.us-east-1.amazonaws.com",
          extra: "X-Mailer: Amazon WorkMail",
        },
        "An error occurred while trying to deliver the mail to the following recipients:\n" +
          cases.map((c) => c.address).join("\n"),
        cases,
        (c) => statusOf(c.reply),
      ),
  },
  {
    family: "sendgrid",
    source: "Twilio SendGrid docs: bounces (DSN from SendGrid's MTA); replies from the receivers' own tables",
    messages: [{ name: "sendgrid-a", cases: SENDGRID }],
    render: (cases, i) =>
      dsnMessage(
        {
          from: "MAILER-DAEMON <mailer-daemon@sendgrid.net>",
          subject: "Undelivered Mail Returned to Sender",
          index: i,
          reportingMta: "dns; o1.ptr1234.sendgrid.net",
        },
        "This is an automatically generated message from SendGrid.\n\nI'm sorry to have to tell you that your message was not able to be\ndelivered to one of its intended recipients.",
        cases,
        (c) => statusOf(c.reply, c.reply.startsWith("4") ? "4.0.0" : "5.0.0"),
      ),
  },
  {
    family: "icloud",
    source: "Apple: iCloud Mail postmaster information (HT204137) reply codes; DSN from Apple's MTA",
    messages: [{ name: "icloud-a", cases: ICLOUD }],
    render: (cases, i) =>
      dsnMessage(
        {
          from: "Mail Delivery System <MAILER-DAEMON@icloud.com>",
          subject: "Undelivered Mail Returned to Sender",
          index: i,
          reportingMta: "dns; st43p00im-ztdg10063101.me.com",
        },
        "This is the mail system at host st43p00im-ztdg10063101.me.com.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.",
        cases,
        (c) => statusOf(c.reply),
      ),
  },
  {
    family: "aol",
    source: "AOL postmaster error pages (DYN, RTR codes); AOL's Sendmail-based bounce layout",
    messages: [{ name: "aol-a", cases: AOL }],
    render: _aol,
  },
  {
    family: "verizon",
    source: "Verizon Wireless: email-to-text gateway bounce notice",
    messages: [{ name: "verizon-a", cases: VERIZON }],
    render: _verizon,
  },
];
