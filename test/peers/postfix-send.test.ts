/**
 * The canary through a real Postfix (scripts/peers/postfix, Dovecot SASL) on
 * loopback, through the CLI as a user runs it: preflight, then send --canary
 * --confirm. The queue id Postfix answered with ("250 2.0.0 Ok: queued as …")
 * is the one in the send document, in send-log.md, and in Postfix's own log
 * next to the Message-ID; the message is queued and discarded there, never
 * delivered or relayed. Postfix's own size refusals — at MAIL FROM when SIZE
 * is advertised, after the final dot when it is not — come back as
 * envelope.size-exceeded with exit 16. Skips where Postfix and Dovecot are
 * not installed or not run as root; fails instead under CI=true.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openMemory } from "../../core/memory/index.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";
import { peer, postfixPeerMissing, usePostfixPeer } from "../helpers/postfix-peer.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { profileAddArgs } from "../helpers/profile-args.ts";
import { runOnPty } from "../profiles/pty.ts";
import { waitUntil } from "../helpers/wait-until.ts";

const missing = postfixPeerMissing();
// In CI the peer is installed by .ci/run: a missing one is a broken CI, not a reason to skip.
if (missing && process.env.CI === "true") throw new Error(`CI must install the Postfix peer: ${missing}`);

/** Alignment DNS: a port nothing answers on, so the lookup fails at once and is reported as not checked. */
const NO_DNS = ["--resolver", "127.0.0.1:9"];
const MESSAGE = ["--subject", "Canary through Postfix", "--text", "Hello from the Postfix send test."];

