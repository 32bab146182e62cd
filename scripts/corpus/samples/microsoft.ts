/**
 * Microsoft's layouts, from Microsoft Learn's "Email non-delivery reports
 * and SMTP errors in Exchange Online", "What's included in an NDR" and the
 * Exchange Server NDR pages (layout: the user section, "Diagnostic
 * information for administrators", "Generating server", "Remote Server
 * returned '…'"; Exchange 2003's "did not reach the following
 * recipient(s)" with "<host #x.y.z>"). The replies are the codes and texts
 * those pages list.
 */
import { bounceHeaders, type SampleCase, sampleDate, type SampleFamily, statusOf } from "./sample.ts";

const EXO: SampleCase[] = [
  {
    address: "former@contoso.example",
    reply: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
    reason: "userunknown",
  },
  {
    address: "old.account@contoso.example",
    reply: "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
    reason: "userunknown",
  },
  {
    address: "edge@fabrikam.example",
    reply:
      "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DM6NAM12FT034.eop-nam12.prod.protection.outlook.com]",
    reason: "userunknown",
  },
  {
    address: "stuffed@contoso.example",
    reply:
      "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception",
    reason: "mailboxfull",
  },
  {
    address: "ceo@fabrikam.example",
    reply:
      "550 5.7.606 Access denied, banned sending IP [192.0.2.44]. To request removal from this list please visit https://sender.office.com/",
    reason: "blocked",
  },
  {
    address: "buyer@fabrikam.example",
    reply:
      "550 5.7.509 Access denied, sending domain example.org does not pass DMARC verification and has a DMARC policy of reject",
    reason: "authfailure",
  },
  {
    address: "group@contoso.example",
    reply:
      "550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance",
    reason: "policyviolation",
  },
  {
    address: "big@contoso.example",
    reply: "552 5.3.4 Message size exceeds fixed maximum message size",
    reason: "emailtoolarge",
  },
  {
    address: "hr@contoso.example",
    reply:
      "554 5.6.211 Invalid MIME Content: Single text value size (32004) exceeded allowed maximum of 32000 for the 'Thread-Index' header",
    reason: "contenterror",
  },
  {
    address: "remote@secure.example",
    reply: "550 5.4.8 MX hosts of 'secure.example' failed MTA-STS validation",
    reason: "failedstarttls",
  },
  {
    address: "dane@secure.example",
    reply: "550 5.7.321 starttls-not-supported: Destination mail server must support TLS to receive mail",
    reason: "failedstarttls",
  },
  {
    address: "cert@secure.example",
    reply: "450 4.7.5 Remote certificate failed MTA-STS validation. Reason: CertificateNameMismatch",
    reason: "failedstarttls",
  },
  {
    address: "nobody@tenant.example",
    reply: "550 5.7.64 TenantAttribution; Relay Access Denied",
    reason: "norelaying",
  },
  {
    address: "anon@tenant.example",
    reply: "530 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful",
    reason: "securityerror",
  },
];

function _exchange2007(cases: SampleCase[], index: number, online: boolean): string {
  const user = cases.map((c) =>
    `${c.address}\nYour message couldn't be delivered. Contact the recipient by other means.`
  );
  const admin = cases.map((c) => `${c.address}\nmx.${c.address.split("@")[1]}\nRemote Server returned '${c.reply}'`);
  const from = online
    ? "Microsoft Outlook <postmaster@outlook.com>"
    : "Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@corp.example>";
  return bounceHeaders({
    from,
    subject: "Undeliverable: Your monthly statement",
    index,
    extra: "X-MS-Exchange-Message-Is-Ndr:",
  }) +
    `\nDelivery has failed to these recipients or groups:\n\n${user.join("\n\n")}\n\n\n\n` +
    `Diagnostic information for administrators:\n\nGenerating server: ${
      online ? "BN8PR12MB3346.namprd12.prod.outlook.com" : "EX01.corp.example"
    }\n\n` +
    `${
      admin.join("\n\n")
    }\n\nOriginal message headers:\n\nReceived: from app.example.org (192.0.2.10) by EX01.corp.example\n` +
    ` with Microsoft SMTP Server id 15.2.1118.7; ${sampleDate(index)}\nMessage-ID: <statement-${index}@example.org>\n`;
}

const OLD: SampleCase[] = [
  {
    address: "dana@legacy.example",
    reply: "The e-mail account does not exist at the organization this message was sent to. <legacy.example #5.1.1>",
    reason: "userunknown",
  },
  {
    address: "full@legacy.example",
    reply: "The recipient's mailbox is full and can't accept messages now. <legacy.example #5.2.2>",
    reason: "mailboxfull",
  },
  {
    address: "huge@legacy.example",
    reply: "The message was too large for the recipient's mailbox. <legacy.example #5.2.3>",
    reason: "emailtoolarge",
  },
  {
    address: "someone@gone.example",
    reply:
      "The destination server for this recipient could not be found in Domain Name Service (DNS). <legacy.example #5.4.0>",
    reason: "hostunknown",
  },
  {
    address: "admins@legacy.example",
    reply:
      "You do not have permission to send to this recipient. For assistance, contact your system administrator. <legacy.example #5.7.1>",
    reason: "policyviolation",
  },
];

function _exchange2003(cases: SampleCase[], index: number): string {
  const lines = cases.map((c) =>
    `      ${c.address} on 11/3/2009 10:00 AM\n            ${c.reply.replace(/ <([^>]+)>$/, "\n            <$1>")}`
  );
  return bounceHeaders({
    from: "System Administrator <postmaster@legacy.example>",
    subject: "Undeliverable: Your monthly statement",
    index,
  }) +
    `\nYour message\n\n      To:      ${
      cases.map((c) => c.address).join("; ")
    }\n      Subject: Your monthly statement\n      Sent:    11/3/2009 9:58 AM\n\n` +
    `did not reach the following recipient(s):\n\n${lines.join("\n\n")}\n`;
}

/** The Microsoft families. */
export const MICROSOFT_SAMPLES: SampleFamily[] = [
  {
    family: "office365",
    source:
      "Microsoft Learn: Email non-delivery reports and SMTP errors in Exchange Online; SMTP DANE and MTA-STS in Exchange Online",
    messages: [{ name: "exo-a", cases: EXO.slice(0, 5) }, { name: "exo-b", cases: EXO.slice(5, 10) }, {
      name: "exo-c",
      cases: EXO.slice(10),
    }],
    render: (cases, i) => _exchange2007(cases, i, true),
  },
  {
    family: "exchange2007",
    source: "Microsoft Learn: What's included in an NDR (Exchange Server 2013 to 2019), Exchange Server NDR codes",
    messages: [{
      name: "exchange2016-a",
      cases: EXO.slice(1, 6).map((c) => ({ ...c, address: c.address.replace("@", ".onprem@") })),
    }],
    render: (cases, i) => _exchange2007(cases, i, false),
  },
  {
    family: "exchange2003",
    source:
      "Microsoft Knowledge Base: Exchange 2000/2003 NDR text ('did not reach the following recipient(s)', <host #x.y.z>)",
    messages: [{ name: "exchange2003-a", cases: OLD }],
    render: (cases, i) => _exchange2003(cases, i),
  },
];

export { statusOf };
