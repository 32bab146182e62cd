// A scale send killed midway and run again reaches every recipient once: what the first run got
// accepted is never sent twice, what it had not reached yet is sent by the second.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { spawnCli } from "../helpers/cli.ts";
import { waitUntil } from "../helpers/wait-until.ts";
import { b, MESSAGE, preflightToken, useSendBed, verifiedCanary } from "./send-fixture.ts";

useSendBed();

// Under memory.md's default maxRecipientsPerBatch (50).
const COUNT = 45;

test("a scale send killed midway and rerun sends to each recipient exactly once", async () => {
  // The scale gate: a canary of this profile, From and message, verified in the inbox.
  await verifiedCanary();

  const list = path.join(b().dir, "scale.txt");
  const recipients = Array.from({ length: COUNT }, (_, i) => `r${i}@smtpilot.test`);
  fs.writeFileSync(list, `${recipients.join("\n")}\n`);
  const args = ["send", "--profile", "lab", "--to-list", list, ...MESSAGE];

  // First run: paced so that it is killed with about a third sent, and the other two thirds would
  // take three more seconds — far more than the kill needs, however busy the machine.
  const first = spawnCli([
    "--home",
    b().home,
    ...args,
    "--confirm",
    await preflightToken(["--to-list", list, ...MESSAGE]),
    "--rate",
    "10/s",
  ], { PW: FIXTURE_DEMO_SECRET });
  const exited = new Promise((resolve) => first.on("close", resolve));
  const before = b().stored().length;
  await waitUntil(() => b().stored().length - before >= COUNT / 3, { child: first, what: "a third of the messages" });
  first.kill("SIGKILL");
  await exited;
  const afterKill = b().stored().length - before;
  assert.ok(afterKill > 0 && afterKill < COUNT, `the kill came mid-run (${afterKill} of ${COUNT} sent)`);

  // Second run: a new confirmation of the same plan, no pacing.
  const rerun = await b().cli([
    ...args,
    "--confirm",
    await preflightToken(["--to-list", list, ...MESSAGE]),
    "--rate",
    "none",
    "--json",
  ]);
  assert.equal(rerun.code, 0, rerun.stderr);
  const doc = JSON.parse(rerun.stdout);
  assert.equal(doc.mode, "scale");
  assert.ok(doc.skipped >= afterKill - 1, `the rerun skipped what the first run settled (${doc.skipped})`);

  const perRecipient = new Map<string, number>();
  for (const m of b().stored().slice(before)) {
    for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  }
  const unknown = new Set<number>(doc.unknown);
  recipients.forEach((r, i) => {
    const n = perRecipient.get(r) ?? 0;
    // An index attempted without a recorded answer is never resent: at most once, exactly once otherwise.
    if (unknown.has(i)) assert.ok(n <= 1, `${r} received ${n}`);
    else assert.equal(n, 1, `${r} received ${n}`);
  });
  assert.equal(doc.accepted + doc.skipped, COUNT);
});
