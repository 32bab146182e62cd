/**
 * `smtpilot domain` and `smtpilot align` end to end through the CLI against
 * a real authoritative DNS server (Knot, scripts/peers/knot/) serving zones
 * written to exercise every finding code, with a counting forwarder in
 * between to prove no query reaches the wire twice. Skipped when knotd is
 * not installed, except under CI=true, where that is a failure.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import nodemailer from "nodemailer";
import type { KeyObject } from "node:crypto";
import { DOMAIN_CODES } from "../../core/domain/finding.ts";
import { initMemory } from "../../core/memory/init.ts";
import { openMemory } from "../../core/memory/store.ts";
import { parseProfile } from "../../core/profile.ts";
import { knotMissing, type KnotPeer, startKnotPeer } from "../../scripts/peers/knot/peer.ts";
import { type QueryLog, startQueryLog } from "../../scripts/peers/knot/query-log.ts";
import { runCli } from "../helpers/cli.ts";

const _missing = knotMissing();
if (_missing && process.env.CI === "true") {
  test("the Knot DNS peer is installed (required under CI=true)", () => assert.fail(_missing));
}

/** Codes only a reachable HTTPS policy server produces: covered by test/domain/mta-sts.test.ts. */
const _FETCH_ONLY = new Set([
  "mta-sts.policy-content-type",
  "mta-sts.policy-syntax",
  "mta-sts.policy-testing",
  "mta-sts.mx-mismatch",
  "domain.fix-connection-first", // from a saved profile: the profile suite below
]);

interface _Case {
  args: string[];
  exit: number;
  codes: string[];
  absent?: string[];
}

