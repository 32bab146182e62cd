import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDeliveryStatus } from "../../core/bounce/dsn-fields.ts";

test("parseDeliveryStatus() reads per-message and per-recipient fields, folded values included", () => {
  const r = parseDeliveryStatus(
    "Reporting-MTA: dns; mx.example.org\nArrival-Date: Mon, 1 Dec 2026\n\nFinal-Recipient: rfc822; a@example.net\n" +
      "Original-Recipient: rfc822;A+2Bx@example.net\nAction: Failed\nStatus: 5.1.1 (no such user)\n" +
      "Remote-MTA: dns; mx.example.net\nDiagnostic-Code: smtp; 550 5.1.1 no\n such user\nLast-Attempt-Date: Mon, 1 Dec 2026\n",
  );
  assert.equal(r.reportingMta, "mx.example.org");
  assert.deepEqual(r.recipients, [{
    finalRecipient: "a@example.net",
    originalRecipient: "A+x@example.net",
    action: "failed",
    status: "5.1.1",
    statusComment: "no such user",
    remoteMta: "mx.example.net",
    diagnosticType: "smtp",
    diagnostic: "550 5.1.1 no such user",
    lastAttemptDate: "Mon, 1 Dec 2026",
  }]);
});

test("parseDeliveryStatus() accepts Action before Final-Recipient (Exim) and recipients without blank lines between", () => {
  const exim = parseDeliveryStatus(
    "Reporting-MTA: dns; x\n\nAction: failed\nFinal-Recipient: rfc822;b@example.net\nStatus: 5.0.0\n",
  );
  assert.deepEqual(exim.recipients.map((r) => [r.finalRecipient, r.action, r.status]), [[
    "b@example.net",
    "failed",
    "5.0.0",
  ]]);
  const packed = parseDeliveryStatus(
    "Final-Recipient: rfc822; one@x.example\nAction: failed\nStatus: 5.2.2\nFinal-Recipient: rfc822; two@x.example\nAction: delayed\nStatus: 4.4.1\n",
  );
  assert.deepEqual(packed.recipients.map((r) => [r.finalRecipient, r.action, r.status]), [
    ["one@x.example", "failed", "5.2.2"],
    ["two@x.example", "delayed", "4.4.1"],
  ]);
});

test("parseDeliveryStatus() takes an address in angle brackets or without a type", () => {
  const r = parseDeliveryStatus(
    'Final-Recipient: <c@example.net>\nAction: failed\n\nFinal-Recipient: rfc822;"Dee" <d@example.net>\n',
  );
  assert.deepEqual(r.recipients.map((x) => x.finalRecipient), ["c@example.net", "d@example.net"]);
});
