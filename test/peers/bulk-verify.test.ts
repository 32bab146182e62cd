/**
 * The received canary's checklist and the bulk-sender gate, end to end
 * through the CLI against real parts (test/peers/bulk-bed.ts): canaries
 * submitted to Postfix, signed by Debian's OpenDKIM milter, relayed over
 * TLS to a receiving MX that judges them with mailauth and files them where
 * Dovecot serves them over IMAP; keys and policies in a real Knot. Each
 * checklist line is proven on those headers: List-Unsubscribe signed and
 * not, a 1024-bit key, broken alignment, ARC from a forwarder. A list above
 * Gmail's bulk threshold without one-click unsubscribe is refused at
 * preflight (gate.bulk-sender-rules) and passes with it. Skips where a part
 * is not installed; fails instead under CI=true.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { type BulkBed, bulkBedMissing, startBulkBed } from "./bulk-bed.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { profileAddArgs } from "../helpers/profile-args.ts";

const missing = bulkBedMissing();
if (missing && process.env.CI === "true") throw new Error(`CI must install the bulk bed's peers: ${missing}`);

type Line = { code: string; status: string; summary: string; evidence: string[] };
type Verdict = { provider: string; met: string[]; missed: string[]; unknown: string[] };

describe("verify's checklist and the bulk gate against Postfix + OpenDKIM + mailauth + Dovecot", {
  skip: missing ?? false,
}, () => {
  let bed: BulkBed;
  let dir = "";
  let home = "";
  const cli = (args: string[]) =>
    runCli(["--home", home, ...args], { PW: bed.postfix.password, IMAPPW: bed.dovecot.password });
  const must = async (args: string[]): Promise<CliResult> => {
    const r = await cli(args);
    assert.equal(r.code, 0, `smtpilot ${args.join(" ")}\n${r.stdout}\n${r.stderr}\n${bed?.logTail() ?? ""}`);
    return r;
  };
  const doc = (r: CliResult) => JSON.parse(r.stdout);
  const dnsFlag = () => ["--resolver", bed.knot.resolver];
  /** Postfix forks an smtpd per connection and asks its milter first: on a loaded machine the banner can be late. */
  const SLOW_MACHINE = ["--timeout", "60"];
  const canary = (local: string) => `${local}@${bed.receiverDomain}`;

  /** preflight → send --canary → verify --json; returns the verify document. */
  const canaryChecklist = async (profile: string, to: string, message: string[]) => {
    const flags = ["--profile", profile, "--to", to, "--allow-external", ...SLOW_MACHINE, ...message];
    const plan = doc(await must(["preflight", ...flags, ...dnsFlag(), "--json"]));
    const sent = doc(await must(["send", "--canary", ...flags, "--confirm", plan.plan.token, "--json"]));
    assert.equal(sent.state, "accepted");
    const r = await cli(["verify", sent.messageId, "--wait", "60", ...dnsFlag(), "--json"]);
    assert.ok(r.code === 0 || r.code === 1, `${r.stderr}\n${bed.logTail()}`);
    return doc(r) as { state: string; evidence: { checklist: { lines: Line[]; providers: Verdict[] } } };
  };
  const lines = (d: Awaited<ReturnType<typeof canaryChecklist>>, code: string) =>
    d.evidence.checklist.lines.filter((l) => l.code === code);
  const status = (d: Awaited<ReturnType<typeof canaryChecklist>>, code: string) => lines(d, code).map((l) => l.status);
  const provider = (d: Awaited<ReturnType<typeof canaryChecklist>>, name: string) =>
    d.evidence.checklist.providers.find((p) => p.provider === name)!;

  /** A profile on one of the bed's submission ports, logging in as the Postfix peer's user. */
  const profileAdd = (name: string, port: number, identity: string[]) =>
    must(profileAddArgs({
      name,
      host: "127.0.0.1",
      port,
      tls: "starttls",
      ca: path.join(dir, "postfix-ca.pem"),
      user: bed.postfix.user,
      secret: "env:PW",
      identity,
    }));

  const ONE_CLICK = [
    "--list-unsubscribe",
    "https://pf.smtpilot.test/unsubscribe/42",
    "--list-unsubscribe",
    "mailto:unsub@pf.smtpilot.test",
  ];
  const checked: Record<string, Awaited<ReturnType<typeof canaryChecklist>>> = {};

  before(async () => {
    bed = await startBulkBed();
    dir = makeTestDir("smtpilot-bulk-verify-");
    home = path.join(dir, "home");
    await must(["init"]);
    fs.writeFileSync(path.join(dir, "postfix-ca.pem"), bed.postfix.caPem);
    for (const [name, port] of Object.entries(bed.ports)) await profileAdd(name, port, ["--from", bed.postfix.user]);
    for (const local of ["canary", "list"]) {
      await must([
        "canary",
        "add",
        canary(local),
        "--imap-host",
        bed.dovecot.host,
        "--imap-port",
        String(bed.dovecot.ports.implicit),
        "--imap-user",
        bed.dovecot.user,
        "--imap-secret",
        "env:IMAPPW",
        "--imap-ca",
        bed.dovecot.caFile,
      ]);
    }
    // A list above Gmail's threshold must get past the batch limit to reach the bulk rules.
    const memory = path.join(home, "memory.md");
    fs.writeFileSync(
      memory,
      fs.readFileSync(memory, "utf8").replace("maxRecipientsPerBatch: 50", "maxRecipientsPerBatch: 20000"),
    );
  });

  after(async () => {
    await bed?.stop();
  });

  test("OpenDKIM 2048-bit, List-Unsubscribe signed, aligned: every line passes and all three providers' rules are met", async () => {
    const d = await canaryChecklist("signed", canary("canary"), [
      "--subject",
      "Signed news",
      "--text",
      "Hello.",
      ...ONE_CLICK,
    ]);
    checked.signed = d;
    assert.equal(d.state, "delivered-inbox");
    for (const l of d.evidence.checklist.lines) {
      assert.equal(l.status, "pass", `${l.code}: ${l.summary} ${l.evidence.join(" | ")}`);
    }
    assert.match(lines(d, "canary.dkim-key")[0]!.summary, /d=pf\.smtpilot\.test s=s2048 a=rsa-sha256 2048-bit key/);
    assert.match(lines(d, "canary.dkim-coverage")[0]!.evidence[0]!, /list-unsubscribe:list-unsubscribe-post/);
    // The TLS line quotes the session the receiving MX really had with Postfix's smtp client.
    assert.match(lines(d, "canary.tls")[0]!.summary, /TLSv1\.[23]/);
    for (const p of ["gmail", "yahoo", "outlook"]) assert.deepEqual(provider(d, p).missed, [], p);
    // Stored with the verdict in the send log, and noted per profile and domain.
    const log = fs.readFileSync(path.join(home, "send-log.md"), "utf8");
    assert.match(log, /kind: verify[\s\S]*checklist:[\s\S]*canary\.dkim-coverage/);
    const notes = fs.readFileSync(path.join(home, "deliverability-notes.md"), "utf8");
    assert.match(notes, /kind: canary-verify[\s\S]*domain: pf\.smtpilot\.test[\s\S]*profile: signed/);
    // The text names each line by its code with its status, and each provider's rules.
    const text = await cli(["verify", "--last", ...dnsFlag()]);
    if (process.env.SMTPILOT_SHOW) process.stderr.write(text.stdout);
    assert.match(text.stdout, /^ {2}pass {2}canary\.dkim-coverage /m);
    assert.match(text.stdout, /^ {2}Gmail: 9 met, not shown by the copy gmail\.arc-forwarding$/m);
    const noted = doc(await must(["status", "--json"])).deliverability;
    assert.deepEqual(
      noted.map((n: { profile: string; domain: string; state: string }) => [n.profile, n.domain, n.state]),
      [
        ["signed", "pf.smtpilot.test", "delivered-inbox"],
      ],
    );
  });

  test("OpenDKIM with a 1024-bit key that leaves List-Unsubscribe unsigned: key warns, coverage and one-click fail, Gmail's one-click rule missed", async () => {
    const d = await canaryChecklist("weak", canary("canary"), [
      "--subject",
      "Weak news",
      "--text",
      "Hello.",
      ...ONE_CLICK,
    ]);
    assert.deepEqual(status(d, "canary.dkim"), ["pass"]);
    assert.deepEqual(status(d, "canary.dkim-key"), ["warn"]);
    assert.match(lines(d, "canary.dkim-key")[0]!.summary, /s=s1024 .*1024-bit key/);
    assert.deepEqual(status(d, "canary.dkim-coverage"), ["fail"]);
    assert.deepEqual(status(d, "canary.one-click-unsubscribe"), ["fail"]);
    assert.ok(provider(d, "gmail").missed.includes("gmail.one-click-unsubscribe"));
    assert.ok(provider(d, "yahoo").missed.includes("yahoo.one-click-unsubscribe"));
    assert.deepEqual(provider(d, "outlook").missed, []);
  });

  test("From brand.test signed d=esp.test with the envelope at pf.smtpilot.test: alignment and DMARC fail for every provider", async () => {
    // The profile claims DKIM d=brand.test (so the preflight's alignment table lets it through);
    // OpenDKIM really signs brand.test mail as d=esp.test — the received copy tells.
    await profileAdd("brand", bed.ports.signed, [
      "--from",
      "news@brand.test",
      "--envelope-from",
      bed.postfix.user,
      "--dkim-domain",
      "brand.test",
    ]);
    const d = await canaryChecklist("brand", canary("canary"), [
      "--from",
      "Brand <news@brand.test>",
      "--subject",
      "Brand news",
      "--text",
      "Hello.",
    ]);
    assert.deepEqual(status(d, "canary.spf"), ["pass"]);
    assert.deepEqual(status(d, "canary.dkim"), ["pass"]);
    assert.deepEqual(status(d, "canary.alignment"), ["fail"]);
    assert.deepEqual(status(d, "canary.dmarc"), ["fail"]);
    assert.deepEqual(status(d, "canary.return-path"), ["warn"]);
    assert.match(lines(d, "canary.dkim-key")[0]!.summary, /d=esp\.test s=esp/);
    for (const p of ["gmail", "yahoo", "outlook"]) assert.ok(provider(d, p).missed.includes(`${p}.dmarc-alignment`), p);
  });

  test("through a mailing list that rewrites the Subject and ARC-seals: arc=pass with the forwarder's seal, DKIM broken", async () => {
    const d = await canaryChecklist("signed", canary("list"), [
      "--subject",
      "List news",
      "--text",
      "Hello.",
      ...ONE_CLICK,
    ]);
    assert.deepEqual(status(d, "canary.arc"), ["pass"]);
    assert.match(lines(d, "canary.arc")[0]!.evidence.join(" "), /i=1 d=fwd\.test cv=none/);
    assert.deepEqual(status(d, "canary.dkim"), ["fail"]);
    assert.ok(provider(d, "gmail").met.includes("gmail.arc-forwarding"));
  });

  test("a list of 5 001 Gmail recipients without one-click unsubscribe is refused at preflight (gate.bulk-sender-rules, exit 4); with it, a plan is issued", async () => {
    const list = path.join(dir, "customers.txt");
    const addresses = [
      ...Array.from({ length: 5001 }, (_, i) => `person${i}@gmail.com`),
      ...Array.from({ length: 12 }, (_, i) => `user${i}@outlook.com`),
      ...Array.from({ length: 3 }, (_, i) => `staff${i}@corp.test`),
    ];
    fs.writeFileSync(list, `${addresses.join("\n")}\n`);
    const plain = ["--subject", "Plain news", "--text", "Hello."];
    const d = await canaryChecklist("signed", canary("canary"), plain);
    assert.equal(d.state, "delivered-inbox");
    const listPreflight = (message: string[], json = true) =>
      cli([
        "preflight",
        ...SLOW_MACHINE,
        "--profile",
        "signed",
        "--to-list",
        list,
        ...message,
        ...dnsFlag(),
        ...(json ? ["--json"] : []),
      ]);
    const refused = await listPreflight(plain);
    assert.equal(refused.code, 4, `${refused.stdout}\n${refused.stderr}`);
    const r = doc(refused);
    assert.equal(r.plan, null);
    assert.ok(r.verdict.failures.includes("gate.bulk-sender-rules"));
    assert.deepEqual(r.bulk.counts.recipients, { gmail: 5001, outlook: 12, "microsoft-365": 3 });
    assert.deepEqual(
      r.bulk.thresholds.filter((t: { bulk: boolean }) => t.bulk).map((t: { provider: string }) => t.provider),
      ["gmail"],
    );
    const failed = r.bulk.checks.filter((c: { status: string }) => c.status === "fail").map((c: { rule: string }) =>
      c.rule
    );
    assert.deepEqual(failed, ["gmail.one-click-unsubscribe"]);
    const rule = r.bulk.checks.find((c: { rule: string }) => c.rule === "gmail.one-click-unsubscribe");
    assert.equal(rule.since, "2024-06-01");
    assert.match(rule.source, /support\.google\.com/);
    // The text names the counts before anything is confirmed, and the refused rule.
    const text = await listPreflight(plain, false);
    assert.equal(text.code, 4);
    assert.match(text.stdout, /5 001 Gmail, 12 Outlook\.com, 3 Microsoft 365/);
    assert.match(text.stdout, /REFUSED gmail\.one-click-unsubscribe/);

    // The same list with one-click unsubscribe, its own canary verified first: a plan.
    const oneClick = ["--subject", "Signed news", "--text", "Hello.", ...ONE_CLICK];
    const passed = await listPreflight(oneClick);
    assert.equal(passed.code, 0, `${passed.stdout}\n${passed.stderr}`);
    const p = doc(passed);
    assert.match(p.plan.token, /^spt-/);
    assert.deepEqual(p.bulk.checks.filter((c: { status: string }) => c.status === "fail"), []);
    // SPF, DKIM, TLS and PTR come from the verified canary's checklist, read back from the send log.
    for (const rule of ["gmail.spf-pass", "gmail.dkim-pass", "gmail.tls", "gmail.ptr"]) {
      const c = p.bulk.checks.find((x: { rule: string }) => x.rule === rule);
      assert.equal(c.status, "pass", rule);
      assert.match(c.evidence, /^canary: /, rule);
    }
  });
});
