// The delivery ledger: a recipient an earlier list send reached (or may have) with a message is
// never sent that message again by a run of another plan — a list grown, reordered or trimmed, a
// profile's secret rotated, a run killed and rerun with a changed list. Each assertion is on what
// the test's server stored (the RCPTs of every message it accepted), never on wording.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { spawnCli } from "../helpers/cli.ts";
import { profileAddArgs } from "../helpers/profile-args.ts";
import { waitUntil } from "../helpers/wait-until.ts";
import { textUnder } from "../helpers/files-under.ts";
import {
  b,
  deliveredSince,
  listFile,
  listSendArgs,
  MESSAGE,
  NO_DNS,
  useSendBed,
  verifiedCanary,
} from "./send-fixture.ts";

useSendBed(async () => await verifiedCanary());

/** A preflight of `list` with MESSAGE: its JSON document (plan null when none was issued) and exit code. */
async function preflight(list: string, env: Record<string, string> = {}, message = MESSAGE) {
  const r = await b().cli(["preflight", "--profile", "lab", "--to-list", list, ...message, ...NO_DNS, "--json"], env);
  return { code: r.code, doc: JSON.parse(r.stdout), stderr: r.stderr };
}

/** Preflight then send of `list` with MESSAGE; the send's JSON document. */
async function send(list: string, env: Record<string, string> = {}) {
  const p = await preflight(list, env);
  assert.ok(p.doc.plan, `a plan was issued (${p.code}): ${p.stderr}`);
  const r = await b().cli([...listSendArgs("lab", list, p.doc.plan.token, ["--rate", "none"]), "--json"], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Asserts nobody got more than one message since `from`, and returns who got one. */
function onceEach(from: number): string[] {
  const counts = deliveredSince(from);
  for (const [to, n] of counts) assert.equal(n, 1, `${to} received the message ${n} times`);
  return [...counts.keys()].sort();
}

test("a list grown by one address after a full send reaches only the new address", async () => {
  const before = b().stored().length;
  const first = await send(listFile("grow-1.txt", ["a1@smtpilot.test", "a2@smtpilot.test", "a3@smtpilot.test"]));
  assert.equal(first.accepted, 3);
  const grown = listFile("grow-2.txt", [
    "a1@smtpilot.test",
    "a2@smtpilot.test",
    "a3@smtpilot.test",
    "a4@smtpilot.test",
  ]);
  // The preflight tells the person before they confirm: 3 of the 4 already received it.
  const p = await preflight(grown);
  assert.equal(p.doc.recipients.earlier, 3);
  const second = await send(grown);
  assert.equal(second.earlier, 3);
  assert.equal(second.accepted, 1);
  assert.deepEqual(onceEach(before), ["a1@smtpilot.test", "a2@smtpilot.test", "a3@smtpilot.test", "a4@smtpilot.test"]);
});

test("the same list in another order reaches no one again", async () => {
  const before = b().stored().length;
  await send(listFile("order-1.txt", ["o1@smtpilot.test", "o2@smtpilot.test", "o3@smtpilot.test"]));
  const again = await send(listFile("order-2.txt", ["O3@smtpilot.test", "o1@smtpilot.test", "o2@smtpilot.test"]));
  assert.equal(again.accepted, 0);
  assert.equal(again.earlier, 3);
  assert.deepEqual(onceEach(before), ["o1@smtpilot.test", "o2@smtpilot.test", "o3@smtpilot.test"]);
});

test("two lists of one message at once: the second waits for nobody and is refused (gate.run-in-progress)", async () => {
  const first = listFile("busy-1.txt", ["p1@smtpilot.test", "p2@smtpilot.test"]);
  const second = listFile("busy-2.txt", ["p2@smtpilot.test", "p3@smtpilot.test"]);
  const [t1, t2] = [(await preflight(first)).doc.plan.token, (await preflight(second)).doc.plan.token];
  const before = b().stored().length;
  // The first run is held at its first message's final dot: it holds the message's lock until released.
  const held = b().hold();
  const child = spawnCli(["--home", b().home, ...listSendArgs("lab", first, t1, ["--rate", "none"])], {
    PW: FIXTURE_DEMO_SECRET,
  });
  const done = new Promise<number | null>((resolve) => child.on("close", resolve));
  await held.reached;
  const refused = await b().cli([...listSendArgs("lab", second, t2, ["--rate", "none"]), "--json"]);
  held.release();
  assert.equal(refused.code, 4, refused.stderr);
  assert.equal(JSON.parse(refused.stdout).error.code, "gate.run-in-progress");
  assert.equal(await done, 0);
  assert.deepEqual(onceEach(before), ["p1@smtpilot.test", "p2@smtpilot.test"]);
});

test("a changed message to the same list is sent (the ledger is per message)", async () => {
  const list = listFile("changed.txt", ["c1@smtpilot.test", "c2@smtpilot.test"]);
  await send(list);
  const other = ["--subject", "Canary check", "--text", "A second, different message."];
  await verifiedCanary(other);
  const before = b().stored().length;
  const p = await preflight(list, {}, other);
  assert.equal(p.doc.recipients.earlier, 0);
  const r = await b().cli([
    "send",
    "--profile",
    "lab",
    "--to-list",
    list,
    ...other,
    "--confirm",
    p.doc.plan.token,
    "--rate",
    "none",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).accepted, 2);
  assert.deepEqual(onceEach(before), ["c1@smtpilot.test", "c2@smtpilot.test"]);
});

test("a run killed mid-send and rerun with a changed list never resends what the first run reached", async () => {
  const recipients = Array.from({ length: 20 }, (_, i) => `k${i}@smtpilot.test`);
  const list = listFile("killed-1.txt", recipients);
  const p = await preflight(list);
  const before = b().stored().length;
  // Paced so the kill comes with a few sent and most still to go, however busy the machine.
  const first = spawnCli(["--home", b().home, ...listSendArgs("lab", list, p.doc.plan.token, ["--rate", "5/s"])], {
    PW: FIXTURE_DEMO_SECRET,
  });
  const exited = new Promise((resolve) => first.on("close", resolve));
  await waitUntil(() => b().stored().length - before >= 4, { child: first, what: "four messages" });
  first.kill("SIGKILL");
  await exited;
  const reached = new Set(deliveredSince(before).keys());
  assert.ok(reached.size < recipients.length, `the kill came mid-run (${reached.size} sent)`);
  // The person drops a bad address and adds one, then preflights and sends the new list.
  const changed = listFile("killed-2.txt", [...recipients.slice(1), "k-new@smtpilot.test"]);
  const again = await send(changed);
  const sent = onceEach(before);
  assert.ok(sent.includes("k-new@smtpilot.test"));
  // Everyone the first run may have reached was skipped: at least those the server stored.
  assert.ok(again.earlier >= [...reached].filter((r) => r !== "k0@smtpilot.test").length, `${again.earlier}`);
});

test("an earlier record torn, corrupt, edited, reached through a link, its key lost or its journal deleted: refused (gate.ledger-unreadable, exit 4), nothing sent", async () => {
  const list = listFile("corrupt-1.txt", ["x1@smtpilot.test", "x2@smtpilot.test"]);
  await send(list);
  const grown = listFile("corrupt-2.txt", ["x1@smtpilot.test", "x2@smtpilot.test", "x3@smtpilot.test"]);
  // A token for each damaged send, issued while the record was whole (a refused send uses its token).
  const tokens = [];
  const damages = ["corrupt", "torn", "key lost", "journal deleted", "count edited", "folder linked"] as const;
  for (let n = 0; n < damages.length; n++) tokens.push((await preflight(grown)).doc.plan.token as string);
  const ledger = path.join(b().home, "journal", "ledger");
  const records = fs.readdirSync(ledger, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".dig"))
    .map((f) => path.join(ledger, f));
  assert.ok(records.length > 0);
  const before = b().stored().length;
  const keyFile = path.join(ledger, "key");
  const key = fs.readFileSync(keyFile);
  const journals = records.map((f) => path.join(b().home, "journal", `${path.basename(f, ".dig")}.jsonl`));
  const folder = path.dirname(records[0] as string);
  for (const [n, damage] of damages.entries()) {
    const saved = records.map((f) => fs.readFileSync(f));
    const savedJournals = journals.map((f) => fs.readFileSync(f));
    try {
      // A lost key: the records can no longer be matched (a send would make a new key, never a guess).
      if (damage === "key lost") fs.rmSync(keyFile);
      // Whom that run reached is gone with its journal: refused until its record is removed too.
      else if (damage === "journal deleted") journals.forEach((f) => fs.rmSync(f));
      else if (damage === "folder linked") {
        fs.renameSync(folder, `${folder}.real`);
        fs.symlinkSync(`${folder}.real`, folder);
      } else if (damage === "count edited") {
        // One recipient fewer, summed again as anyone could without the folder's key.
        for (const f of records) {
          const data = fs.readFileSync(f);
          const nl = data.indexOf(10);
          const [magic, keyId, count] = data.subarray(0, nl).toString("latin1").split(" ");
          const head = Buffer.from(`${magic} ${keyId} ${Number(count) - 1}\n`);
          const body = Buffer.concat([head, data.subarray(nl + 1, data.length - 16 - 12)]);
          const sum = crypto.createHash("sha256").update(body).digest().subarray(0, 16);
          fs.writeFileSync(f, Buffer.concat([body, sum]));
        }
      } else {
        for (const f of records) {
          const data = fs.readFileSync(f);
          if (damage === "torn") fs.writeFileSync(f, data.subarray(0, data.length - 5));
          else {
            data[data.length - 20] = (data[data.length - 20] as number) ^ 0xff;
            fs.writeFileSync(f, data);
          }
        }
      }
      const refused = await preflight(grown);
      assert.equal(refused.code, 4, damage);
      assert.equal(refused.doc.error.code, "gate.ledger-unreadable", damage);
      const r = await b().cli([...listSendArgs("lab", grown, tokens[n] as string, ["--rate", "none"]), "--json"]);
      assert.equal(r.code, 4, `${damage}: ${r.stderr}`);
      assert.equal(JSON.parse(r.stdout).error.code, "gate.ledger-unreadable", damage);
    } finally {
      if (fs.lstatSync(folder).isSymbolicLink()) {
        fs.rmSync(folder);
        fs.renameSync(`${folder}.real`, folder);
      }
      records.forEach((f, i) => fs.writeFileSync(f, saved[i] as Buffer));
      journals.forEach((f, i) => fs.writeFileSync(f, savedJournals[i] as Buffer));
      fs.writeFileSync(keyFile, key);
    }
  }
  assert.equal(b().stored().length, before, "nothing was sent");
});

test("the ledger keeps no address unmasked", () => {
  const kept = textUnder(path.join(b().home, "journal", "ledger"));
  assert.ok(kept.length > 0);
  for (const r of ["a1@smtpilot.test", "o1@smtpilot.test", "k1@smtpilot.test"]) assert.ok(!kept.includes(r), r);
});

// Last: it changes the bed's profile.
test("a profile whose secret reference was rotated sends the same message to no one again", async () => {
  const before = b().stored().length;
  const list = listFile("rotate.txt", ["s1@smtpilot.test", "s2@smtpilot.test", "s3@smtpilot.test"]);
  await send(list);
  const f = b().fixture;
  const replaced = await b().cli([
    ...profileAddArgs({
      name: "lab",
      host: f.host,
      port: f.ports["healthy-starttls"] as number,
      tls: "starttls",
      ca: path.join(b().dir, "ca.pem"),
      user: "demo",
      secret: "env:PW2",
      identity: ["--from", "demo@smtpilot.test"],
    }),
    "--replace",
  ]);
  assert.equal(replaced.code, 0, replaced.stderr);
  const again = await send(list, { PW2: FIXTURE_DEMO_SECRET });
  assert.equal(again.accepted, 0);
  assert.equal(again.earlier, 3);
  assert.deepEqual(onceEach(before), ["s1@smtpilot.test", "s2@smtpilot.test", "s3@smtpilot.test"]);
});
