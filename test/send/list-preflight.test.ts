// What a person sees and approves before a list goes out: the confirmation shows what passed (never a
// failing verdict line), the pace and how long it should take; the preflight names the recipients the
// server refused (masked) without failing a list whose other recipients pass; a mailbox written several
// times gets one message, and the plan counts it once.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { MiniMta } from "./mini-mta.ts";
import { type QuietDns, startQuietDns } from "./quiet-dns.ts";
import {
  b,
  CANARY,
  listFile,
  listSendArgs,
  MESSAGE,
  miniProfile,
  onTerminal,
  useSendBed,
  verifyOnTerminal,
} from "./send-fixture.ts";

let mta: MiniMta;
let dns: QuietDns;
const ASK = /Type ([A-Z2-7]{6}) to confirm/;

useSendBed(async () => {
  mta = await miniProfile("mini", { fate: (to) => (to.startsWith("gone") ? "unknown" : "accept") });
  dns = await startQuietDns();
  // The scale gate of the mini profile: its canary, stated in the inbox by the person.
  const t = canaryOnTerminal("mini");
  await t.waitFor(ASK);
  t.type(`${ASK.exec(t.screen())?.[1]}\r`);
  assert.equal(await t.exit, 0, t.screen());
  await verifyOnTerminal();
});
after(async () => await dns?.close());

/** An interactive canary send through `profile`, with alignment checked against the quiet DNS. */
const canaryOnTerminal = (profile: string) =>
  onTerminal(["send", "--canary", "--profile", profile, "--to", CANARY, ...MESSAGE, "--resolver", dns.resolver]);

const preflight = async (list: string) => {
  const r = await b().cli([
    "preflight",
    "--profile",
    "mini",
    "--to-list",
    list,
    ...MESSAGE,
    "--resolver",
    dns.resolver,
    "--json",
  ]);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, doc: JSON.parse(r.stdout) };
};

test("the confirmation shows what passed, never a failing verdict line", async () => {
  const t = canaryOnTerminal("lab");
  await t.waitFor(ASK);
  // The alignment table has a verdict of its own: the summary keeps it and adds no plan verdict.
  assert.doesNotMatch(t.screen(), /Verdict: FAIL|no plan issued/);
  assert.match(t.screen(), /Verdict: DMARC/);
  t.type("no\r");
  assert.equal(await t.exit, 4, t.screen());
});

test("a recipient refused among the first three is named (masked) and the plan is still issued", async () => {
  const list = listFile("one-gone.txt", [
    "gone1@smtpilot.test",
    "a@smtpilot.test",
    "b@smtpilot.test",
    "c@smtpilot.test",
  ]);
  const { code, doc, stdout, stderr } = await preflight(list);
  assert.equal(code, 0, stderr);
  assert.ok(doc.plan, "a plan is issued");
  assert.deepEqual(doc.recipients.probed, [
    { address: "g***@smtpilot.test", status: "refused", code: "envelope.recipient-unknown" },
    { address: "a***@smtpilot.test", status: "accepted" },
    { address: "b***@smtpilot.test", status: "accepted" },
    { address: "c***@smtpilot.test", status: "accepted" },
  ]);
  assert.ok(!stdout.includes("gone1@smtpilot.test"), "the refused recipient is masked");
  const log = fs.readFileSync(path.join(b().home, "send-log.md"), "utf8");
  assert.match(log.slice(log.lastIndexOf("kind: preflight")), /refused:[\s\S]*envelope\.recipient-unknown/);
});

test("a list whose first recipients are all refused fails its preflight, trying at most 10", async () => {
  const gone = Array.from({ length: 14 }, (_, i) => `gone${i}@smtpilot.test`);
  const { code, doc } = await preflight(listFile("all-gone.txt", gone));
  assert.equal(code, 16);
  assert.equal(doc.plan, null);
  assert.deepEqual(doc.verdict.failures, ["envelope.recipient-unknown"]);
  assert.ok(doc.recipients.probed.length <= 10 && doc.recipients.probed.length >= 3);
  assert.ok(doc.recipients.probed.every((p: { status: string }) => p.status === "refused"));
});

test("a mailbox written several times (case variants) gets one message; the plan counts it once", async () => {
  const list = listFile("dups.txt", [
    "Dup@Smtpilot.Test",
    "one@smtpilot.test",
    "dup@smtpilot.test",
    "DUP@SMTPILOT.TEST",
    "One@smtpilot.test",
    "two@smtpilot.test",
  ]);
  const plan = await preflight(list);
  assert.equal(plan.code, 0, plan.stderr);
  assert.equal(plan.doc.plan.recipients.count, 3);
  assert.equal(plan.doc.recipients.duplicates, 3);
  const before = mta.accepted.length;
  const sent = await b().cli(listSendArgs("mini", list, plan.doc.plan.token, ["--rate", "none", "--json"]));
  assert.equal(sent.code, 0, sent.stderr);
  const doc = JSON.parse(sent.stdout);
  assert.equal(doc.accepted, 3);
  assert.equal(doc.duplicates, 3);
  // The first spelling of each mailbox is the one sent to, as written.
  assert.deepEqual(mta.accepted.slice(before), ["Dup@smtpilot.test", "one@smtpilot.test", "two@smtpilot.test"]);
});

test("an interactive list send shows the refused recipients, the pace and the expected time, then an ETA", async () => {
  const list = listFile("paced.txt", [
    "gone2@smtpilot.test",
    "p1@smtpilot.test",
    "p2@smtpilot.test",
    "p3@smtpilot.test",
  ]);
  const t = onTerminal(
    [
      "send",
      "--profile",
      "mini",
      "--to-list",
      list,
      ...MESSAGE,
      "--rate",
      "4/s",
      "--resolver",
      dns.resolver,
    ],
  );
  await t.waitFor(ASK);
  const summary = t.screen();
  assert.doesNotMatch(summary, /Verdict: FAIL|no plan issued/);
  assert.match(summary, /g\*\*\*@smtpilot\.test refused \(envelope\.recipient-unknown\)/);
  assert.ok(!summary.includes("gone2@smtpilot.test"));
  // 4 messages at 4/s: about a second.
  assert.match(summary, /4\/s \(--rate\).*about 1 s for 4 message/);
  t.type(`${ASK.exec(summary)?.[1]}\r`);
  await t.waitFor(/\d\/4 accepted \d+ refused \d+ deferred \d+, about \d+ s left/);
  assert.equal(await t.exit, 1, t.screen()); // one recipient refused: a partial send
});