const _CASES: _Case[] = [
  {
    args: ["good.test", "--ip", "192.0.2.25", "--selector", "s1", "--selector", "ed"],
    exit: 0,
    codes: ["spf.ip-authorized", "dkim.key-found", "ptr.confirmed", "mta-sts.policy-not-fetched"],
    absent: ["dkim.selectors-guessed", "tls-rpt.none", "bimi.none", "dmarc.none"],
  },
  {
    args: ["good.test", "--ip", "192.0.2.200"],
    exit: 1,
    codes: ["spf.ip-not-authorized", "ptr.missing", "dkim.selectors-guessed", "dkim.key-found"],
  },
  { args: ["good.test", "--ip", "192.0.2.77", "--selector", "s1"], exit: 1, codes: ["ptr.not-confirmed"] },
  { args: ["good.test", "--ip", "192.0.2.88", "--selector", "s1"], exit: 1, codes: ["ptr.generic"] },
  {
    args: ["good.test", "--selector", "s1", "--fetch-policy", "--timeout", "2"],
    exit: 1,
    codes: ["mta-sts.policy-unreachable"],
  },
  { args: ["nowhere.good.test", "--selector", "s1"], exit: 1, codes: ["domain.nxdomain", "dmarc.org-fallback"] },
  {
    args: ["badspf.test"],
    exit: 1,
    codes: [
      "spf.ptr",
      "spf.void-lookup",
      "spf.void-lookup-limit",
      "spf.include-missing",
      "spf.all-neutral",
      "spf.mx-limit",
      "mx.host-unresolved",
      "dmarc.syntax",
      "dmarc.no-rua",
      "mta-sts.syntax",
      "tls-rpt.syntax",
      "bimi.syntax",
      "bimi.needs-enforcing-dmarc",
      "bimi.no-authority",
      "dkim.not-found",
    ],
  },
  {
    args: ["deep.test", "--ip", "192.0.2.200"],
    exit: 1,
    codes: [
      "spf.lookup-limit",
      "spf.include-loop",
      "spf.redirect-missing",
      "spf.macro",
      "spf.permerror",
      "spf.void-lookup",
      "dmarc.none",
      "mx.none",
      "mta-sts.none",
      "tls-rpt.none",
      "bimi.none",
    ],
  },
  {
    args: ["near.test"],
    exit: 0,
    codes: [
      "spf.lookups-near-limit",
      "spf.after-all",
      "spf.redirect-ignored",
      "spf.record-too-long",
      "dmarc.pct-partial",
      "dmarc.policy-none",
      "dmarc.strict-alignment",
      "dmarc.rua-unauthorized",
    ],
    absent: ["spf.lookup-limit", "domain.dns-error"],
  },
  {
    args: ["open.test"],
    exit: 1,
    codes: ["spf.all-pass", "dmarc.multiple-records", "mx.null", "mta-sts.multiple-records"],
  },
  { args: ["multi.test"], exit: 1, codes: ["spf.multiple-records", "dmarc.none", "mx.none"] },
  { args: ["syntax.test"], exit: 1, codes: ["spf.syntax"] },
  { args: ["sub.orgfb.test", "--selector", "s1"], exit: 1, codes: ["dmarc.org-fallback", "dkim.not-found"] },
  {
    args: ["dkim.test", ...["short", "weak", "testing", "old", "broken"].flatMap((s) => ["--selector", s])],
    exit: 1,
    codes: ["dkim.key-too-short", "dkim.key-weak", "dkim.testing", "dkim.revoked", "dkim.syntax"],
    absent: ["dkim.not-found"],
  },
  {
    args: ["mx.test", "--selector", "s1"],
    exit: 1,
    codes: ["mx.host-is-address", "mx.host-cname", "mx.host-unresolved", "spf.no-all"],
  },
  {
    args: ["temp.test", "--ip", "192.0.2.5", "--selector", "s1"],
    exit: 1,
    codes: ["spf.temperror", "domain.dns-error"],
  },
  {
    args: ["good.test", "--only", "spf,dmarc", "--ip", "192.0.2.25"],
    exit: 0,
    codes: ["spf.ip-authorized"],
    absent: ["ptr.confirmed", "dkim.selectors-guessed", "mta-sts.policy-not-fetched", "tls-rpt.none"],
  },
  { args: ["bare.test", "--selector", "s1"], exit: 1, codes: ["spf.none", "dmarc.none", "mx.none"] },
  {
    // The organisation's p=none is reported for the organisation…
    args: ["subprot.test", "--only", "dmarc"],
    exit: 0,
    codes: ["dmarc.policy-none"],
  },
  {
    // …but not for a subdomain its sp=reject protects (a false alarm before).
    args: ["shop.subprot.test", "--only", "dmarc"],
    exit: 0,
    codes: ["dmarc.org-fallback"],
    absent: ["dmarc.policy-none"],
  },
  {
    args: ["rfc9989.test", "--selector", "sha1"],
    exit: 1,
    codes: [
      "mx.null-mixed",
      "dmarc.test-mode",
      "dmarc.pct-partial",
      "dmarc.removed-tag",
      "dmarc.report-domain-missing",
      "dmarc.rfc7489-differs",
      "dkim.hash-unusable",
      "domain.dns-error",
    ],
    absent: ["mx.null", "dkim.key-found"],
  },
  {
    // A record one level below the organisational domain: RFC 9989 finds it, RFC 7489 does not.
    args: ["a.mail.rfc9989.test", "--only", "dmarc"],
    exit: 0,
    codes: ["dmarc.org-fallback", "dmarc.rfc7489-differs"],
  },
  {
    // a: hosts with only AAAA records: void for IPv4 senders, said without --ip…
    args: ["v6only.test", "--only", "spf"],
    exit: 1,
    codes: ["spf.void-lookup", "spf.void-lookup-limit"],
  },
  {
    // …and what a receiver concludes for an IPv4 client.
    args: ["v6only.test", "--only", "spf", "--ip", "192.0.2.9"],
    exit: 1,
    codes: ["spf.permerror"],
  },
  {
    // A receiver's log line: an empty label in the MAIL FROM domain is check_host() "none", not a usage error.
    args: ["--ip", "192.0.2.25", "--sender", "<bounce@mail..good.test>", "--helo", "mail.good.test"],
    exit: 0,
    codes: ["spf.identity-invalid", "spf.ip-not-authorized"],
    absent: ["dkim.selectors-guessed", "mx.none"],
  },
];

interface _Doc {
  schema: string;
  mode: string;
  findings: { code: string; severity: string; summary: string; evidence: string[]; fix?: string }[];
  spf?: { result: string; trace: unknown[] };
  dns: { queries: number };
}

