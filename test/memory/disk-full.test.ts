// The disk fills up in the middle of a scale send. The journal line that would have been the
// evidence for the next message is cut short: the run stops (exit 3, journal-unwritable) without
// sending that message, the send log's summary fails loudly (E_MEMORY_WRITE) instead of leaving a
// torn entry, the memory stays readable, and once there is room a rerun reaches every recipient
// exactly once. On a small tmpfs when this machine may mount one, else with the same short write
// and ENOSPC injected into the CLI process (test/helpers/small-disk.ts).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { type CliResult, runCli, runCliWithInput } from "../helpers/cli.ts";
import { mountSmallDisk, type SmallDisk } from "../helpers/small-disk.ts";
import { b, CANARY, MESSAGE, NO_DNS, useSendBed, verifyOnTerminal } from "../send/send-fixture.ts";

useSendBed();

// Under memory.md's default maxRecipientsPerBatch (50); two pages of journal lines, so a disk with
// one page left for the journal fills in the middle.
const COUNT = 45;
const PAGE = 4096;
const shim = path.join(path.dirname(fileURLToPath(import.meta.url)), "../helpers/small-disk.ts");

let disk: SmallDisk | undefined;
after(() => disk?.unmount());

test("a disk that fills mid-scale stops the send without a second copy to anyone, and the memory stays readable", async (t) => {
  // The canary that unlocks a scale send of this profile, From and message.
  const canaryToken = await _token(b().home, ["--to", CANARY]);
  assert.equal(
    (await b().cli(["send", "--canary", "--profile", "lab", "--to", CANARY, ...MESSAGE, "--confirm", canaryToken]))
      .code,
    0,
  );
  await verifyOnTerminal(); // a stated placement needs a person: typed on a pseudo-terminal

  // The memory folder moves onto the small disk.
  disk = mountSmallDisk(path.join(b().dir, "disk"), 256);
  const home = disk ? disk.dir : path.join(b().dir, "disk");
  t.diagnostic(disk ? "on a 256 KiB tmpfs" : "no mount allowed here: short writes and ENOSPC injected");
  fs.cpSync(b().home, home, { recursive: true });
  const list = path.join(b().dir, "scale.txt");
  const recipients = Array.from({ length: COUNT }, (_, i) => `r${i}@smtpilot.test`);
  fs.writeFileSync(list, `${recipients.join("\n")}\n`);
  const args = ["--home", home, "send", "--profile", "lab", "--to-list", list, ...MESSAGE, "--rate", "none", "--json"];

  const token = await _token(home, ["--to-list", list]);
  let first: CliResult;
  if (disk) {
    // The summary of the send will need a page of its own; five pages are left for the run's
    // lock, its list snapshot, the delivery ledger's key and record of the list, and one page of journal.
    const log = path.join(home, "send-log.md");
    const size = fs.statSync(log).size;
    if (size % PAGE !== 0) fs.appendFileSync(log, `\n${" ".repeat(PAGE - (size % PAGE) - 1)}`);
    disk.leave(5);
    first = await runCli([...args, "--confirm", token], { PW: FIXTURE_DEMO_SECRET });
  } else {
    // No mount here: the CLI's writes under the folder get the same budget (snapshot, token, the ledger's
    // key and record — 32 and about 600 bytes — and a page of journal).
    const r = await runCliWithInput([...args, "--confirm", token], "", {
      env: { PW: FIXTURE_DEMO_SECRET, SMTPILOT_TEST_DISK_DIR: home, SMTPILOT_TEST_DISK_BYTES: String(1900 + PAGE) },
      nodeFlags: ["--import", shim],
    });
    first = { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
  }
  assert.equal(first.code, 3, first.stderr);
  const doc = JSON.parse(first.stdout);
  assert.equal(doc.stopped?.reason, "journal-unwritable");
  assert.equal(doc.stopped?.code, "E_MEMORY_WRITE");
  assert.match(first.stderr, /E_MEMORY_WRITE/, "the summary that could not be logged says so with its code");
  const afterFirst = _perRecipient();
  const sentFirst = [...afterFirst.values()].reduce((a, n) => a + n, 0);
  assert.ok(sentFirst > 0 && sentFirst < COUNT, `the disk filled mid-run (${sentFirst} of ${COUNT} sent)`);
  assert.equal(doc.accepted, sentFirst, "every message that left was accepted and counted");
  assert.deepEqual(doc.unknown, [], "the message whose evidence could not be written never left");

  // Still readable with the disk full: no torn entry, no torn journal line.
  const status = await runCli(["--home", home, "status", "--json"]);
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(
    JSON.parse(status.stdout).warnings.map((w: { code: string }) => w.code).filter((c: string) =>
      c.startsWith("memory.file") || c === "memory.entry-torn"
    ),
    [],
  );
  const journal = fs.readdirSync(path.join(home, "journal")).find((f) =>
    f.startsWith("scale-") && f.endsWith(".jsonl")
  );
  assert.ok(journal);
  for (const line of fs.readFileSync(path.join(home, "journal", journal), "utf8").split("\n").filter(Boolean)) {
    JSON.parse(line);
  }

  // Room again: a rerun of the same plan reaches everyone the first run did not, and nobody twice.
  disk?.free();
  const rerun = await runCli([...args, "--confirm", await _token(home, ["--to-list", list])], {
    PW: FIXTURE_DEMO_SECRET,
  });
  assert.equal(rerun.code, 0, rerun.stderr);
  const again = JSON.parse(rerun.stdout);
  assert.equal(again.skipped, sentFirst);
  assert.equal(again.accepted + again.skipped, COUNT);
  const counts = _perRecipient();
  for (const r of recipients) assert.equal(counts.get(r), 1, `${r} received ${counts.get(r) ?? 0}`);
  const log = await runCli(["--home", home, "status", "--json"]);
  assert.equal(log.code, 0, log.stderr);
  assert.ok(JSON.parse(log.stdout).sendLogEntries >= 3);
});

/** A plan token for the message to `to` (a preflight against the memory folder `home`). */
async function _token(home: string, to: string[]): Promise<string> {
  const r = await runCli(["--home", home, "preflight", "--profile", "lab", ...to, ...MESSAGE, ...NO_DNS, "--json"], {
    PW: FIXTURE_DEMO_SECRET,
  });
  const doc = JSON.parse(r.stdout) as { plan: { token: string } | null };
  if (!doc.plan) throw new Error(`no plan issued (${r.code}): ${r.stderr}`);
  return doc.plan.token;
}

/** Messages the fixture stored for each list recipient (the canary left out). */
function _perRecipient(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of b().stored()) {
    for (const to of m.to) if (to !== CANARY) out.set(to, (out.get(to) ?? 0) + 1);
  }
  return out;
}
