import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { analyzeMessage } from "../../core/bounce/analyze-message.ts";
import { readSources } from "../../core/bounce/read-sources.ts";
import { type Classified, compare, runSisimai, sisimaiMissing } from "../../scripts/bench/sisimai-compare.ts";

// Where smtpilot and Sisimai 4.25 (Debian 12) differ on the corpus, each reviewed: the key is
// "file address", the value [ours, Sisimai's, why ours stands].
const REVIEWED: Record<string, [string, string, string]> = {
  "test/data/bounces/postfix/expired-after-deferral.eml greylist@rcpt.test": [
    "expired",
    "blocked",
    "the queue gave up (Status 4.7.1, Action failed); greylisting is only the last temporary reply",
  ],
  "test/data/bounces/exim/mailbox-disabled.eml disabled@rcpt.test": [
    "suspend",
    "filtered",
    "RFC 3463 X.2.1 is a disabled mailbox",
  ],
  "test/data/bounces/postfix/mailbox-disabled.eml disabled@rcpt.test": [
    "suspend",
    "filtered",
    "RFC 3463 X.2.1 is a disabled mailbox",
  ],
  "test/data/bounces/exim/virus-content.eml known@rcpt.test": [
    "virusdetected",
    "securityerror",
    "the reply says Virus found",
  ],
  "test/data/bounces/postfix/virus-content.eml known@rcpt.test": [
    "virusdetected",
    "securityerror",
    "the reply says Virus found",
  ],
  "test/data/bounces/providers/gmail-delayed-rate.eml someone@gmail.com": [
    "expired",
    "securityerror",
    "a delay notice (4.7.28 rate limit)",
  ],
  "test/data/bounces/providers/m365-user-unknown.eml former.employee@contoso.example": [
    "userunknown",
    "filtered",
    "RecipientNotFound",
  ],
  "test/data/bounces/providers/yahoo-deferred-volume.eml reader@yahoo.com": [
    "expired",
    "blocked",
    "a delay notice (TSS04)",
  ],
  "test/data/bounces/providers/yahoo-user-unknown.eml gone.away@yahoo.com": [
    "userunknown",
    "filtered",
    "no such account",
  ],
};

function corpus(dir = "test/data/bounces"): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(?:eml|mbox)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const missing = sisimaiMissing();

test("bounce agrees with Sisimai on the corpus except for the reviewed differences", {
  skip: missing !== undefined && process.env.CI !== "true" ? missing : false,
}, async () => {
  assert.equal(missing, undefined, `${missing} (under CI=true Sisimai must be installed)`);
  const files = corpus();
  const ours: Classified[] = [];
  await readSources(files, (root, source) => {
    for (const r of analyzeMessage(root, source).recipients) {
      ours.push({ file: source, address: r.address, reason: r.reason });
    }
  }, () => {});
  const a = compare(ours, runSisimai(files).recipients);
  const unexpected = a.disagreements.filter((d) => {
    const known = REVIEWED[d.key];
    return !known || known[0] !== d.ours || known[1] !== d.sisimai;
  });
  assert.deepEqual(unexpected, []);
  assert.ok(a.compared >= 50, `only ${a.compared} recipients compared`);
  const outsideReviewed = a.compared - Object.keys(REVIEWED).length;
  assert.equal(a.agreed, outsideReviewed, "every pair outside the reviewed list agrees");
});
