import { test } from "node:test";
import assert from "node:assert/strict";
import { explainReplies } from "../../core/explain/explain-reply.ts";
import { parseReplies } from "../../core/explain/parse-replies.ts";
import type { ReplyRule } from "../../core/knowledge/reply-rule.ts";

function explain(text: string, rules: readonly ReplyRule[] = []) {
  const doc = explainReplies(parseReplies(text), rules);
  assert.equal(doc.replies.length, 1, text);
  return doc.replies[0]!;
}

// Scenario in, reason / layer / knowledge code out (RuleTester style).
const CASES: [string, string, string, string | RegExp][] = [
  [
    "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy",
    "authfailure",
    "dns-authentication",
    "envelope.policy-rejected",
  ],
  [
    "550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in local recipient table",
    "userunknown",
    "mailbox",
    "envelope.recipient-unknown",
  ],
  ["535 5.7.8 Username and Password not accepted", "securityerror", "auth", "auth.invalid-credentials"],
  ["530 5.7.0 Must issue a STARTTLS command first", "failedstarttls", "tls", /^(?:envelope|auth)\.tls-required$/],
  ["554 5.7.1 <x@example.org>: Relay access denied", "norelaying", "auth", "envelope.relay-denied"],
  [
    "450 4.2.0 <a@b.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/",
    "blocked",
    "envelope",
    "envelope.greylisted",
  ],
  [
    "452 4.2.2 The email account that you tried to reach is over quota",
    "mailboxfull",
    "mailbox",
    "envelope.mailbox-full",
  ],
  ["552 5.3.4 Message size exceeds fixed limit", "emailtoolarge", "content", "envelope.size-exceeded"],
  [
    "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org",
    "blocked",
    "reputation",
    "envelope.policy-rejected",
  ],
  ["550 5.7.30 REQUIRETLS support required", "failedstarttls", "tls", /./],
  ["556 5.1.10 Recipient address has null MX", "notaccept", "dns", /./],
];

for (const [reply, reason, layer, knowledge] of CASES) {
  test(`explain() names ${reason} at layer ${layer} for "${reply.slice(0, 50)}…"`, () => {
    const r = explain(reply);
    assert.equal(r.reason, reason);
    assert.equal(r.layer, layer);
    if (typeof knowledge === "string") assert.equal(r.knowledge?.code, knowledge);
    else assert.match(r.knowledge?.code ?? "", knowledge);
  });
}

test("explain() marks a 4xx temporary and a 5xx permanent, and a user unknown hard", () => {
  assert.equal(explain("451 4.3.0 Temporary local problem").severity, "temporary");
  const dead = explain("550 5.1.1 No such user");
  assert.equal(dead.permanent, true);
  assert.equal(dead.hard, true);
  assert.equal(explain("450 4.1.1 No such user (verification deferred)").hard, false);
});

test("explain() says a 250 is acceptance, not delivery", () => {
  const r = explain("250 2.0.0 Ok: queued as 4ABC");
  assert.equal(r.severity, "success");
  assert.equal(r.knowledge, null);
  assert.match(r.next, /not delivery/);
});

test("explain() uses the stage the text names over its own guess", () => {
  const r = explain("host mx said: 550 5.7.1 Message rejected (in reply to end of DATA command)");
  assert.equal(r.stage, "data");
  assert.equal(r.stageNamed, true);
});

test("explain() takes a plugin's rule (provider knowledge) before the core's, and names the provider", () => {
  const rule: ReplyRule = {
    id: "gmail.bulk-sender",
    stages: ["rcpt", "data"],
    text: /gsmtp/,
    enhanced: /^5\.7\.26$/,
    diagnosis: { code: "envelope.policy-rejected", title: "Gmail bulk-sender rules", cause: "c", next: "PLUGIN-NEXT" },
  };
  const r = explain("550 5.7.26 This mail has been blocked because the sender is unauthenticated. - gsmtp", [rule]);
  assert.equal(r.knowledge?.rule, "gmail.bulk-sender");
  assert.equal(r.next, "PLUGIN-NEXT");
  assert.equal(r.provider?.id, "gmail");
});

test("explain() gives every enhanced code its registry entry, and an unregistered detail none", () => {
  assert.equal(
    explain("550 5.7.30 REQUIRETLS support required").enhanced?.detail?.summary,
    "REQUIRETLS support required",
  );
  const vendor = explain("550 5.7.606 Access denied, banned sending IP [192.0.2.1]");
  assert.equal(vendor.enhanced?.subject?.code, "X.7.YYY");
  assert.equal(vendor.enhanced?.detail, null);
});
