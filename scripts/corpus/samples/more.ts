/**
 * More recipients for families already laid out elsewhere: each entry
 * reuses its family's layout and source, with further replies from the
 * same published error tables (Google, Yahoo Sender Hub, Microsoft's NDR
 * pages, Yandex and Mail.ru help, KDDI's notices) and the gateways'
 * pass-through of common MTA replies.
 */
import { APPLIANCE_SAMPLES } from "./appliances.ts";
import { JAPANESE_SAMPLES } from "./japan.ts";
import { MICROSOFT_SAMPLES } from "./microsoft.ts";
import { PROVIDER_SAMPLES } from "./providers.ts";
import type { SampleCase, SampleFamily } from "./sample.ts";
import { UNIX_SAMPLES } from "./unix.ts";

const _ALL = [...MICROSOFT_SAMPLES, ...PROVIDER_SAMPLES, ...APPLIANCE_SAMPLES, ...JAPANESE_SAMPLES, ...UNIX_SAMPLES];

function _more(family: string, messages: { name: string; cases: SampleCase[] }[]): SampleFamily {
  const f = _ALL.find((x) => x.family === family);
  if (!f) throw new Error(`no family ${family}`);
  return { family, source: f.source, messages, render: f.render };
}

const c = (address: string, reply: string, reason: string): SampleCase => ({ address, reply, reason });

