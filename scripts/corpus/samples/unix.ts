/**
 * MTAs nobody can run here, from each program's source and manuals: Sendmail
 * V5 and older (session transcript only), qmail and its descendants
 * (qmail-send's notice; vpopmail's "(#5.1.1)" codes), Courier (its DSN's
 * "UNDELIVERABLE MAIL" text with the quoted dialogue), Apache James (its
 * bounce mailet: "Message details:", "Error message below:"),
 * Sun/Oracle Messaging Server ("Recipient address:", "Reason:",
 * "Diagnostic code:"), MDaemon ("PERMANENT fatal delivery errors"),
 * IMail ("Unknown user:"), the DragonFly Mail Agent ("There was an error
 * delivering your mail to <addr>") and fml (its "not a member" notice).
 */
import { bounceHeaders, returnedHeaders, type SampleCase, type SampleFamily } from "./sample.ts";

const u = (a: string, reply: string, reason: string): SampleCase => ({ address: a, reply, reason });

function _v5(cases: SampleCase[], index: number): string {
  return bounceHeaders({
    from: "Mail Delivery Subsystem <MAILER-DAEMON@old.example>",
    subject: "Returned mail: User unknown",
    index,
  }) +
    `\n   ----- Transcript of session follows -----\n${
      cases.map((c) => c.reply).join("\n")
    }\n\n   ----- Unsent message follows -----\n${returnedHeaders(cases, index)}\n`;
}

function _qmail(cases: SampleCase[], index: number): string {
  return bounceHeaders({ from: "MAILER-DAEMON@qmail.example", subject: "failure notice", index }) +
    `\nHi. This is the qmail-send program at qmail.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n` +
    `${
      cases.map((c) => `<${c.address}>:\n${c.reply}`).join("\n\n")
    }\n\n--- Below this line is a copy of the message.\n\n${returnedHeaders(cases, index)}\n`;
}

function _courier(cases: SampleCase[], index: number): string {
  return bounceHeaders({
    from: "Courier mail server at mx.courier.example <@>",
    subject: "NOTICE: mail delivery status.",
    index,
  }) +
    `\nThis is a delivery status notification from mx.courier.example,\nrunning the Courier mail server, version 1.1.\n\nThe original message was received on Thu, 05 Nov 2026 10:00:00 +0000\nfrom app.example.org [192.0.2.44]\n\n` +
    `---------------------------------------------------------------------------\n\n                           UNDELIVERABLE MAIL\n\nYour message to the following recipients cannot be delivered:\n\n` +
    `${
      cases.map((c) =>
        `<${c.address}>:\n    mx.${c.address.split("@")[1]} [192.0.2.80]:\n>>> RCPT TO:<${c.address}>\n<<< ${c.reply}`
      ).join("\n\n")
    }\n\n` +
    `---------------------------------------------------------------------------\n`;
}

function _james(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({ from: "James Mail Server <postmaster@james.example>", subject: "[BOUNCE]", index }) +
    `\nHi. This is the James mail server at james.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.  Below\nI include the list of recipients and the reason why I was unable to deliver\nyour message.\n\n` +
    `Failed recipient(s):\n${c.address}\n\nError message:\n${c.reply}\n\n`;
}

function _messaging(cases: SampleCase[], index: number): string {
  const list = cases.map((c) =>
    `  Recipient address: ${c.address}\n  Reason: Remote SMTP server has rejected address\n  Diagnostic code: smtp;${c.reply}\n  Remote system: dns;mx.${
      c.address.split("@")[1]
    } (TCP|192.0.2.90|25|192.0.2.91|25) (mx ESMTP)`
  );
  return bounceHeaders({
    from: "Internet Mail Delivery <postmaster@ims.example>",
    subject: "Delivery Notification: Delivery has failed",
    index,
  }) +
    `\nThis report relates to a message you sent with the following header fields:\n\n  Message-id: <statement-${index}@example.org>\n  Date: Thu, 05 Nov 2026 10:00:00 +0000\n\n` +
    `Your message cannot be delivered to the following recipients:\n\n${list.join("\n\n")}\n`;
}

function _mdaemon(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({ from: "MDaemon@md.example", subject: "Permanent Delivery Failure", index }) +
    `\nThe attached message had PERMANENT fatal delivery errors!\n\nAfter one or more unsuccessful delivery attempts the attached message has\nbeen removed from the mail queue on this server.\n\n` +
    `--- Session Transcript ---\n Thu 2026-11-05 10:00:00: Parsing message <md.example\\pd50000012.msg>\n Thu 2026-11-05 10:00:00: *  To:      ${c.address}\n` +
    ` Thu 2026-11-05 10:00:01: --> RCPT TO:<${c.address}>\n Thu 2026-11-05 10:00:01: <-- ${c.reply}\n--- End Transcript ---\n`;
}

function _imail(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({
    from: "IMail Server <postmaster@imail.example>",
    subject: "Undeliverable Mail",
    index,
    extra: "X-Mailer: <IMail v8.22>",
  }) +
    `\n${c.reply}\n\nOriginal message follows.\n\n${returnedHeaders(cases, index)}\n`;
}

