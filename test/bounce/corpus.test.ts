import { test } from "node:test";
import assert from "node:assert/strict";
import type { BounceMessage } from "../../core/bounce/analyze-message.ts";
import { analyzeMessage } from "../../core/bounce/analyze-message.ts";
import { readSources } from "../../core/bounce/read-sources.ts";

/** Reads corpus files in process and returns one entry per message, keyed by source. */
export async function readCorpus(files: string[]): Promise<Map<string, BounceMessage>> {
  const out = new Map<string, BounceMessage>();
  const errors: string[] = [];
  await readSources(
    files,
    (root, source) => out.set(source, analyzeMessage(root, source)),
    (e) => errors.push(e.message),
  );
  assert.deepEqual(errors, []);
  return out;
}

type Row = [string, string, string | null, string | null, [string, string, boolean, boolean][]];

// File (under test/data/bounces) → kind, layout, original Message-ID, and per recipient
// [address, reason, permanent, hard]. The corpus README says how each file was made.
const CORPUS: Row[] = [
  ["exim/blocklisted-client.eml", "dsn", "rfc3464", "<corpus-exim-blocklisted-client@sender.test>", [[
    "blocked@rcpt.test",
    "blocked",
    true,
    false,
  ]]],
  ["exim/expired-after-deferral.eml", "dsn", "rfc3464", "<corpus-exim-expired-after-deferral@sender.test>", [[
    "greylist@rcpt.test",
    "expired",
    true,
    false,
  ]]],
  ["exim/header-syntax.eml", "dsn", "rfc3464", "<corpus-exim-header-syntax@sender.test>", [[
    "known@rcpt.test",
    "contenterror",
    true,
    false,
  ]]],
  ["exim/host-not-found.eml", "dsn", "rfc3464", "<corpus-exim-host-not-found@sender.test>", [[
    "user@no-such-host.invalid",
    "hostunknown",
    true,
    true,
  ]]],
  ["exim/mailbox-disabled.eml", "dsn", "rfc3464", "<corpus-exim-mailbox-disabled@sender.test>", [[
    "disabled@rcpt.test",
    "suspend",
    true,
    false,
  ]]],
  ["exim/mailbox-full.eml", "dsn", "rfc3464", "<corpus-exim-mailbox-full@sender.test>", [[
    "full@exim.test",
    "mailboxfull",
    true,
    false,
  ]]],
  ["exim/mailbox-moved.eml", "dsn", "rfc3464", "<corpus-exim-mailbox-moved@sender.test>", [[
    "moved@rcpt.test",
    "hasmoved",
    true,
    true,
  ]]],
  ["exim/message-too-large.eml", "dsn", "rfc3464", "<corpus-exim-message-too-large@sender.test>", [[
    "known@rcpt.test",
    "emailtoolarge",
    true,
    false,
  ]]],
  ["exim/no-reverse-dns.eml", "dsn", "rfc3464", "<corpus-exim-no-reverse-dns@sender.test>", [[
    "noptr@rcpt.test",
    "requireptr",
    true,
    false,
  ]]],
  ["exim/relay-denied.eml", "dsn", "rfc3464", "<corpus-exim-relay-denied@sender.test>", [[
    "someone@other.test",
    "norelaying",
    true,
    false,
  ]]],
  ["exim/spam-content.eml", "dsn", "rfc3464", "<corpus-exim-spam-content@sender.test>", [[
    "known@rcpt.test",
    "spamdetected",
    true,
    false,
  ]]],
  ["exim/spf-fail.eml", "dsn", "rfc3464", "<corpus-exim-spf-fail@sender.test>", [[
    "spf@rcpt.test",
    "authfailure",
    true,
    false,
  ]]],
  ["exim/too-many-recipients.eml", "dsn", "rfc3464", "<corpus-exim-too-many-recipients@sender.test>", [[
    "busy@rcpt.test",
    "expired",
    true,
    false,
  ]]],
  ["exim/user-unknown.eml", "dsn", "rfc3464", "<corpus-exim-user-unknown@sender.test>", [[
    "nobody-here@rcpt.test",
    "userunknown",
    true,
    true,
  ]]],
  ["exim/virus-content.eml", "dsn", "rfc3464", "<corpus-exim-virus-content@sender.test>", [[
    "known@rcpt.test",
    "virusdetected",
    true,
    false,
  ]]],
  ["postfix/blocklisted-client.eml", "dsn", "rfc3464", "<corpus-blocklisted-client@sender.test>", [[
    "blocked@rcpt.test",
    "blocked",
    true,
    false,
  ]]],
  ["postfix/delivered-notify-success.eml", "dsn", "rfc3464", "<corpus-delivered-notify-success@sender.test>", [[
    "known@rcpt.test",
    "delivered",
    false,
    false,
  ]]],
  ["postfix/expired-after-deferral.eml", "dsn", "rfc3464", "<corpus-expired-after-deferral@sender.test>", [[
    "greylist@rcpt.test",
    "expired",
    false,
    false,
  ]]],
  ["postfix/header-syntax.eml", "dsn", "rfc3464", "<corpus-header-syntax@sender.test>", [[
    "known@rcpt.test",
    "contenterror",
    true,
    false,
  ]]],
  ["postfix/host-not-found.eml", "dsn", "rfc3464", "<corpus-host-not-found@sender.test>", [[
    "user@no-such-host.invalid",
    "hostunknown",
    true,
    true,
  ]]],
  ["postfix/mailbox-disabled.eml", "dsn", "rfc3464", "<corpus-mailbox-disabled@sender.test>", [[
    "disabled@rcpt.test",
    "suspend",
    true,
    false,
  ]]],
  ["postfix/mailbox-full.eml", "dsn", "rfc3464", "<corpus-mailbox-full@sender.test>", [[
    "full@rcpt.test",
    "mailboxfull",
    true,
    false,
  ]]],
  ["postfix/mailbox-moved.eml", "dsn", "rfc3464", "<corpus-mailbox-moved@sender.test>", [[
    "moved@rcpt.test",
    "hasmoved",
    true,
    true,
  ]]],
  ["postfix/message-too-large.eml", "dsn", "rfc3464", "<corpus-message-too-large@sender.test>", [[
    "known@rcpt.test",
    "emailtoolarge",
    true,
    false,
  ]]],
  ["postfix/no-reverse-dns.eml", "dsn", "rfc3464", "<corpus-no-reverse-dns@sender.test>", [[
    "noptr@rcpt.test",
    "requireptr",
    true,
    false,
  ]]],
  ["postfix/relay-denied.eml", "dsn", "rfc3464", "<corpus-relay-denied@sender.test>", [[
    "someone@other.test",
    "norelaying",
    true,
    false,
  ]]],
  ["postfix/spam-content.eml", "dsn", "rfc3464", "<corpus-spam-content@sender.test>", [[
    "known@rcpt.test",
    "spamdetected",
    true,
    false,
  ]]],
  ["postfix/spf-fail.eml", "dsn", "rfc3464", "<corpus-spf-fail@sender.test>", [[
    "spf@rcpt.test",
    "authfailure",
    true,
    false,
  ]]],
  ["postfix/too-many-recipients.eml", "dsn", "rfc3464", "<corpus-too-many-recipients@sender.test>", [[
    "busy@rcpt.test",
    "ratelimited",
    false,
    false,
  ]]],
  ["postfix/user-unknown.eml", "dsn", "rfc3464", "<corpus-user-unknown@sender.test>", [[
    "nobody-here@rcpt.test",
    "userunknown",
    true,
    true,
  ]]],
  ["postfix/virus-content.eml", "dsn", "rfc3464", "<corpus-virus-content@sender.test>", [[
    "known@rcpt.test",
    "virusdetected",
    true,
    false,
  ]]],
  ["providers/arf-complaint.eml", "feedback", "arf", "<sale-2026-annoyed@example.org>", [[
    "annoyed@mailbox.example",
    "feedback",
    false,
    false,
  ]]],
  ["providers/autoreply-exchange.eml", "autoreply", "rfc3834", null, [[
    "dave@contoso.example",
    "vacation",
    false,
    false,
  ]]],
  ["providers/bounce-of-a-bounce.eml", "dsn", "rfc3464", "<20261202140903.5624C20E06B@mta.sender.test>", [[
    "postmaster@example.org",
    "mailboxfull",
    true,
    false,
  ]]],
  ["providers/broken-mime-encoded-8bit.eml", "dsn", "rfc3464", "<gruesse-koeln@example.org>", [[
    "müller@beispiel.example",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/courier-dsn.eml", "dsn", "rfc3464", "<courier-case-2@example.org>", [[
    "nobody@example.net",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/domino-text.eml", "bounce", "domino", null, [["gone@notes.example.net", "userunknown", true, true]]],
  ["providers/dsn-status-contradicts-diagnostic.eml", "dsn", "rfc3464", null, [[
    "one@example.net",
    "mailboxfull",
    true,
    false,
  ], ["two@example.net", "spamdetected", true, false]]],
  ["providers/exchange2003-text.eml", "bounce", "exchange2003", null, [[
    "dana.old@legacy.example.net",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/exim-delay-warning.eml", "bounce", "exim", null, [["slow@example.net", "expired", false, false]]],
  ["providers/exim-text-only.eml", "bounce", "exim", "<text-only-1@example.org>", [[
    "nobody@example.net",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/forwarded-as-attachment.eml", "dsn", "rfc3464", "<corpus-user-unknown@sender.test>", [[
    "nobody-here@rcpt.test",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/gmail-delayed-rate.eml", "dsn", "rfc3464", "<campaign-9-1@example.org>", [[
    "someone@gmail.com",
    "expired",
    false,
    false,
  ]]],
  ["providers/gmail-dmarc-rejected.eml", "dsn", "rfc3464", "<news-2026-12.44@example.org>", [[
    "reader@gmail.com",
    "authfailure",
    true,
    false,
  ]]],
  ["providers/gmail-legacy-mailbox-full.eml", "bounce", "gmail", "<receipt-42@example.org>", [[
    "stuffed@gmail.com",
    "mailboxfull",
    true,
    false,
  ]]],
  ["providers/gmail-user-unknown.eml", "dsn", "rfc3464", "<order-7781@example.org>", [[
    "ghost@example.net",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/m365-ip-blocked.eml", "dsn", "rfc3464", null, [["new.user@outlook.com", "blocked", true, false]]],
  ["providers/m365-user-unknown.eml", "dsn", "rfc3464", "<invoice-2026-12@example.org>", [[
    "former.employee@contoso.example",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/not-a-bounce.eml", "not-bounce", null, null, []],
  ["providers/outlook-mailbox-full.eml", "dsn", "rfc3464", "<statement-88@example.org>", [[
    "packed@hotmail.com",
    "mailboxfull",
    true,
    false,
  ]]],
  ["providers/postfix-delayed.eml", "dsn", "rfc3464", "<later-1@example.org>", [[
    "later@example.net",
    "expired",
    false,
    false,
  ]]],
  ["providers/qmail-user-unknown.eml", "bounce", "qmail", "<hello-qmail-1@example.org>", [[
    "nobody@example.net",
    "userunknown",
    true,
    true,
  ], ["someone@example.com", "hostunknown", true, true]]],
  ["providers/sendmail-dsn-user-unknown.eml", "dsn", "rfc3464", "<report-sendmail-9@example.org>", [[
    "nobody@example.net",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/sendmail-text-host-unknown.eml", "bounce", "sendmail", "<hi-1998@example.org>", [[
    "someone@nohost.example",
    "hostunknown",
    true,
    true,
  ]]],
  ["providers/ses-suppressed.eml", "dsn", "rfc3464", null, [["bounced.before@example.net", "suppressed", true, true]]],
  ["providers/ses-user-unknown.eml", "dsn", "rfc3464", "<0100018c-1111-2222@email.amazonses.com>", [[
    "nobody@example.net",
    "userunknown",
    true,
    true,
  ]]],
  ["providers/three-messages.mbox#1", "bounce", "qmail", "<hello-qmail-1@example.org>", [[
    "nobody@example.net",
    "userunknown",
    true,
    true,
  ], ["someone@example.com", "hostunknown", true, true]]],
  ["providers/three-messages.mbox#2", "not-bounce", null, null, []],
  ["providers/three-messages.mbox#3", "autoreply", "rfc3834", null, [["carol@example.net", "vacation", false, false]]],
  ["providers/vacation-auto-submitted.eml", "autoreply", "rfc3834", null, [[
    "carol@example.net",
    "vacation",
    false,
    false,
  ]]],
  ["providers/vpopmail-mailbox-full.eml", "bounce", "qmail", "<photos-3@example.org>", [[
    "hoarder@example.net",
    "mailboxfull",
    true,
    false,
  ]]],
  ["providers/yahoo-deferred-volume.eml", "dsn", "rfc3464", null, [["reader@yahoo.com", "expired", false, false]]],
  ["providers/yahoo-user-unknown.eml", "bounce", "yahoo", "<welcome-back-5@example.org>", [[
    "gone.away@yahoo.com",
    "userunknown",
    true,
    true,
  ]]],
];

test("bounce reads every corpus file as its kind, layout, original Message-ID and recipients say", async () => {
  const files = [...new Set(CORPUS.map(([f]) => `test/data/bounces/${f.replace(/#\d+$/, "")}`))];
  const read = await readCorpus(files);
  assert.equal(read.size, CORPUS.length);
  for (const [file, kind, format, originalMessageId, recipients] of CORPUS) {
    const m = read.get(`test/data/bounces/${file}`);
    assert.ok(m, file);
    assert.equal(m.kind, kind, file);
    assert.equal(m.format ?? null, format, file);
    assert.equal(m.originalMessageId ?? null, originalMessageId, file);
    assert.deepEqual(m.recipients.map((r) => [r.address, r.reason, r.permanent, r.hard]), recipients, file);
  }
});

test("bounce reports every field of a DSN recipient: action, status, reply code, diagnostic, Remote-MTA, dates", async () => {
  const read = await readCorpus(["test/data/bounces/providers/gmail-user-unknown.eml"]);
  const r = read.get("test/data/bounces/providers/gmail-user-unknown.eml")!.recipients[0]!;
  assert.equal(r.action, "failed");
  assert.equal(r.status, "5.1.1");
  assert.equal(r.replyCode, 550);
  assert.match(r.diagnostic ?? "", /^550 5\.1\.1 The email account that you tried to reach does not exist/);
  assert.doesNotMatch(r.diagnostic ?? "", /550-5\.1\.1/, "continuation prefixes are folded away");
  assert.match(r.remoteMta ?? "", /^mx\.example\.net/);
  assert.match(r.lastAttemptDate ?? "", /2026/);
  assert.match(r.next, /./);
});

test("bounce takes the diagnostic's own code over a generic or contradicting Status, and keeps the reported one", async () => {
  const f = "test/data/bounces/providers/dsn-status-contradicts-diagnostic.eml";
  const [one, two] = (await readCorpus([f])).get(f)!.recipients;
  assert.deepEqual([one?.status, one?.reportedStatus, one?.reason], ["5.2.2", "5.0.0", "mailboxfull"]);
  assert.deepEqual([two?.status, two?.reportedStatus, two?.reason], ["5.7.1", "5.1.1", "spamdetected"]);
});
