// The template composer (core/send/draft-template.ts) must produce exactly MailComposer's bytes:
// the digest, the plan and the recipient's copy all assume "the same message". Property tests
// compare it with a draft that composes every message in full, over arbitrary addresses, dates and
// message shapes — including the addresses the template must leave to MailComposer.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { isMailboxProblem, parseMailbox } from "../../core/address.ts";
import { type DraftInput, makeDraft } from "../../core/send/draft.ts";
import { templateFits } from "../../core/send/draft-template.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const dir = makeTestDir("smtpilot-draft-template-");
const attachment = path.join(dir, "report.csv");
fs.writeFileSync(attachment, "a,b\n1,2\n");

const SHAPES: Record<string, DraftInput> = {
  text: { from: "Me <me@example.com>", subject: "Welcome", text: "Hello,\n\nline two.\n" },
  html: { from: "me@example.com", subject: "Grüße", text: "plain", html: "<p>Hi <b>there</b></p>" },
  attachment: {
    from: "Ops Team <ops@example.org>",
    subject: "Report",
    text: "See attached.",
    attach: [attachment],
    header: ["List-Unsubscribe: <mailto:unsubscribe@example.org>", "X-Campaign: q4"],
  },
  long: { from: "me@example.com", subject: "x".repeat(200), text: "y ".repeat(3000) },
};

const atom = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,20}$/);
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/);
const plainAddress = fc.tuple(
  fc.array(atom, { minLength: 1, maxLength: 3 }),
  fc.array(label, { minLength: 2, maxLength: 4 }),
)
  .map(([local, domain]) => `${local.join(".")}@${domain.join(".")}`);
const date = fc.date({
  min: new Date("1990-01-01T00:00:00Z"),
  max: new Date("2100-01-01T00:00:00Z"),
  noInvalidDate: true,
});

async function same(input: DraftInput, to: string[], at: Date): Promise<void> {
  const fast = await makeDraft(input).compose(to, at);
  const full = await makeDraft(input, { template: false }).compose(to, at);
  assert.equal(fast.toString("latin1"), full.toString("latin1"), `${JSON.stringify(to)} at ${at.toISOString()}`);
}

for (const [shape, input] of Object.entries(SHAPES)) {
  test(`the template composes MailComposer's exact bytes for any plain address and date (${shape})`, async () => {
    await fc.assert(fc.asyncProperty(plainAddress, date, (to, at) => same(input, [to], at)), { numRuns: 150 });
  });
}

test("addresses the template leaves to MailComposer come out the same too (case, quotes, UTF-8, length, lists)", async () => {
  const awkward = [
    "Someone@Example.COM",
    '"john smith"@example.com',
    "josé@exämple.com",
    "user@bücher.example",
    `${"a".repeat(64)}@${"b".repeat(40)}.example`,
    "user@[192.0.2.1]",
    "a@0.0",
    "a@127.1",
    "a@xn--bcher-kva.example",
  ];
  for (const to of awkward.slice(0, -1)) assert.equal(templateFits(to), false, to);
  for (const to of awkward) await same(SHAPES.text as DraftInput, [to], new Date());
  await same(SHAPES.html as DraftInput, ["a@example.com", "b@example.com"], new Date());
});

test("every canonical address parseMailbox() gives is composed as MailComposer would", async () => {
  const anyLocal = fc.stringMatching(/^[A-Za-z0-9._%+-]{1,30}$/);
  const anyDomain = fc.stringMatching(/^[A-Za-z0-9-]{1,12}\.[A-Za-z]{2,6}$/);
  await fc.assert(
    fc.asyncProperty(anyLocal, anyDomain, date, async (local, domain, at) => {
      const m = parseMailbox(`${local}@${domain}`);
      if (isMailboxProblem(m)) return;
      await same(SHAPES.attachment as DraftInput, [m.address], at);
    }),
    { numRuns: 150 },
  );
});

test("a draft's messages differ only in To and Date, and the template is made once", async () => {
  const draft = makeDraft(SHAPES.text as DraftInput);
  const at = new Date("2026-12-02T10:00:00Z");
  const [a, b] = [await draft.compose(["a@example.com"], at), await draft.compose(["bb@example.com"], at)];
  const diff = (x: Buffer) => x.toString("latin1").split("\r\n").filter((l) => /^To: /.test(l));
  assert.deepEqual([diff(a), diff(b)], [["To: a@example.com"], ["To: bb@example.com"]]);
  assert.equal(
    a.toString("latin1").replace("To: a@example.com", ""),
    b.toString("latin1").replace("To: bb@example.com", ""),
  );
  assert.match(a.toString("latin1"), /\r\nDate: Wed, 02 Dec 2026 10:00:00 \+0000\r\n/);
});

test("composeNow gives compose's bytes without waiting once the template is made, and nothing it cannot vouch for", async () => {
  const draft = makeDraft(SHAPES.attachment as DraftInput);
  const at = new Date("2026-12-07T13:00:00Z");
  assert.equal(draft.composeNow?.("a@example.com", at), undefined, "no template before the first composition");
  const full = await draft.compose(["a@example.com"], at);
  await fc.assert(
    fc.asyncProperty(plainAddress, date, async (to, when) => {
      const now = draft.composeNow?.(to, when);
      if (!templateFits(to)) return assert.equal(now, undefined, to);
      assert.equal(now?.toString("latin1"), (await draft.compose([to], when)).toString("latin1"));
    }),
    { numRuns: 150 },
  );
  assert.equal(draft.composeNow?.("a@example.com", at)?.toString("latin1"), full.toString("latin1"));
  for (const awkward of ['"john smith"@example.com', "josé@example.com", "Someone@Example.COM"]) {
    assert.equal(draft.composeNow?.(awkward, at), undefined, awkward);
  }
});

test("composeNowWithRoom gives composeNow's bytes with room after them, only for a message with no dot line", async () => {
  const at = new Date("2026-12-07T13:00:00Z");
  const plain = makeDraft(SHAPES.attachment as DraftInput);
  await plain.compose(["a@example.com"], at);
  fc.assert(
    fc.property(plainAddress, date, fc.nat(700), (to, when, room) => {
      const framed = plain.composeNowWithRoom?.(to, room, when);
      if (!templateFits(to)) return assert.equal(framed, undefined, to);
      assert.equal(framed?.length, (plain.composeNow?.(to, when)?.length ?? NaN) + room);
      assert.equal(
        framed?.subarray(0, framed.length - room).toString("latin1"),
        plain.composeNow?.(to, when)?.toString("latin1"),
      );
    }),
    { numRuns: 150 },
  );
  // A body line starting with a dot would need dot-stuffing: no room offered, composeNow instead.
  const dotted = makeDraft({ from: "me@example.com", subject: "Dots", text: "Hello.\n.leading dot\n" });
  await dotted.compose(["a@example.com"], at);
  assert.ok(dotted.composeNow?.("a@example.com", at));
  assert.equal(dotted.composeNowWithRoom?.("a@example.com", 640, at), undefined);
});