describe("the canary through a real Postfix", { skip: missing ?? false }, () => {
  usePostfixPeer();
  const dir = makeTestDir("smtpilot-postfix-send-");
  const home = path.join(dir, "home");
  const run = (args: string[]) => runCli(["--home", home, ...args], { PILOT_PW: peer().password });
  const doc = (r: CliResult) => JSON.parse(r.stdout);
  const must = async (args: string[]) => {
    const r = await run(args);
    assert.equal(r.code, 0, `smtpilot ${args.join(" ")}\n${r.stderr}\n${peer().logTail(20)}`);
    return r;
  };
  let ready: Promise<void> | undefined;
  /** The memory folder: a profile per submission port, the peer's known local mailbox as the canary. */
  const setUp = () =>
    ready ??= (async () => {
      const p = peer();
      const ca = path.join(dir, "postfix-ca.pem");
      fs.writeFileSync(ca, p.caPem);
      await must(["init"]);
      const profiles = {
        pf: p.ports.starttls,
        implicit: p.ports.implicit,
        limited: p.ports.limited,
        "limited-no-size": p.ports.limitedNoSize,
      };
      for (const [name, port] of Object.entries(profiles)) {
        await must(profileAddArgs({
          name,
          host: p.host,
          port,
          tls: port === p.ports.implicit ? "implicit" : "starttls",
          ca,
          servername: p.hostname,
          user: p.user,
          secret: "env:PILOT_PW",
          identity: ["--from", p.addresses.own],
        }));
      }
      await must(["canary", "add", p.addresses.localKnown]);
    })();
  const preflight = (profile: string, message: string[]) =>
    run(["preflight", "--profile", profile, "--to", peer().addresses.localKnown, ...message, ...NO_DNS, "--json"]);
  const send = (profile: string, message: string[], token: string) =>
    run([
      "send",
      "--canary",
      "--profile",
      profile,
      "--to",
      peer().addresses.localKnown,
      ...message,
      "--confirm",
      token,
      "--json",
    ]);
  /** Waits for Postfix's log (written asynchronously by postlogd) to match. */
  const logged = async (re: RegExp): Promise<RegExpMatchArray> => {
    await waitUntil(() => peer().postfixLog().match(re) !== null, { what: `Postfix to log ${re}`, limitMs: 60_000 })
      .catch(() => {});
    const m = peer().postfixLog().match(re);
    if (m) return m;
    assert.fail(`Postfix never logged ${re}\n${peer().logTail(30)}`);
  };

  for (const port of ["pf", "implicit"] as const) {
    test(`preflight + send --canary through Postfix (${port}): its queue id is in the document, the send log and its own log`, async () => {
      await setUp();
      const message = [...MESSAGE, "--header", `X-Port: ${port}`];
      const plan = await preflight(port, message);
      assert.equal(plan.code, 0, `${plan.stderr}\n${peer().logTail(20)}`);
      const r = await send(port, message, doc(plan).plan.token);
      assert.equal(r.code, 0, `${r.stderr}\n${peer().logTail(20)}`);
      const d = doc(r);
      assert.equal(d.state, "accepted");
      assert.equal(d.server, peer().hostname);
      // Postfix's queue ids: 10+ characters of its long format, or the short hex one.
      assert.match(d.queueId, /^[0-9A-Za-z]{10,}$|^[0-9A-F]{6,}$/);
      assert.match(d.reply, new RegExp(`^250 2\\.0\\.0 Ok: queued as ${d.queueId}$`));

      const entry = (await openMemory({ home }).sendLog()).findLast((e) => e.kind === "canary");
      assert.equal(entry?.state, "accepted");
      assert.equal(entry?.queueId, d.queueId);
      assert.equal(entry?.messageId, d.messageId);

      // Postfix's cleanup logged the same queue id with the same Message-ID; the queue manager discarded it.
      await logged(new RegExp(`cleanup\\[\\d+\\]: ${d.queueId}: message-id=${d.messageId.replace(/[.+]/g, "\\$&")}`));
      await logged(
        new RegExp(`discard\\[\\d+\\]: ${d.queueId}: to=<${peer().addresses.localKnown}>, relay=none, .*status=sent`),
      );
      assert.ok(!r.stdout.includes(peer().password), "the SASL password never lands");
      assert.ok(!fs.readFileSync(path.join(home, "send-log.md"), "utf8").includes(peer().password));
    });
  }

  test("a scale send through Postfix: known recipients queued with Postfix's ids, unknown ones refused, no pipelining complaint", async () => {
    await setUp();
    const p = peer();
    const message = ["--subject", "Scale through Postfix", "--text", "Hello, list."];
    const plan = await preflight("pf", message);
    assert.equal(plan.code, 0, plan.stderr);
    await must([
      "send",
      "--canary",
      "--profile",
      "pf",
      "--to",
      p.addresses.localKnown,
      ...message,
      "--confirm",
      doc(plan).plan.token,
    ]);
    // The peer discards what it accepts: the person states the placement, at a terminal, typing the code.
    const stated = runOnPty([
      "--home",
      home,
      "verify",
      "--last",
      "--placement",
      "inbox",
      "--note",
      "discarded by the peer",
    ]);
    await stated.waitFor(/Type ([A-Z2-7]{6}) to confirm/);
    stated.type(`${/Type ([A-Z2-7]{6}) to confirm/.exec(stated.screen())?.[1]}\r`);
    assert.equal(await stated.exit, 0, stated.screen());

    const list = path.join(dir, "list.txt");
    // Each mailbox once (three repeats folded); the unknown ones are named by the preflight, not fatal.
    const recipients = [
      p.addresses.localKnown,
      p.addresses.own,
      p.addresses.localKnown,
      p.addresses.localUnknown,
      p.addresses.own,
      `nobody-here@${p.domain}`,
      p.addresses.localKnown,
    ];
    fs.writeFileSync(list, `${recipients.join("\n")}\n`);
    const listPlan = doc(
      await must(["preflight", "--profile", "pf", "--to-list", list, ...message, ...NO_DNS, "--json"]),
    );
    const r = await run([
      "send",
      "--profile",
      "pf",
      "--to-list",
      list,
      ...message,
      "--confirm",
      listPlan.plan.token,
      "--rate",
      "none",
      "--json",
    ]);
    assert.equal(r.code, 1, `${r.stderr}\n${peer().logTail(20)}`);
    const d = doc(r);
    assert.equal(d.accepted, 2);
    assert.equal(d.rejected, 2);
    assert.equal(d.duplicates, 3);
    assert.deepEqual(d.codes, { "envelope.recipient-unknown": 2 });
    const journal = fs.readFileSync(d.journal, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const ids = journal.filter((e) => e.status === "accepted").map((e) => e.queueId);
    assert.equal(ids.length, 2);
    assert.equal(new Set(ids).size, 2, "one queue id per message");
    for (const id of ids) await logged(new RegExp(`cleanup\\[\\d+\\]: ${id}: message-id=`));
    await peer().settleLog();
    assert.doesNotMatch(peer().postfixLog(), /improper command pipelining|nested MAIL/);
  });

  test("a port advertising SIZE 4096: the preflight is refused at MAIL FROM with envelope.size-exceeded (exit 16), no plan", async () => {
    await setUp();
    const big = ["--subject", "Too big at MAIL FROM", "--text", "x".repeat(3 * peer().sizeLimit)];
    const plan = await preflight("limited", big);
    assert.equal(plan.code, 16, plan.stderr);
    const d = doc(plan);
    assert.equal(d.plan, null);
    assert.equal(d.verdict.status, "fail");
    assert.deepEqual(d.verdict.failures, ["envelope.size-exceeded"]);
    const envelope = d.diagnosis.layers.find((l: { id: string }) => l.id === "envelope");
    assert.match(JSON.stringify(envelope), /552 5\.3\.4/);
  });

  test("a port without SIZE refuses the message after the final dot: envelope.size-exceeded, exit 16, logged as refused", async () => {
    await setUp();
    const big = ["--subject", "Too big after DATA", "--text", "x".repeat(3 * peer().sizeLimit)];
    const plan = await preflight("limited-no-size", big);
    assert.equal(plan.code, 0, `${plan.stderr}\n${peer().logTail(20)}`);
    const r = await send("limited-no-size", big, doc(plan).plan.token);
    assert.equal(r.code, 16, `${r.stderr}\n${peer().logTail(20)}`);
    const d = doc(r);
    assert.equal(d.mode, "canary");
    assert.equal(d.code, "envelope.size-exceeded");
    assert.equal(d.queueId, null);
    assert.equal(d.recipients[0]?.status, "rejected");
    assert.equal(d.recipients[0]?.code, "envelope.size-exceeded");
    // The refusal came after the message: Postfix's 552 5.3.4 is the final-dot reply.
    assert.match(d.reply, /^552 5\.3\.4 /);
    const entry = (await openMemory({ home }).sendLog()).findLast((e) => e.kind === "canary");
    assert.equal(entry?.code, "envelope.size-exceeded");
    assert.notEqual(entry?.state, "accepted");
    assert.equal(entry?.queueId, undefined);
  });
});
