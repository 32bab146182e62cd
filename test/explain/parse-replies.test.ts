import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_REPLIES, parseReplies } from "../../core/explain/parse-replies.ts";

test("parseReplies() joins a multi-line reply into one", () => {
  const found = parseReplies(
    "550-5.7.26 Unauthenticated email\r\n550-5.7.26 is not accepted\r\n550 5.7.26 x - gsmtp\r\n",
  );
  assert.equal(found.length, 1);
  assert.equal(found[0]?.reply.code, 550);
  assert.equal(found[0]?.reply.enhanced, "5.7.26");
  assert.equal(found[0]?.reply.lines.length, 3);
});

test("parseReplies() finds several replies, with CR, LF or CRLF line ends", () => {
  const found = parseReplies("550 5.1.1 no such user\r451 4.7.1 greylisted\n421 4.3.2 shutting down\r\n");
  assert.deepEqual(found.map((f) => f.reply.code), [550, 451, 421]);
});

test("parseReplies() reads replies inside Postfix, Exim, DSN and Exchange lines and keeps the stage", () => {
  const cases: [string, number, string | undefined, string | undefined][] = [
    [
      "Dec 2 postfix/smtp[1]: A1: to=<a@b.example>, status=bounced (host mx.b.example[192.0.2.1] said: 550 5.1.1 <a@b.example>: Recipient address rejected: User unknown (in reply to RCPT TO command))",
      550,
      "5.1.1",
      "rcpt",
    ],
    ["SMTP error from remote mail server after RCPT TO:<a@b.example>: 550 5.2.2 mailbox full", 550, "5.2.2", "rcpt"],
    ["Diagnostic-Code: smtp; 552 5.3.4 Message size exceeds fixed limit", 552, "5.3.4", undefined],
    [
      "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
      550,
      "5.1.10",
      undefined,
    ],
    ["host mx said: 554 5.7.1 rejected (in reply to end of DATA command)", 554, "5.7.1", "data"],
    [
      "Dec  2 14:06:47 mx postfix/smtpd[3714]: NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 550 5.1.1 <x@rcpt.test>: Recipient address rejected: User unknown in virtual mailbox table; from=<a@b.test> to=<x@rcpt.test> proto=ESMTP helo=<h>",
      550,
      "5.1.1",
      "rcpt",
    ],
  ];
  for (const [line, code, enhanced, stage] of cases) {
    const [found] = parseReplies(line);
    assert.equal(found?.reply.code, code, line);
    assert.equal(found?.reply.enhanced, enhanced, line);
    assert.equal(found?.stage, stage, line);
  }
});

test("parseReplies() joins an indented wrapped line to the reply before it", () => {
  const found = parseReplies("550 5.7.1 Message rejected\n    because of its content\n\n250 ok");
  assert.equal(found.length, 2);
  assert.match(found[0]?.reply.lines.join(" ") ?? "", /because of its content/);
});

test("parseReplies() finds nothing in text without a reply code, and stops at MAX_REPLIES", () => {
  assert.deepEqual(parseReplies("hello\nport 587 is open\n192.0.2.1"), []);
  assert.equal(parseReplies("550 x\n".repeat(MAX_REPLIES + 50)).length, MAX_REPLIES);
});