function _dma(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({ from: "MAILER-DAEMON@dfly.example", subject: "Mail delivery failed", index }) +
    `\nThis is the DragonFly Mail Agent v0.13 at dfly.example.\n\nThere was an error delivering your mail to <${c.address}>.\n\n${c.reply}\n\nMessage headers follow.\n\n${
      returnedHeaders(cases, index)
    }\n`;
}

function _fml(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({
    from: `fml-ctl@${c.address.split("@")[1]}`,
    subject: "Re: Your monthly statement",
    index,
    extra: "X-MLServer: fml [fml 8.0]",
  }) +
    `\nYou are not a member of this mailing list <${c.address}>.\n\nIf you know the general guide of this list, please send mail with\nthe mail body\n\n  guide\n\nto the address\n\n  fml-ctl@${
      c.address.split("@")[1]
    }\n`;
}

/** The Unix families written from their sources. */
export const UNIX_SAMPLES: SampleFamily[] = [
  {
    family: "v5sendmail",
    source: "Sendmail 8 sources (savemail.c) and V5 manuals: transcript-only returns",
    messages: [{
      name: "v5-a",
      cases: [
        u("nobody@v5.example", "550 <nobody@v5.example>... User unknown", "userunknown"),
        u(
          "x@nohost.example",
          "550 <x@nohost.example>... Host unknown (Name server: nohost.example: host not found)",
          "hostunknown",
        ),
      ],
    }],
    render: _v5,
  },
  {
    family: "qmail",
    source: "qmail-send(8) and qmail-remote(8) man pages; vpopmail's vdelivermail messages",
    messages: [{
      name: "qmail-more",
      cases: [
        u("nobody@qm.example", "Sorry, no mailbox here by that name. vpopmail (#5.1.1)", "userunknown"),
        u("full@qm.example", "user is over quota", "mailboxfull"),
        u("x@nohost.example", "Sorry, I couldn't find any host named nohost.example. (#5.1.2)", "hostunknown"),
        u("a@remote.example", "Remote host said: 550 5.7.1 Message rejected as spam", "spamdetected"),
        u(
          "b@remote.example",
          "Connected to 192.0.2.60 but sender was rejected.\nRemote host said: 553 5.1.8 <app@example.org>: Sender address rejected: Domain not found",
          "rejected",
        ),
      ],
    }],
    render: _qmail,
  },
  {
    family: "courier",
    source: "Courier mail server: courierdsn(8) and its DSN text template ('UNDELIVERABLE MAIL')",
    messages: [{
      name: "courier-text",
      cases: [
        u("nobody@cr.example", "550 5.1.1 <nobody@cr.example>... User unknown", "userunknown"),
        u("full@cr.example", "552 5.2.2 <full@cr.example>... Mailbox full", "mailboxfull"),
      ],
    }],
    render: _courier,
  },
  {
    family: "james",
    source: "Apache James: the Bounce/DSNBounce mailet's message text",
    messages: [{
      name: "james-a",
      cases: [
        u(
          "nobody@james.example",
          "550 5.1.1 <nobody@james.example>: Recipient address rejected: User unknown",
          "userunknown",
        ),
      ],
    }, {
      name: "james-b",
      cases: [u("big@james.example", "552 5.3.4 Message size exceeds fixed maximum message size", "emailtoolarge")],
    }],
    render: _james,
  },
  {
    family: "messagingserver",
    source: "Oracle Communications Messaging Server: delivery status notification text",
    messages: [{
      name: "ims-a",
      cases: [
        u("nobody@ims.example", "550 5.1.1 unknown or illegal alias: nobody@ims.example", "userunknown"),
        u("full@ims.example", "552 5.2.2 Mailbox is full", "mailboxfull"),
      ],
    }],
    render: _messaging,
  },
  {
    family: "mdaemon",
    source: "MDaemon: permanent delivery failure notice and session transcript",
    messages: [{
      name: "mdaemon-a",
      cases: [
        u(
          "nobody@md.example",
          "550 5.1.1 <nobody@md.example>: Recipient address rejected: User unknown",
          "userunknown",
        ),
      ],
    }],
    render: _mdaemon,
  },
  {
    family: "imail",
    source: "Ipswitch IMail Server: undeliverable mail notices",
    messages: [{
      name: "imail-a",
      cases: [u("nobody@imail.example", "Unknown user: nobody@imail.example", "userunknown")],
    }],
    render: _imail,
  },
  {
    family: "dragonfly",
    source: "DragonFly Mail Agent (dma) sources: bounce.c",
    messages: [{
      name: "dma-a",
      cases: [
        u(
          "nobody@dma.example",
          "remote delivery failed: 550 5.1.1 <nobody@dma.example>: Recipient address rejected: User unknown",
          "userunknown",
        ),
      ],
    }],
    render: _dma,
  },
  {
    family: "fml",
    source: "fml mailing list server: the deny notice to non-members",
    messages: [{
      name: "fml-a",
      cases: [u("list@ml.example.jp", "You are not a member of this mailing list", "rejected")],
    }],
    render: _fml,
  },
];