/** The extra messages. */
export const MORE_SAMPLES: SampleFamily[] = [
  _more("gmail", [
    {
      name: "gmail-notice-11",
      cases: [
        c(
          "bulk@gmail.com",
          "421 4.7.28 [192.0.2.44] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp",
          "ratelimited",
        ),
      ],
    },
    {
      name: "gmail-notice-12",
      cases: [
        c(
          "fast@gmail.com",
          "450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. Please resend your message at a later time. - gsmtp",
          "ratelimited",
        ),
      ],
    },
    {
      name: "gmail-notice-13",
      cases: [
        c(
          "spf@gmail.com",
          "550 5.7.27 The sender's SPF record does not authorize the sending IP [192.0.2.44]; the message is rejected. - gsmtp",
          "authfailure",
        ),
      ],
    },
    {
      name: "gmail-notice-14",
      cases: [c("tls@gmail.com", "530 5.7.0 Must issue a STARTTLS command first. - gsmtp", "failedstarttls")],
    },
    {
      name: "gmail-notice-15",
      cases: [
        c(
          "lowrep@gmail.com",
          "550 5.7.1 [192.0.2.44] Gmail has detected that this message is likely suspicious due to the very low reputation of the sending domain. - gsmtp",
          "badreputation",
        ),
      ],
    },
  ]),
  _more("yahoo", [{
    name: "yahoo-notice-c",
    cases: [
      c(
        "deferred@yahoo.com",
        "421 4.7.0 [TSS04] Messages from 192.0.2.44 temporarily deferred due to unexpected volume or user complaints",
        "ratelimited",
      ),
      c(
        "nodmarc@yahoo.com",
        "550 5.7.9 Message not accepted: DMARC policy of example.org requires the message to be rejected",
        "authfailure",
      ),
      c(
        "noptr@yahoo.com",
        "421 4.7.1 [TSS01] Messages from 192.0.2.44 temporarily deferred due to no reverse DNS (PTR) record",
        "requireptr",
      ),
    ],
  }]),
  _more("yandex", [{
    name: "yandex-b",
    cases: [
      c("listed@yandex.example", "554 5.7.1 Client host rejected: the sending IP 192.0.2.44 is blacklisted", "blocked"),
      c("big@yandex.example", "552 5.3.4 Message size exceeds fixed maximum message size", "emailtoolarge"),
    ],
  }]),
  _more("mailru", [{
    name: "mailru-b",
    cases: [c("dmarc@mailru.example", "550 Message rejected because of DMARC policy of example.org", "authfailure")],
  }]),
  _more("office365", [{
    name: "exo-d",
    cases: [
      c("busy@contoso.example", "432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded", "ratelimited"),
      c(
        "spf@fabrikam.example",
        "550 5.7.23 The message was rejected because of Sender Policy Framework violation",
        "authfailure",
      ),
      c(
        "mod@contoso.example",
        "550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized to send to this recipient (moderated group)",
        "policyviolation",
      ),
      c(
        "disabled@contoso.example",
        "550 5.2.1 STOREDRV.Submission.Exception:MailboxDisabledException; the mailbox is disabled",
        "suspend",
      ),
    ],
  }]),
  _more("mxlogic", [{
    name: "mxlogic-b",
    cases: [
      c(
        "d@mxl.example",
        "554 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using bl.spamcop.net",
        "blocked",
      ),
      c("e@mxl.example", "552 5.3.4 Message size exceeds fixed maximum message size", "emailtoolarge"),
    ],
  }]),
  _more("interscanmss", [{
    name: "interscan-b",
    cases: [
      c("c@ismss.example", "552 5.2.2 Mailbox quota exceeded", "mailboxfull"),
      c("d@ismss.example", "554 5.7.1 The message was rejected because it contains malware", "virusdetected"),
    ],
  }]),
  _more("messagelabs", [{
    name: "messagelabs-b",
    cases: [
      c(
        "c@ml.example",
        "554 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using bl.spamcop.net",
        "blocked",
      ),
      c("d@ml.example", "550 5.7.1 Message rejected as spam by Content Filtering", "spamdetected"),
    ],
  }]),
  _more("barracuda", [{
    name: "barracuda-b",
    cases: [
      c("c@bar.example", "554 5.7.1 The message was rejected because it contains malware", "virusdetected"),
      c("d@bar.example", "550 5.7.1 Unable to relay for d@bar.example", "norelaying"),
    ],
  }]),
  _more("proofpoint", [{
    name: "proofpoint-b",
    cases: [
      c("c@pp.example", "552 5.2.2 Mailbox quota exceeded", "mailboxfull"),
      c("d@pp.example", "552 5.3.4 Message size exceeds fixed maximum message size", "emailtoolarge"),
    ],
  }]),
  _more("messagingserver", [{
    name: "ims-b",
    cases: [
      c("relay@ims.example", "550 5.7.1 Relaying not allowed: relay@ims.example", "norelaying"),
      c("big@ims.example", "552 5.3.4 Message exceeds maximum fixed size limit", "emailtoolarge"),
    ],
  }]),
  _more("courier", [{
    name: "courier-text-b",
    cases: [
      c("relay@cr.example", "550 5.7.1 <relay@cr.example>: Relay access denied", "norelaying"),
      c("spam@cr.example", "554 5.7.1 Message rejected as spam", "spamdetected"),
    ],
  }]),
  _more("qmail", [{
    name: "qmail-remote",
    cases: [
      c(
        "c@remote.example",
        "Remote host said: 554 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using zen.spamhaus.org",
        "blocked",
      ),
      c(
        "d@remote.example",
        "Remote host said: 552 5.3.4 Message size exceeds fixed maximum message size",
        "emailtoolarge",
      ),
    ],
  }]),
  _more("kddi", [{
    name: "kddi-unknown",
    cases: [c("user11@au.example.jp", "As the user(s) mailbox does not exist.", "userunknown")],
  }]),
  _more("activehunter", [{
    name: "activehunter-b",
    cases: [c("c@ah.example.jp", "552 5.2.2 Mailbox quota exceeded", "mailboxfull")],
  }]),
  _more("zoho", [{
    name: "zoho-b",
    cases: [
      c("quota@zoho.example", "552 5.2.2 Mailbox size limit exceeded", "mailboxfull"),
      c("relay@zoho.example", "553 Relaying disallowed. Invalid Domain - zoho.example", "norelaying"),
    ],
  }]),
  _more("gmx", [{
    name: "gmx-b",
    cases: [
      c(
        "spam@gmx.example",
        "554 Transaction failed Reject due to content restrictions: spam suspected",
        "spamdetected",
      ),
      c("big@gmx.example", "552 Message size exceeds maximum permitted", "emailtoolarge"),
    ],
  }]),
  _more("einsundeins", [{
    name: "ionos-b",
    cases: [
      c("quota@ionos.example", "552 Requested mail action aborted: exceeded storage allocation", "mailboxfull"),
      c("noptr@ionos.example", "554 Bad DNS PTR resource record", "requireptr"),
    ],
  }]),
  _more("domino", [{
    name: "domino-size",
    cases: [
      c("big@notes.example", "Message size exceeds the maximum allowed size for this recipient", "emailtoolarge"),
    ],
  }]),
  _more("mailfoundry", [{
    name: "mailfoundry-c",
    cases: [c("c@mf.example", "554 5.7.1 Message rejected as spam by Content Filtering", "spamdetected")],
  }]),
  _more("mfilter", [{ name: "mfilter-c", cases: [c("c@mf.example.jp", "550 5.7.1 Relaying denied", "norelaying")] }]),
  _more("mailmarshal", [{
    name: "mailmarshal-c",
    cases: [
      c(
        "c@marshal.example",
        "554 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using zen.spamhaus.org",
        "blocked",
      ),
    ],
  }]),
  _more("surfcontrol", [{
    name: "surfcontrol-c",
    cases: [c("c@surf.example", "552 5.2.2 Mailbox quota exceeded", "mailboxfull")],
  }]),
  _more("james", [{ name: "james-c", cases: [c("full@james.example", "552 5.2.2 Mailbox full", "mailboxfull")] }]),
  _more("imail", [{
    name: "imail-b",
    cases: [c("full@imail.example", "Mailbox full: full@imail.example", "mailboxfull")],
  }]),
  _more("dragonfly", [{
    name: "dma-b",
    cases: [c("full@dma.example", "remote delivery failed: 552 5.2.2 Mailbox full", "mailboxfull")],
  }]),
  _more("mdaemon", [{
    name: "mdaemon-b",
    cases: [c("full@md.example", "552 5.2.2 Mailbox full, quota exceeded", "mailboxfull")],
  }]),
  _more("exchange2003", [{
    name: "exchange2003-b",
    cases: [
      c(
        "loop@legacy.example",
        "A configuration error in the e-mail system caused the message to bounce between two servers or to be forwarded between two recipients. <legacy.example #5.4.6>",
        "systemerror",
      ),
      c(
        "slow@legacy.example",
        "The message could not be delivered within the time limit. <legacy.example #4.4.7>",
        "expired",
      ),
    ],
  }]),
  _more("docomo", [{
    name: "docomo-b",
    cases: [
      c(
        "user12@docomo.example.jp",
        "550 5.7.1 Message rejected: the recipient refuses mail from your domain",
        "filtered",
      ),
    ],
  }]),
];
