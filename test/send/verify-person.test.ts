// "The person's word" needs a person: `verify --placement` from a script (no terminal) is refused with
// a gate code and records nothing, so it can never unlock a list send; at a terminal, stating "inbox"
// — what unlocks one — takes the code typed by the person.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  b,
  CANARY,
  listFile,
  MESSAGE,
  NO_DNS,
  onTerminal,
  preflightToken,
  useSendBed,
  verifyOnTerminal,
} from "./send-fixture.ts";

useSendBed();

const verifies = () =>
  (fs.readFileSync(path.join(b().home, "send-log.md"), "utf8").match(/kind: verify/g) ?? []).length;
const ASK = /Type ([A-Z2-7]{6}) to confirm/;

test("verify --placement without a terminal is refused (gate.placement-needs-person) and unlocks nothing", async () => {
  const token = await preflightToken(["--to", CANARY, ...MESSAGE]);
  const sent = await b().cli(["send", "--canary", "--profile", "lab", "--to", CANARY, ...MESSAGE, "--confirm", token]);
  assert.equal(sent.code, 0, sent.stderr);
  const before = verifies();
  for (const placement of ["inbox", "spam", "missing"]) {
    const r = await b().cli(["verify", "--last", "--placement", placement, "--json"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(JSON.parse(r.stdout).error.code, "gate.placement-needs-person");
  }
  assert.equal(verifies(), before, "nothing was recorded");
  const list = listFile("locked.txt", ["l1@smtpilot.test", "l2@smtpilot.test"]);
  const r = await b().cli(["preflight", "--profile", "lab", "--to-list", list, ...MESSAGE, ...NO_DNS, "--json"]);
  assert.equal(r.code, 4);
  assert.equal(JSON.parse(r.stdout).error.code, "gate.no-verified-canary");
});

test("at a terminal, inbox takes the typed code: another answer records nothing; spam needs no code", async () => {
  const before = verifies();
  const wrong = onTerminal(["verify", "--last", "--placement", "inbox"]);
  await wrong.waitFor(ASK);
  wrong.type("ZZZZZZ\r");
  assert.equal(await wrong.exit, 4, wrong.screen());
  assert.match(wrong.screen(), /gate\.confirmation-declined/);
  assert.equal(verifies(), before);

  await verifyOnTerminal("spam");
  assert.equal(verifies(), before + 1);
  await verifyOnTerminal("inbox");
  assert.equal(verifies(), before + 2);
  const list = listFile("unlocked.txt", ["u1@smtpilot.test", "u2@smtpilot.test"]);
  await preflightToken(["--to-list", list, ...MESSAGE]);
});
