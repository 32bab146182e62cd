import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeDraft } from "../../core/send/draft.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const dir = makeTestDir("smtpilot-eml-");
const eml = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const MESSAGE = [
  "From: Me <me@example.com>",
  "To: all-customers@example.com",
  "Cc: boss@example.com",
  "Bcc: secret-board@example.com,",
  "  ceo@example.com",
  "Resent-Bcc: audit@example.com",
  "Subject: Offer",
  "",
  "Body",
  "",
].join("\n");

test("an --eml draft never sends Bcc, and each recipient gets its own To (no Cc naming the others)", async () => {
  const d = makeDraft({ eml: eml("a.eml", MESSAGE) });
  const bytes = (await d.compose(["r1@example.net"], new Date(0))).toString("latin1");
  const headers = bytes.slice(0, bytes.indexOf("\r\n\r\n"));
  assert.match(headers, /^To: r1@example\.net$/m);
  for (const gone of ["all-customers", "boss@", "secret-board", "ceo@", "audit@", "Bcc", "Cc:"]) {
    assert.ok(!headers.includes(gone), `${gone} reached the message`);
  }
  assert.match(headers, /^Subject: Offer$/m);
  assert.match(headers, /^Message-ID: <[0-9a-f]{32}@example\.com>$/m);
});

test("an --eml draft's digest ignores the recipient headers and covers everything else", () => {
  const a = makeDraft({ eml: eml("b.eml", MESSAGE) });
  const b = makeDraft({
    eml: eml("c.eml", MESSAGE.replace("all-customers@", "someone-else@").replace("Cc: boss", "Cc: x")),
  });
  assert.equal(a.digest, b.digest);
  const c = makeDraft({ eml: eml("d.eml", MESSAGE.replace("Body", "Another body")) });
  assert.notEqual(a.digest, c.digest);
});
