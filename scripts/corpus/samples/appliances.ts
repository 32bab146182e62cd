/**
 * Gateways, filters and groupware, each from its vendor's documentation of
 * the notification it sends: HCL Domino ("was not delivered to … because"),
 * McAfee/MXLogic ("Failed to deliver to '<addr>'", "SMTP module … reports"),
 * Trend Micro InterScan MSS ("Sent <<< RCPT TO", "Received >>> 550"),
 * MailMarshal and SurfControl ("Could not be delivered because of … The
 * following recipients were affected"), MailFoundry ("Unable to deliver
 * message to"), Active!hunter (Sendmail-style with X-AHMAILID), m-FILTER
 * ("-------server message" / "-------SMTP command"), MessageLabs,
 * Barracuda, Proofpoint and Mimecast (DSNs with their headers).
 */
import { bounceHeaders, dsnMessage, returnedHeaders, type SampleCase, type SampleFamily, statusOf } from "./sample.ts";

const R = {
  unknown: (a: string): SampleCase => ({
    address: a,
    reply: `550 5.1.1 <${a}>... User unknown`,
    reason: "userunknown",
  }),
  full: (a: string): SampleCase => ({ address: a, reply: "552 5.2.2 Mailbox quota exceeded", reason: "mailboxfull" }),
  spam: (a: string): SampleCase => ({
    address: a,
    reply: "550 5.7.1 Message rejected as spam by Content Filtering",
    reason: "spamdetected",
  }),
  relay: (a: string): SampleCase => ({ address: a, reply: "550 5.7.1 Unable to relay for " + a, reason: "norelaying" }),
  virus: (a: string): SampleCase => ({
    address: a,
    reply: "554 5.7.1 The message was rejected because it contains malware",
    reason: "virusdetected",
  }),
  size: (a: string): SampleCase => ({
    address: a,
    reply: "552 5.3.4 Message size exceeds fixed maximum message size",
    reason: "emailtoolarge",
  }),
  listed: (a: string): SampleCase => ({
    address: a,
    reply: "554 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using bl.spamcop.net",
    reason: "blocked",
  }),
};

function _domino(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({
    from: "Mail Router <postmaster@notes.example>",
    subject: `DELIVERY FAILURE: ${c.reply.slice(0, 60)}`,
    index,
    extra: "X-Mailer: IBM Notes Release 9.0.1",
  }) +
    `\nYour message\n\n  Subject: Your monthly statement\n\nwas not delivered to:\n\n  ${c.address}\n\nbecause:\n\n  ${c.reply}\n`;
}

function _mxlogic(cases: SampleCase[], index: number): string {
  const list = cases.map((c) =>
    `     ${c.address}\n\tFailed to deliver to '<${c.address}>'\n\tSMTP module(domain ${
      c.address.split("@")[1]
    }) reports:\n\t host mx.${c.address.split("@")[1]} says:\n\t${c.reply}`
  );
  return bounceHeaders({
    from: "Mail Delivery System <postmaster@mxlogic.net>",
    subject: "Delivery Status Notification (Failure)",
    index,
    extra: "X-MXL-Hash: 4f9a1b2c3d4e5f60-abcdef",
  }) +
    `\nThe following recipient(s) could not be reached:\n\n${list.join("\n\n")}\n\n-- Original message --\n${
      returnedHeaders(cases, index)
    }\n`;
}

function _interscan(cases: SampleCase[], index: number): string {
  const list = cases.map((c) => `Sent <<< RCPT TO:<${c.address}>\nReceived >>> ${c.reply}`);
  return bounceHeaders({
    from: "Mail Administrator <postmaster@gw.example>",
    subject: "Mail could not be delivered",
    index,
  }) +
    `\n****** Message from InterScan Messaging Security Suite ******\n\n${
      list.join("\n\n")
    }\n\nUnable to deliver message to <${
      cases.map((c) => c.address).join(">, <")
    }>.\n\n************************ End of message **********************\n`;
}

