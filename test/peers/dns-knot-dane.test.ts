/**
 * `smtpilot domain D --recipient` end to end through the CLI, on the bed of
 * dns-knot-dane-bed.ts: Knot signing the zones, unbound validating them,
 * MX servers with good and bad certificates, an HTTPS policy server. Each
 * case asserts the verdict per MX a sender enforcing MTA-STS and DANE would
 * reach, the policy that decides it, the finding codes and the exit code;
 * and that the policy is fetched only when asked, as the mode line says.
 * Skipped when knotd or unbound is missing, except under CI=true.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { DOMAIN_CODES } from "../../core/domain/finding.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { type DaneBed, knotMissing, startDaneBed, unboundMissing } from "./dns-knot-dane-bed.ts";

const _missing = knotMissing() ?? unboundMissing();
if (_missing && process.env.CI === "true") {
  test("Knot and unbound are installed (required under CI=true)", () => assert.fail(_missing));
}

interface _Host {
  host: string;
  policy: string;
  verdict: string;
  because: string[];
  dnssec: { mx: string; addresses: string; tlsa?: string };
}

interface _Doc {
  schema: string;
  mode: string;
  reaches: string[];
  findings: { code: string; severity: string }[];
  delivery: { mxDnssec: string; policyFetched: boolean; hosts: _Host[] };
}

interface _Case {
  domain: string;
  /** host → [policy, verdict] */
  hosts: Record<string, [string, string]>;
  codes: string[];
  absent?: string[];
  exit: number;
}

const _CASES: _Case[] = [
  {
    domain: "good.dane.test",
    hosts: { "mx.good.dane.test": ["dane", "deliver"] },
    codes: ["dane.tlsa-match", "delivery.deliver"],
    absent: ["dane.not-signed", "mx-tls.cert-untrusted", "dane.resolver-remote"],
    exit: 0,
  },
  {
    domain: "ta.dane.test",
    hosts: { "mx.ta.dane.test": ["dane", "deliver"] },
    codes: ["dane.tlsa-match", "delivery.deliver"],
    exit: 0,
  },
  {
    domain: "mismatch.dane.test",
    hosts: { "mx.mismatch.dane.test": ["dane", "defer"] },
    codes: ["dane.tlsa-mismatch", "delivery.defer"],
    exit: 1,
  },
  {
    domain: "unusable.dane.test",
    hosts: { "mx.unusable.dane.test": ["dane", "deliver"] },
    codes: ["dane.tlsa-unusable", "delivery.deliver"],
    exit: 0,
  },
  {
    // A self-signed certificate pinned by DANE-EE: DANE delivers; the Web PKI would not trust it.
    domain: "self.dane.test",
    hosts: { "mx.self.dane.test": ["dane", "deliver"] },
    codes: ["dane.tlsa-match", "mx-tls.cert-untrusted", "delivery.deliver"],
    exit: 0,
  },
  {
    domain: "nostls.dane.test",
    hosts: { "mx.nostls.dane.test": ["dane", "defer"] },
    codes: ["mx-tls.no-starttls", "delivery.defer"],
    exit: 1,
  },
  {
    // The parent's DS matches none of the zone's keys: validation fails, a DANE MTA defers.
    domain: "bogus.dane.test",
    hosts: {},
    codes: ["dane.bogus", "delivery.defer", "domain.dns-error"],
    exit: 1,
  },
  {
    // Unsigned: DANE does not apply; the MTA-STS policy (enforce, *.plain.dane.test) decides.
    domain: "plain.dane.test",
    hosts: {
      "mx1.plain.dane.test": ["mta-sts", "deliver"],
      "mx2.plain.dane.test": ["mta-sts", "defer"],
      "mx3.plain.dane.test": ["mta-sts", "defer"],
      "mx.elsewhere.dane.test": ["mta-sts", "defer"],
    },
    codes: [
      "dane.not-signed",
      "mx-tls.cert-name-mismatch",
      "mx-tls.cert-expired",
      "mta-sts.mx-mismatch",
      "delivery.deliver",
      "delivery.defer",
    ],
    exit: 1,
  },
  {
    // A policy served as text/html is discarded (RFC 8461 §3.2): no policy, opportunistic TLS.
    domain: "html.dane.test",
    hosts: { "mx.html.dane.test": ["opportunistic", "deliver"] },
    codes: ["mta-sts.policy-content-type", "delivery.deliver"],
    exit: 1,
  },
  {
    // testing mode: a certificate for another name is reported, not enforced.
    domain: "testing.dane.test",
    hosts: { "mx.testing.dane.test": ["mta-sts", "deliver"] },
    codes: ["mta-sts.policy-testing", "mx-tls.cert-name-mismatch", "delivery.deliver"],
    absent: ["mx-tls.cert-untrusted"],
    exit: 0,
  },
  {
    // Signed, but no TLSA records (securely denied): DANE does not apply, opportunistic TLS delivers.
    domain: "notlsa.dane.test",
    hosts: { "mx.notlsa.dane.test": ["opportunistic", "deliver"] },
    codes: ["dane.no-tlsa", "delivery.deliver"],
    exit: 0,
  },
  {
    // The MX host's zone fails (SERVFAIL, not a denial): a DANE MTA cannot decide and defers.
    domain: "lookupfail.dane.test",
    hosts: { "mx.broken.dane.test": ["dane", "defer"] },
    codes: ["dane.lookup-failed", "delivery.defer"],
    exit: 1,
  },
  {
    domain: "down.dane.test",
    hosts: { "mx.down.dane.test": ["opportunistic", "unknown"] },
    codes: ["mx-tls.unreachable", "delivery.unknown"],
    exit: 0,
  },
  {
    // Opportunistic senders fall back to cleartext when the STARTTLS handshake fails.
    domain: "badtls.dane.test",
    hosts: { "mx.badtls.dane.test": ["opportunistic", "deliver"] },
    codes: ["mx-tls.handshake-failed", "delivery.deliver"],
    exit: 0,
  },
];

