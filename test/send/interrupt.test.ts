// Ctrl-C and Ctrl-D at the confirmation prompt, and Ctrl-C in the middle of a list send: a prompt
// left by Ctrl-D is a decline (exit 4), Ctrl-C an interrupt (130) — never an internal error — and an
// interrupted list send still prints and logs its summary and releases the plan's lock.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { spawnCli } from "../helpers/cli.ts";
import {
  b,
  CANARY,
  deliveredSince,
  listFile,
  listSendArgs,
  MESSAGE,
  NO_DNS,
  onTerminal,
  preflightToken,
  useSendBed,
  verifiedCanary,
} from "./send-fixture.ts";

useSendBed();

const ASK = /Type ([A-Z2-7]{6}) to confirm/;

for (const [key, name, exit] of [["\x03", "Ctrl-C", 130], ["\x04", "Ctrl-D", 4]] as const) {
  test(`${name} at "Type CODE to confirm" ends with exit ${exit}, nothing sent`, async () => {
    const before = b().stored().length;
    const t = onTerminal(["send", "--canary", "--profile", "lab", "--to", CANARY, ...MESSAGE, ...NO_DNS]);
    await t.waitFor(ASK);
    t.type(key);
    const code = await t.exit;
    assert.equal(code, exit, t.screen());
    assert.doesNotMatch(t.screen(), /internal error|ExitPromptError/);
    if (exit === 4) assert.match(t.screen(), /gate\.confirmation-declined/);
    assert.equal(b().stored().length, before, "nothing was sent");
  });
}

for (const [key, name, exit] of [["\x03", "Ctrl-C", 130], ["\x04", "Ctrl-D", 2]] as const) {
  test(`${name} at any other prompt (profile add) ends with exit ${exit} and saves nothing`, async () => {
    const profiles = path.join(b().home, "provider-profiles.md");
    const before = fs.readFileSync(profiles, "utf8");
    const t = onTerminal(["profile", "add", "half-typed"]);
    await t.waitFor(/Provider/);
    t.type(key);
    assert.equal(await t.exit, exit, t.screen());
    assert.doesNotMatch(t.screen(), /internal error|ExitPromptError/);
    assert.equal(fs.readFileSync(profiles, "utf8"), before);
  });
}

test("Ctrl-C during a list send prints and logs the summary, and releases the plan's lock", async () => {
  await verifiedCanary();
  const recipients = Array.from({ length: 10 }, (_, i) => `i${i}@smtpilot.test`);
  const list = listFile("interrupted.txt", recipients);
  const plan = await preflightToken(["--to-list", list, ...MESSAGE]);
  const before = b().stored().length;
  const held = b().hold();
  const child = spawnCli(
    ["--home", b().home, ...listSendArgs("lab", list, plan, ["--json"])],
    { PW: FIXTURE_DEMO_SECRET },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  // Mid-send: the first message sits between its final dot and the server's answer.
  await held.reached;
  child.kill("SIGINT");
  held.release();
  const code = await closed;
  assert.equal(code, 130, err);
  const doc = JSON.parse(out);
  assert.equal(doc.schema, "smtpilot.send/1");
  assert.equal(doc.mode, "scale");
  assert.equal(doc.state, "stopped");
  assert.equal(doc.stopped.reason, "interrupted");
  const stored = b().stored().length - before;
  assert.ok(stored >= 1 && stored < recipients.length, `stopped mid-list (${stored} sent)`);
  assert.equal(doc.accepted + doc.unknown.length, stored, "every message that left is counted");

  const log = fs.readFileSync(path.join(b().home, "send-log.md"), "utf8");
  const last = log.slice(log.lastIndexOf("kind: scale"));
  assert.match(last, /state: stopped/);
  assert.match(last, new RegExp(`accepted: ${doc.accepted}\\b`));
  const journal = path.join(b().home, "journal");
  assert.deepEqual(
    fs.readdirSync(journal).filter((f) => f.endsWith(".lock") || f.endsWith(".list")),
    [],
    "no lock and no unmasked list snapshot left behind",
  );

  // The rerun resumes at once (no stale lock to wait for) and reaches the rest exactly once.
  const rerun = await b().cli(
    listSendArgs("lab", list, await preflightToken(["--to-list", list, ...MESSAGE]), ["--rate", "none", "--json"]),
  );
  assert.equal(rerun.code, 0, rerun.stderr);
  const counts = deliveredSince(before);
  for (const r of recipients) assert.ok((counts.get(r) ?? 0) <= 1, `${r} received ${counts.get(r)}`);
});