function _marshal(cases: SampleCase[], index: number, product: string): string {
  const c = cases[0]!;
  return bounceHeaders({ from: "Mail Administrator <postmaster@gw.example>", subject: "Undeliverable Mail", index }) +
    `\nYour message:\n\n   From:    app@example.org\n   Subject: Your monthly statement\n\nCould not be delivered because of\n\n${c.reply}\n\n` +
    `The following recipients were affected: \n    ${cases.map((x) => x.address).join("\n    ")}\n\n${product}\n`;
}

function _mailfoundry(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({
    from: "MAILER-DAEMON@mailfoundry.gw.example",
    subject: "Message delivery has failed",
    index,
    extra: "X-Mailer: MailFoundry",
  }) +
    `\nUnable to deliver message to: <${c.address}>\nDelivery failed for the following reason:\nServer mx.${
      c.address.split("@")[1]
    }[192.0.2.25] failed with: ${c.reply}\n\n` +
    `This has been a permanent failure.  No further delivery attempts will be made.\n`;
}

function _activehunter(cases: SampleCase[], index: number): string {
  return bounceHeaders({
    from: "MAILER-DAEMON <postmaster@ah.example.jp>",
    subject: "Returned mail: see transcript for details",
    index,
    extra: "X-AHMAILID: 20261105100000-0123456789",
  }) +
    `\n  ----- The following addresses had permanent fatal errors -----\n\n${
      cases.map((c) => `<${c.address}>`).join("\n")
    }\n\n` +
    `  ----- Transcript of session follows -----\n\n${cases.map((c) => c.reply).join("\n")}\n`;
}

function _mfilter(cases: SampleCase[], index: number): string {
  const c = cases[0]!;
  return bounceHeaders({ from: "m-FILTER <postmaster@mf.example.jp>", subject: "failure notice", index }) +
    `\nThis message was created automatically by m-FILTER.\n\n*** ERROR MESSAGE ***\n\n-------server message\n${c.reply}\n\n-------SMTP command\nRCPT TO:<${c.address}>\n\n-------original message\n${
      returnedHeaders(cases, index)
    }\n`;
}

function _dsn(from: string, extra: string, mta: string, text: string) {
  return (cases: SampleCase[], index: number) =>
    dsnMessage(
      { from, subject: "Undeliverable: Your monthly statement", index, extra, reportingMta: mta },
      text,
      cases,
      (c) => statusOf(c.reply),
    );
}

