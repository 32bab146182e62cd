import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyReason, effectiveStatus, type ReasonInput } from "../../core/bounce/classify-reason.ts";

// Input → [reason, permanent, hard], worded the way real servers word it.
const CASES: [ReasonInput, string, boolean, boolean][] = [
  [
    {
      replyCode: 550,
      status: "5.1.1",
      text: "<a@b>: Recipient address rejected: User unknown in local recipient table",
    },
    "userunknown",
    true,
    true,
  ],
  [{ replyCode: 550, text: "Requested action not taken: mailbox unavailable" }, "userunknown", true, true],
  [{ replyCode: 550, status: "5.1.0", text: "Address rejected" }, "userunknown", true, true],
  [
    {
      replyCode: 550,
      status: "5.7.1",
      text: "The IP you're using to send mail is not authorized to send email directly to our servers.",
    },
    "blocked",
    true,
    false,
  ],
  [
    {
      replyCode: 550,
      status: "5.7.1",
      text: "This message does not have authentication information or fails to pass authentication checks.",
    },
    "authfailure",
    true,
    false,
  ],
  [
    {
      replyCode: 554,
      status: "5.2.0",
      text: "STOREDRV.Deliver.Exception:QuotaExceededException; Failed to process message",
    },
    "mailboxfull",
    true,
    false,
  ],
  [
    { replyCode: 550, status: "5.7.0", text: "Blocked - see https://support.apple.com/en-us/HT204137" },
    "blocked",
    true,
    false,
  ],
  [
    { replyCode: 554, status: "5.7.1", text: "This message has been blocked because it contains a banned attachment" },
    "contenterror",
    true,
    false,
  ],
  [{ replyCode: 552, status: "5.2.2", text: "Mailbox full" }, "mailboxfull", true, false],
  [
    { replyCode: 452, status: "4.2.2", text: "The email account that you tried to reach is over quota" },
    "mailboxfull",
    false,
    false,
  ],
  [
    {
      status: "5.4.4",
      text: "Host or domain name not found. Name service error for name=x.invalid type=A: Host not found",
    },
    "hostunknown",
    true,
    true,
  ],
  [
    {
      status: "4.4.3",
      text: "Host or domain name not found. Name service error for name=x type=MX: Host not found, try again",
    },
    "networkerror",
    false,
    false,
  ],
  [
    {
      replyCode: 554,
      status: "5.7.1",
      text: "Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
    },
    "blocked",
    true,
    false,
  ],
  [
    {
      replyCode: 550,
      status: "5.7.26",
      text: "Unauthenticated email from example.com is not accepted due to domain's DMARC policy",
    },
    "authfailure",
    true,
    false,
  ],
  [
    { replyCode: 421, status: "4.7.0", text: "Try again later, closing connection. (EHLO) - gsmtp" },
    "systemerror",
    false,
    false,
  ],
  [
    { replyCode: 451, status: "4.7.1", text: "Greylisting in action, please come back in 00:05:00" },
    "blocked",
    false,
    false,
  ],
  [{ replyCode: 550, status: "5.7.1", text: "Greylisted: but this is a 5xx" }, "undefined", true, false],
  [{ replyCode: 530, status: "5.7.0", text: "Must issue a STARTTLS command first" }, "failedstarttls", true, false],
  [{ replyCode: 535, status: "5.7.8", text: "Authentication credentials invalid" }, "securityerror", true, false],
  [{ replyCode: 550, status: "5.7.606", text: "Access denied, banned sending IP [192.0.2.1]" }, "blocked", true, false],
  [
    { replyCode: 550, status: "5.4.1", text: "Recipient address rejected: Access denied. AS(201806281)" },
    "userunknown",
    true,
    true,
  ],
  [{ replyCode: 556, status: "5.1.10", text: "Recipient address has null MX" }, "notaccept", true, true],
  [{ replyCode: 550, status: "5.1.6", text: "Mailbox has moved" }, "hasmoved", true, true],
  [
    { action: "failed", status: "4.4.1", text: "connect to mx.example.net[192.0.2.1]:25: Connection refused" },
    "expired",
    false,
    false,
  ],
  [{ action: "failed", status: "4.7.1", text: "Recipient address rejected: try later" }, "expired", false, false],
  [
    { action: "failed", status: "5.0.0", text: "451 4.3.0 Temporary lookup failure: retry timeout exceeded" },
    "expired",
    true,
    false,
  ],
  [{ action: "failed", status: "5.0.0", text: "mailbox is full: retry timeout exceeded" }, "mailboxfull", true, false],
  [{ action: "delayed", status: "4.4.1", text: "Connection timed out" }, "expired", false, false],
  [{ action: "delivered", status: "2.0.0", text: "delivered to mailbox" }, "delivered", false, false],
  [{ action: "relayed", status: "2.0.0" }, "delivered", false, false],
  [{ status: "5.3.4" }, "emailtoolarge", true, false],
  [{ status: "5.7.30" }, "failedstarttls", true, false],
  [{}, "undefined", true, false],
];

for (const [input, reason, permanent, hard] of CASES) {
  test(`classifyReason() names ${reason} for ${JSON.stringify(input).slice(0, 90)}`, () => {
    const r = classifyReason(input);
    assert.deepEqual([r.reason, r.permanent, r.hard], [reason, permanent, hard]);
  });
}

test("effectiveStatus() prefers the diagnostic's specific code except across classes", () => {
  assert.equal(effectiveStatus("5.0.0", "5.1.1"), "5.1.1");
  assert.equal(effectiveStatus("5.1.1", "5.2.2"), "5.2.2");
  assert.equal(effectiveStatus("5.1.1", "5.0.0"), "5.1.1");
  assert.equal(effectiveStatus("5.0.0", "4.2.0"), "5.0.0");
  assert.equal(effectiveStatus(undefined, "4.2.0"), "4.2.0");
  assert.equal(effectiveStatus("5.01.001", undefined), "5.1.1");
  assert.equal(effectiveStatus("bogus", undefined), undefined);
});
