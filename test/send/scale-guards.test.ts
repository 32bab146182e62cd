// What keeps a scale send at most once beyond the journal: one run of a plan at a time, and a
// private snapshot of the confirmed list, so a file rewritten mid-run reaches no one new. The snapshot
// holds every address unmasked: it is unlinked as soon as it is opened, so no file ever holds it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { spawnCli } from "../helpers/cli.ts";
import { b, deliveredSince, MESSAGE, preflightToken, useSendBed, verifiedCanary } from "./send-fixture.ts";
import { textUnder } from "../helpers/files-under.ts";

useSendBed();

/** Starts `smtpilot send` in the background; resolves to its exit code and JSON output. */
function sendInBackground(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawnCli(["--home", b().home, ...args, "--json"], { PW: FIXTURE_DEMO_SECRET });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
}

const delivered = deliveredSince;

/** The recipients that some file under journal/ holds unmasked now (any file: a list copy would be one). */
const unmaskedInJournal = (recipients: readonly string[]) => {
  // Every file, the delivery ledger's under journal/ledger/ too.
  const kept = textUnder(path.join(b().home, "journal"));
  return recipients.filter((r) => kept.includes(r));
};

test("two runs of the same plan at once: the second is refused (gate.run-in-progress), nobody gets two", async () => {
  await verifiedCanary();
  const list = path.join(b().dir, "twice.txt");
  const recipients = Array.from({ length: 12 }, (_, i) => `t${i}@smtpilot.test`);
  fs.writeFileSync(list, `${recipients.join("\n")}\n`);
  const flags = ["send", "--profile", "lab", "--to-list", list, ...MESSAGE, "--rate", "8/s"];
  const [t1, t2] = [
    await preflightToken(["--to-list", list, ...MESSAGE]),
    await preflightToken(["--to-list", list, ...MESSAGE]),
  ];
  const before = b().stored().length;
  // The first run is held at its first message's final dot: it holds the plan's lock until released.
  const held = b().hold();
  const first = sendInBackground([...flags, "--confirm", t1]);
  await held.reached;
  const second = await sendInBackground([...flags, "--confirm", t2]);
  held.release();
  assert.equal(second.code, 4);
  assert.equal(JSON.parse(second.out).error.code, "gate.run-in-progress");
  assert.equal((await first).code, 0);
  const counts = delivered(before);
  for (const r of recipients) assert.equal(counts.get(r), 1, r);
});

test("a list rewritten while its send runs reaches no one the person did not confirm", async () => {
  const list = path.join(b().dir, "rewritten.txt");
  const recipients = Array.from({ length: 8 }, (_, i) => `w${i}@smtpilot.test`);
  fs.writeFileSync(list, `${recipients.join("\n")}\n`);
  const token = await preflightToken(["--to-list", list, ...MESSAGE]);
  const before = b().stored().length;
  // Held at its first message: by then the send has taken its snapshot of the list.
  const held = b().hold();
  const running = sendInBackground([
    "send",
    "--profile",
    "lab",
    "--to-list",
    list,
    ...MESSAGE,
    "--rate",
    "8/s",
    "--confirm",
    token,
  ]);
  await held.reached;
  fs.writeFileSync(list, `${recipients.map((r) => r.replace(/^w/, "evil")).join("\n")}\n`);
  // Mid-run, the send's copy of the list has no name: nothing under journal/ holds an address unmasked.
  assert.deepEqual(unmaskedInJournal(recipients), []);
  held.release();
  assert.equal((await running).code, 0);
  const counts = delivered(before);
  assert.deepEqual([...counts.keys()].sort(), [...recipients].sort());
  // The run is over: still nothing unmasked (the journal keeps masked addresses only).
  assert.deepEqual(unmaskedInJournal(recipients), []);
});
