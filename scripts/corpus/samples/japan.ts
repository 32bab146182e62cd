/**
 * Japanese carriers and providers, from the carriers' guidance for bulk
 * senders and the notices their gateways send: KDDI/au ("Could not be
 * delivered to: <addr>", "As their mailbox is full."), EZweb ("The user(s)
 * account is disabled."), NTT docomo ("550 Unknown user"), SoftBank and
 * BIGLOBE (Postfix-style notices with their own replies).
 */
import { bounceHeaders, returnedHeaders, type SampleCase, type SampleFamily } from "./sample.ts";

function _kddi(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({ from: "postmaster@msmx.au.com", subject: "Mail System Error - Returned Mail", index }) +
    `\nYour mail sent on: ${"Thu, 05 Nov 2026 10:00:00 +0900"}\n   with subject: Your monthly statement\n\nCould not be delivered to: <${c.address}>\n\n${c.reply}\n`;
}

function _ezweb(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({ from: "Postmaster@ezweb.ne.jp", subject: "Mail System Error - Returned Mail", index }) +
    `\n${c.reply}\n\nThe following recipients did not receive this message:\n<${c.address}>\n\nPlease reply to <postmaster@ezweb.ne.jp>\nif you feel this message to be in error.\n`;
}

function _postfixLike(host: string, from: string) {
  return (cases: SampleCase[], index: number) =>
    bounceHeaders({ from, subject: "Undelivered Mail Returned to Sender", index }) +
    `\nThis is the mail system at host ${host}.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n                   The mail system\n\n` +
    `${
      cases.map((c) => `<${c.address}>: host ${host}[192.0.2.70] said: ${c.reply} (in reply to RCPT TO command)`).join(
        "\n\n",
      )
    }\n\n` +
    `--- Original message follows ---\n\n${returnedHeaders(cases, index)}\n`;
}

/** The Japanese families. */
export const JAPANESE_SAMPLES: SampleFamily[] = [
  {
    family: "kddi",
    source: "KDDI (au) guidance for senders; the msmx.au.com returned-mail notice",
    messages: [
      {
        name: "kddi-full",
        cases: [{ address: "user1@au.example.jp", reply: "As their mailbox is full.", reason: "mailboxfull" }],
      },
      {
        name: "kddi-relay",
        cases: [{
          address: "user2@au.example.jp",
          reply: "Due to the following SMTP relay error 550 5.1.1 <user2@au.example.jp>: User unknown",
          reason: "userunknown",
        }],
      },
    ],
    render: _kddi,
  },
  {
    family: "ezweb",
    source: "au (EZweb) returned-mail notice wording",
    messages: [
      {
        name: "ezweb-disabled",
        cases: [{ address: "user3@ezweb.example.jp", reply: "The user(s) account is disabled.", reason: "suspend" }],
      },
      {
        name: "ezweb-quota",
        cases: [{
          address: "user4@ezweb.example.jp",
          reply: "The user(s) account is temporarily over quota.",
          reason: "mailboxfull",
        }],
      },
    ],
    render: _ezweb,
  },
  {
    family: "docomo",
    source: "NTT docomo: notes for senders to docomo.ne.jp; its MTA's replies",
    messages: [{
      name: "docomo-a",
      cases: [{
        address: "user5@docomo.example.jp",
        reply: "550 Unknown user user5@docomo.example.jp",
        reason: "userunknown",
      }, { address: "user6@docomo.example.jp", reply: "552 5.2.2 Mailbox is full", reason: "mailboxfull" }],
    }],
    render: _postfixLike("mfsmax.docomo.ne.jp", "MAILER-DAEMON@docomo.ne.jp (Mail Delivery System)"),
  },
  {
    family: "softbank",
    source: "SoftBank: mail delivery for senders; its MTA's replies",
    messages: [{
      name: "softbank-a",
      cases: [{
        address: "user7@sb.example.jp",
        reply: "550 Invalid recipient: <user7@sb.example.jp>",
        reason: "userunknown",
      }, {
        address: "user8@sb.example.jp",
        reply: "550 5.7.1 Spam detected, message rejected",
        reason: "spamdetected",
      }],
    }],
    render: _postfixLike("mx.softbank.ne.jp", "MAILER-DAEMON@softbank.ne.jp (Mail Delivery System)"),
  },
  {
    family: "biglobe",
    source: "BIGLOBE help: returned mail; its MTA's replies",
    messages: [{
      name: "biglobe-a",
      cases: [{
        address: "user9@bg.example.jp",
        reply: "550 5.1.1 <user9@bg.example.jp>: Recipient address rejected: User unknown in virtual mailbox table",
        reason: "userunknown",
      }, {
        address: "user10@bg.example.jp",
        reply: "552 5.2.2 <user10@bg.example.jp>: Mailbox full",
        reason: "mailboxfull",
      }],
    }],
    render: _postfixLike("mx.biglobe.ne.jp", "MAILER-DAEMON@biglobe.ne.jp (Mail Delivery System)"),
  },
];