describe("smtpilot domain against a real Knot DNS", { skip: _missing }, () => {
  let peer: KnotPeer;
  let wire: QueryLog;
  let dir: string;
  const seen = new Set<string>();

  before(async () => {
    peer = await startKnotPeer();
    wire = await startQueryLog(peer.port);
    dir = mkdtempSync(path.join(os.tmpdir(), "smtpilot-dns-test-"));
  });
  after(async () => {
    await wire?.close();
    await peer?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    wire.reset();
    const r = await runCli(["domain", ...args, "--resolver", wire.resolver, "--json"]);
    const doc = JSON.parse(r.stdout) as _Doc;
    for (const f of doc.findings) seen.add(f.code);
    return { ...r, doc };
  };

  for (const c of _CASES) {
    test(`domain ${c.args.join(" ")} exits ${c.exit} with ${c.codes.join(", ")}`, async () => {
      const { code, doc, stderr } = await run(c.args);
      const codes = doc.findings.map((f) => f.code);
      assert.equal(doc.schema, "smtpilot.domain/1");
      for (const want of c.codes) assert.ok(codes.includes(want), `${want} missing from ${codes.join(" ")}`);
      for (const not of c.absent ?? []) assert.ok(!codes.includes(not), `${not} unexpected`);
      assert.equal(code, c.exit, stderr);
      assert.deepEqual([...wire.repeats()], [], "a query reached the server twice");
      assert.equal(wire.questions().length, doc.dns.queries, "the document counts the queries on the wire");
      for (const f of doc.findings) assert.ok(f.code in DOMAIN_CODES, f.code);
    });
  }

  test("domain --ip prints spf {result, trace} and the text report starts with the mode", async () => {
    const { doc } = await run([
      "good.test",
      "--ip",
      "198.51.100.7",
      "--sender",
      "bounce@good.test",
      "--helo",
      "mail.good.test",
    ]);
    assert.equal(doc.spf?.result, "pass");
    assert.ok((doc.spf?.trace.length ?? 0) >= 3);
    const text = await runCli(["domain", "good.test", "--resolver", wire.resolver, "--selector", "s1"]);
    assert.match(text.stdout.split("\n")[0] ?? "", /^Mode: DNS lookups only/);
    assert.equal(text.code, 0);
  });

  test("domain --message verifies DKIM signatures: valid, body changed, wrong key, unsigned", async () => {
    const signed = await _sign(peer.keys.good);
    const files = {
      valid: signed,
      tampered: signed.replace("Hello from smtpilot", "Hello from someone else"),
      wrongKey: await _sign(
        (await import("node:crypto")).generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
      ),
      unsigned: "From: a@good.test\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nHello\r\n",
    };
    const expect: Record<keyof typeof files, string> = {
      valid: "dkim.signature-valid",
      tampered: "dkim.body-hash-mismatch",
      wrongKey: "dkim.signature-invalid",
      unsigned: "dkim.no-signature",
    };
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(dir, `${name}.eml`);
      writeFileSync(file, text);
      const { doc } = await run(["good.test", "--message", file]);
      const codes = doc.findings.map((f) => f.code);
      assert.ok(codes.includes(expect[name as keyof typeof files]), `${name}: ${codes.join(" ")}`);
      if (name !== "unsigned") {
        assert.ok(!codes.includes("dkim.selectors-guessed"), "the selector comes from the message");
      }
    }
  });

  test("every sender finding code is produced by some zone (fetch-only codes aside)", () => {
    // The recipient side's codes are produced by dns-knot-dane.test.ts.
    const missing = Object.keys(DOMAIN_CODES)
      .filter((c) => !seen.has(c) && !_FETCH_ONLY.has(c) && !/^(dane|mx-tls|delivery)\./.test(c));
    assert.deepEqual(missing, []);
  });

  test("align answers (exit 0) when only the external report authorisation lookup fails", async () => {
    const r = await runCli([
      "align",
      "--from",
      "news@rfc9989.test",
      "--envelope-from",
      "bounce@rfc9989.test",
      "--resolver",
      wire.resolver,
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { dmarc: { policy?: string }; spf: { aligned?: boolean } };
    assert.equal(doc.spf.aligned, true);
    assert.equal(doc.dmarc.policy, "quarantine", "p=reject in test mode (t=y)");
  });

  test("align reports misaligned identities from the real DMARC record", async () => {
    const ok = await runCli([
      "align",
      "--from",
      "news@good.test",
      "--envelope-from",
      "bounce@mail.near.test",
      "--dkim-domain",
      "good.test",
      "--auth-user",
      "sender@near.test",
      "--resolver",
      wire.resolver,
      "--json",
    ]);
    const doc = JSON.parse(ok.stdout) as { schema: string; dmarcCanPass: boolean; findings: { code: string }[] };
    assert.equal(doc.schema, "smtpilot.align/1");
    assert.equal(doc.dmarcCanPass, true);
    assert.deepEqual(doc.findings.map((f) => f.code).sort(), [
      "align.auth-from-mismatch",
      "align.spf-misaligned",
    ]);
    assert.equal(ok.code, 0);
    // near.test publishes adkim=s: a subdomain d= does not align.
    const strict = await runCli([
      "align",
      "--from",
      "a@near.test",
      "--envelope-from",
      "b@other.test",
      "--dkim-domain",
      "mail.near.test",
      "--resolver",
      wire.resolver,
      "--json",
    ]);
    const codes = (JSON.parse(strict.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code);
    assert.ok(codes.includes("align.dkim-misaligned") && codes.includes("align.none-aligned"), codes.join(" "));
    assert.equal(strict.code, 1);
  });
});

describe("smtpilot domain and align with a saved profile", { skip: _missing }, () => {
  let peer: KnotPeer;
  let home: string;

  before(async () => {
    peer = await startKnotPeer();
    home = mkdtempSync(path.join(os.tmpdir(), "smtpilot-dns-home-"));
    await initMemory(home);
    const store = openMemory({ home });
    await store.saveProfile(parseProfile({
      name: "work",
      provider: "gmail",
      host: "smtp.gmail.com",
      port: 587,
      tls: "starttls",
      auth: { user: "sender@near.test", secret: "env:SMTPILOT_TEST_UNUSED" },
      from: "news@good.test",
      dkimDomain: "good.test",
      lastCheck: {
        date: "2026-12-01T10:00:00Z",
        verdict: "fail",
        upTo: "auth",
        layer: "auth",
        code: "auth.invalid-credentials",
      },
    }));
  });
  after(async () => {
    await peer?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test("domain --profile audits the profile's From domain and says first that DNS cannot fix an auth failure", async () => {
    const r = await runCli([
      "--home",
      home,
      "domain",
      "--profile",
      "work",
      "--selector",
      "s1",
      "--note",
      "--resolver",
      peer.resolver,
      "--json",
    ]);
    const doc = JSON.parse(r.stdout) as _Doc & { domain: string };
    assert.equal(doc.domain, "good.test");
    assert.equal(doc.findings[0]?.code, "domain.fix-connection-first");
    assert.equal(r.code, 1);
    const notes = await openMemory({ home }).notes();
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.kind, "dns-auth");
    assert.equal(notes[0]?.domain, "good.test");
    assert.match(String(notes[0]?.summary), /domain\.fix-connection-first/);
    const text = await runCli([
      "--home",
      home,
      "domain",
      "--profile",
      "work",
      "--selector",
      "s1",
      "--resolver",
      peer.resolver,
    ]);
    assert.match(text.stdout.split("\n").find((l) => l.includes("ERROR")) ?? "", /domain\.fix-connection-first/);
  });

  test("align --profile takes the profile's identities and applies Gmail's identity rule", async () => {
    const r = await runCli(["--home", home, "align", "--profile", "work", "--resolver", peer.resolver, "--json"]);
    const doc = JSON.parse(r.stdout) as { provider?: string; findings: { code: string }[] };
    assert.equal(doc.provider, "gmail");
    const codes = doc.findings.map((f) => f.code);
    assert.ok(codes.includes("align.provider-from-not-account"), codes.join(" "));
    assert.ok(codes.includes("align.provider-envelope-rewritten"), codes.join(" "));
    assert.ok(codes.includes("align.auth-from-mismatch"), codes.join(" "));
  });

  test("domain --profile with an unknown profile is a usage error", async () => {
    const r = await runCli(["--home", home, "domain", "--profile", "nope", "--resolver", peer.resolver, "--json"]);
    assert.equal(r.code, 2, r.stderr);
  });
});

async function _sign(key: KeyObject): Promise<string> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await transport.sendMail({
    from: "a@good.test",
    to: "b@example.net",
    subject: "DKIM check",
    text: "Hello from smtpilot\n\nSecond paragraph.\n",
    dkim: {
      domainName: "good.test",
      keySelector: "s1",
      privateKey: key.export({ format: "pem", type: "pkcs8" }).toString(),
    },
  });
  return (info.message as Buffer).toString();
}