/** Recipient-side codes no loopback bed can produce: a resolver across the network (test/domain/dane.test.ts). */
const _UNIT_ONLY = new Set(["dane.resolver-remote"]);

describe("smtpilot domain --recipient against Knot (signed), unbound (validating) and local MX servers", {
  skip: _missing,
}, () => {
  let bed: DaneBed;
  let ca: string;
  before(async () => {
    bed = await startDaneBed();
    ca = path.join(makeTestDir("smtpilot-dane-"), "ca.pem");
    writeFileSync(ca, bed.caPem);
  });
  after(() => bed?.stop());

  const seen = new Set<string>();
  const run = (domain: string, extra: string[] = ["--fetch-policy"]) =>
    runCli([
      "domain",
      domain,
      "--recipient",
      ...extra,
      ...(extra.includes("--fetch-policy") ? ["--policy-port", String(bed.policyPort)] : []),
      "--mx-port",
      String(bed.mxPort),
      "--ca",
      ca,
      "--resolver",
      bed.resolver,
      "--json",
    ]);

  for (const c of _CASES) {
    test(
      `domain ${c.domain} --recipient: ${
        Object.entries(c.hosts).map(([h, [p, v]]) => `${h} ${v} (${p})`).join(", ") || "no MX to judge"
      }`,
      async () => {
        const r = await run(c.domain);
        const doc = JSON.parse(r.stdout) as _Doc;
        assert.equal(doc.schema, "smtpilot.domain/1");
        assert.equal(doc.mode, "connectivity-probe");
        const got = Object.fromEntries(doc.delivery.hosts.map((h) => [h.host, [h.policy, h.verdict]]));
        assert.deepEqual(got, c.hosts, JSON.stringify(doc.delivery.hosts, null, 1));
        const codes = doc.findings.map((f) => f.code);
        for (const code of codes) seen.add(code);
        for (const want of c.codes) assert.ok(codes.includes(want), `${want} missing from ${codes.join(" ")}`);
        for (const not of c.absent ?? []) assert.ok(!codes.includes(not), `${not} unexpected`);
        assert.equal(r.code, c.exit, r.stderr);
      },
    );
  }

  test("every recipient-side code (dane.*, mx-tls.*, delivery.*) is produced by some scenario", () => {
    const missing = Object.keys(DOMAIN_CODES)
      .filter((c) => /^(dane|mx-tls|delivery)\./.test(c) && !seen.has(c) && !_UNIT_ONLY.has(c));
    assert.deepEqual(missing, []);
  });

  test("the DNSSEC status of each answer is the validating resolver's: secure, insecure, bogus", async () => {
    const good = JSON.parse((await run("good.dane.test")).stdout) as _Doc;
    assert.deepEqual(good.delivery.hosts[0]?.dnssec, { mx: "secure", addresses: "secure", tlsa: "secure" });
    const plain = JSON.parse((await run("plain.dane.test")).stdout) as _Doc;
    assert.equal(plain.delivery.mxDnssec, "insecure");
    const bogus = JSON.parse((await run("bogus.dane.test")).stdout) as _Doc;
    assert.equal(bogus.delivery.mxDnssec, "bogus");
  });

  test("the policy is fetched only with --fetch-policy, and the mode line says which", async () => {
    bed.policyRequests.splice(0);
    const without = await run("plain.dane.test", []);
    assert.equal(bed.policyRequests.length, 0, "no HTTPS request without --fetch-policy");
    const doc = JSON.parse(without.stdout) as _Doc;
    assert.equal(doc.delivery.policyFetched, false);
    assert.ok(!doc.reaches.some((x) => x.startsWith("https:")));
    assert.ok(doc.delivery.hosts.every((h) => h.policy === "opportunistic"));
    assert.ok(doc.findings.some((f) => f.code === "mta-sts.policy-not-fetched"));
    const text = await runCli([
      "domain",
      "plain.dane.test",
      "--recipient",
      "--mx-port",
      String(bed.mxPort),
      "--ca",
      ca,
      "--resolver",
      bed.resolver,
    ]);
    assert.match(text.stdout.split("\n")[0] ?? "", /^Mode: connectivity probe .*no mail.*not fetched/);
    const fetched = await run("plain.dane.test");
    assert.deepEqual(bed.policyRequests, ["mta-sts.plain.dane.test"]);
    assert.ok((JSON.parse(fetched.stdout) as _Doc).reaches.includes("https:mta-sts.plain.dane.test"));
  });
});