/** The appliance families. */
export const APPLIANCE_SAMPLES: SampleFamily[] = [
  {
    family: "domino",
    source: "HCL Domino administration: delivery failure reports ('was not delivered to … because:')",
    messages: [
      {
        name: "domino-unknown",
        cases: [{
          address: "jdoe@notes.example",
          reply: "User jdoe (jdoe@notes.example) not listed in Domino Directory",
          reason: "userunknown",
        }],
      },
      {
        name: "domino-full",
        cases: [{
          address: "big@notes.example",
          reply: "Unable to deliver message: mail file is full (quota exceeded)",
          reason: "mailboxfull",
        }],
      },
      {
        name: "domino-relay",
        cases: [{
          address: "x@elsewhere.example",
          reply: "Unable to relay to elsewhere.example: relay not permitted",
          reason: "norelaying",
        }],
      },
    ],
    render: _domino,
  },
  {
    family: "mxlogic",
    source: "McAfee SaaS Email Protection (MXLogic) delivery failure notice",
    messages: [{
      name: "mxlogic-a",
      cases: [R.unknown("a@mxl.example"), R.full("b@mxl.example"), R.spam("c@mxl.example")],
    }],
    render: _mxlogic,
  },
  {
    family: "interscanmss",
    source:
      "Trend Micro InterScan Messaging Security Suite: delivery failure notification ('Sent <<<' / 'Received >>>')",
    messages: [{ name: "interscan-a", cases: [R.unknown("a@ismss.example"), R.relay("b@ismss.example")] }],
    render: _interscan,
  },
  {
    family: "mailmarshal",
    source: "MailMarshal SMTP (Trustwave) undeliverable-mail notification template",
    messages: [{ name: "mailmarshal-a", cases: [R.unknown("a@marshal.example")] }, {
      name: "mailmarshal-b",
      cases: [R.size("b@marshal.example")],
    }],
    render: (c, i) => _marshal(c, i, "MailMarshal SMTP"),
  },
  {
    family: "surfcontrol",
    source: "SurfControl E-mail Filter non-delivery notification",
    messages: [{ name: "surfcontrol-a", cases: [R.unknown("a@surf.example")] }, {
      name: "surfcontrol-b",
      cases: [R.listed("b@surf.example")],
    }],
    render: (c, i) => _marshal(c, i, "SurfControl E-mail Filter"),
  },
  {
    family: "mailfoundry",
    source: "MailFoundry appliance delivery failure notice",
    messages: [{ name: "mailfoundry-a", cases: [R.unknown("a@mf.example")] }, {
      name: "mailfoundry-b",
      cases: [R.full("b@mf.example")],
    }],
    render: _mailfoundry,
  },
  {
    family: "activehunter",
    source: "Active!hunter (Transware) notification: Sendmail-style lists with an X-AHMAILID header",
    messages: [{ name: "activehunter-a", cases: [R.unknown("a@ah.example.jp"), R.relay("b@ah.example.jp")] }],
    render: _activehunter,
  },
  {
    family: "mfilter",
    source: "m-FILTER (Digital Arts) error notice ('-------server message', '-------SMTP command')",
    messages: [{ name: "mfilter-a", cases: [R.unknown("a@mf.example.jp")] }, {
      name: "mfilter-b",
      cases: [R.full("b@mf.example.jp")],
    }],
    render: _mfilter,
  },
  {
    family: "messagelabs",
    source: "Symantec Email Security.cloud (MessageLabs) NDR: DSN with X-Msg-Ref",
    messages: [{ name: "messagelabs-a", cases: [R.unknown("a@ml.example"), R.virus("b@ml.example")] }],
    render: _dsn(
      "MAILER-DAEMON <MAILER-DAEMON@messagelabs.com>",
      "X-Msg-Ref: server-4.tower-21.messagelabs.com!1762336800!123!1",
      "dns; server-4.tower-21.messagelabs.com",
      "This is an automatically generated Delivery Status Notification.\n\nDelivery to the following recipients failed.",
    ),
  },
  {
    family: "barracuda",
    source: "Barracuda Email Security Gateway: non-delivery notification (DSN)",
    messages: [{ name: "barracuda-a", cases: [R.spam("a@bar.example"), R.unknown("b@bar.example")] }],
    render: _dsn(
      "Barracuda Email Security Gateway <postmaster@bar.example>",
      "X-Barracuda-Connect: mx.bar.example[192.0.2.30]",
      "dns; barracuda.bar.example",
      "Your message could not be delivered to one or more recipients.",
    ),
  },
  {
    family: "proofpoint",
    source: "Proofpoint Protection Server: DSN from its MTA (X-Proofpoint headers)",
    messages: [{ name: "proofpoint-a", cases: [R.listed("a@pp.example"), R.unknown("b@pp.example")] }],
    render: _dsn(
      "Mail Delivery Subsystem <MAILER-DAEMON@mx0a-001.pphosted.com>",
      "X-Proofpoint-Virus-Version: vendor=fsecure",
      "dns; mx0a-001.pphosted.com",
      "The original message was received from app.example.org.\n\nThe following addresses had permanent fatal errors.",
    ),
  },
  {
    family: "mimecast",
    source: "Mimecast: bounce notifications (DSN with X-MC-Unique)",
    messages: [{
      name: "mimecast-a",
      cases: [{
        address: "a@mc.example",
        reply: "550 Rejected by header based Anti-Spoofing policy: app@example.org",
        reason: "policyviolation",
      }, R.unknown("b@mc.example")],
    }],
    render: _dsn(
      "Mimecast <postmaster@mimecast.com>",
      "X-MC-Unique: aBcDeFgHiJkLmN-1",
      "dns; eu-smtp-inbound-1.mimecast.com",
      "Your message couldn't be delivered to the recipients shown below.",
    ),
  },
];
