/**
 * DMARC under RFC 9989 — tag checks, the DNS tree walk, the policy that
 * applies (p, sp, np, test mode), report destinations — and where a
 * receiver still on RFC 7489 decides differently (Public Suffix List
 * organisational domain, pct=, no np=/t=/psd=).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { walkTargets } from "../../core/domain/dmarc-discovery.ts";
import { lookupDmarc, parseDmarc } from "../../core/domain/dmarc.ts";
import { orgDomain } from "../../core/domain/org-domain.ts";
import { fakeDns, type FakeName } from "./fake-dns.ts";

const _mx = { MX: [{ priority: 10, exchange: "mx.example.net" }] };

test("orgDomain() uses the Public Suffix List with its private section (what RFC 7489 receivers do)", () => {
  assert.equal(orgDomain("mail.example.co.uk"), "example.co.uk");
  assert.equal(orgDomain("alice.github.io"), "alice.github.io");
  assert.equal(orgDomain("a.b.example.com."), "example.com");
});

test("parseDmarc() reports every invalid tag value: p, sp, np, pct, adkim, t, psd, fo, rf, ri, rua", () => {
  const bad = parseDmarc(
    "v=DMARC1; p=maybe; sp=x; np=y; pct=150; adkim=x; t=maybe; psd=perhaps; fo=2:d; rf=xml; ri=-1; rua=https://x",
    "_dmarc.example.com",
    "example.com",
  );
  assert.equal(bad.problems.length, 11, bad.problems.join("\n"));
  const good = parseDmarc(
    "v=DMARC1; p=reject; np=reject; t=n; psd=n; fo=0:1:d:s; rf=afrf; ri=86400; rua=mailto:d@example.com!10m",
    "n",
    "example.com",
  );
  assert.deepEqual(good.problems, []);
  assert.deepEqual(good.removed, ["rf", "ri"]);
  assert.equal(good.sizeLimits.length, 1);
  // RFC 9989: no p= is p=none, not an error.
  const monitoring = parseDmarc("v=DMARC1; rua=mailto:a@example.com", "n", "example.com");
  assert.deepEqual([monitoring.p, monitoring.pMissing, monitoring.problems.length], ["none", true, 0]);
});

test("walkTargets() walks one label at a time, first dropping a long name to 7 labels, at most 8 names", () => {
  assert.deepEqual(walkTargets("mail.example.com"), ["mail.example.com", "example.com", "com"]);
  const long = walkTargets("a.b.c.d.e.f.g.h.i.example.com");
  assert.equal(long.length, 8);
  assert.equal(long[1], "e.f.g.h.i.example.com");
  assert.equal(long.at(-1), "com");
});

interface _Case {
  what: string;
  domain: string;
  zone: Record<string, FakeName>;
  policy?: string;
  codes: string[];
  rfc7489?: { policy?: string; where?: string };
  orgDomain?: string;
}

const _CASES: _Case[] = [
  {
    what: "a parent's sp= applies to a subdomain",
    domain: "mail.example.com",
    zone: { "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com"] } },
    policy: "quarantine",
    codes: ["dmarc.org-fallback", "dmarc.report-domain-missing"],
  },
  {
    what: "no false alarm: the organisation's p=none does not apply to a subdomain its sp=reject protects",
    domain: "shop.example.com",
    zone: {
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=none; sp=reject; rua=mailto:d@example.com"] },
      "example.com": _mx,
    },
    policy: "reject",
    codes: ["dmarc.org-fallback"],
  },
  {
    what: "the tree walk finds github.io's record, which RFC 7489's PSL (private section) never reaches",
    domain: "alice.github.io",
    zone: { "_dmarc.github.io": { TXT: ["v=DMARC1; p=reject"] } },
    policy: "reject",
    codes: ["dmarc.org-fallback", "dmarc.no-rua", "dmarc.rfc7489-differs"],
    rfc7489: {},
    orgDomain: "github.io",
  },
  {
    what: "an intermediate level's record applies under RFC 9989; RFC 7489 skips to the organisational domain",
    domain: "a.mail.example.com",
    zone: {
      "_dmarc.mail.example.com": { TXT: ["v=DMARC1; p=reject; rua=mailto:d@example.com"] },
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=none; rua=mailto:d@example.com"] },
      "example.com": _mx,
    },
    policy: "reject",
    codes: ["dmarc.org-fallback", "dmarc.rfc7489-differs"],
    rfc7489: { policy: "none", where: "_dmarc.example.com" },
    orgDomain: "example.com",
  },
  {
    what: "pct=50 is sampled by RFC 7489 receivers and ignored by RFC 9989 ones",
    domain: "example.com",
    zone: {
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; pct=50; rua=mailto:d@example.com"] },
      "example.com": _mx,
    },
    policy: "reject",
    codes: ["dmarc.pct-partial", "dmarc.rfc7489-differs"],
    rfc7489: { policy: "reject", where: "_dmarc.example.com" },
  },
  {
    what: "t=y: RFC 9989 receivers apply one level less; RFC 7489 ones apply the policy",
    domain: "example.com",
    zone: { "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; t=y; rua=mailto:d@example.com"] }, "example.com": _mx },
    policy: "quarantine",
    codes: ["dmarc.test-mode", "dmarc.rfc7489-differs"],
    rfc7489: { policy: "reject" },
  },
  {
    what: "np= applies to a subdomain that does not exist; RFC 7489 receivers apply sp=",
    domain: "ghost.example.com",
    zone: {
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; sp=none; np=reject; rua=mailto:d@example.com"] },
      "example.com": _mx,
    },
    policy: "reject",
    codes: ["dmarc.org-fallback", "dmarc.rfc7489-differs"],
    rfc7489: { policy: "none" },
  },
  {
    what: "a public suffix's psd=y record: its policy applies, and the organisational domain is the level below",
    domain: "www.example.bank",
    zone: { "_dmarc.bank": { TXT: ["v=DMARC1; p=reject; psd=y; rua=mailto:d@nic.bank"] }, "nic.bank": _mx },
    policy: "reject",
    codes: ["dmarc.org-fallback", "dmarc.rfc7489-differs"],
    orgDomain: "example.bank",
  },
  {
    what: "psd=n marks the organisational domain, whatever is published above it",
    domain: "www.example.com",
    zone: {
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; psd=n; rua=mailto:d@example.com"] },
      "_dmarc.com": { TXT: ["v=DMARC1; p=none; psd=y"] },
      "example.com": _mx,
    },
    policy: "reject",
    codes: ["dmarc.org-fallback"],
    orgDomain: "example.com",
  },
  {
    what: "two records at the domain are discarded; the walk goes on to the parent",
    domain: "mail.example.com",
    zone: {
      "_dmarc.mail.example.com": { TXT: ["v=DMARC1; p=reject", "v=DMARC1; p=none"] },
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=quarantine; rua=mailto:d@example.com"] },
      "example.com": _mx,
    },
    policy: "quarantine",
    codes: ["dmarc.multiple-records", "dmarc.org-fallback"],
  },
  {
    what: "rf= and ri= are removed by RFC 9989; a missing report domain is reported",
    domain: "example.com",
    zone: { "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; rf=afrf; ri=3600; rua=mailto:d@gone.example"] } },
    policy: "reject",
    codes: ["dmarc.removed-tag", "dmarc.removed-tag", "dmarc.report-domain-missing"],
  },
  {
    what: "a missing p= is p=none under RFC 9989 and a discarded record under RFC 7489 (no rua=)",
    domain: "example.com",
    zone: { "_dmarc.example.com": { TXT: ["v=DMARC1; sp=reject"] } },
    policy: "none",
    codes: ["dmarc.policy-none", "dmarc.no-rua", "dmarc.rfc7489-differs"],
    rfc7489: { policy: "ignored" },
  },
];

for (const c of _CASES) {
  test(`lookupDmarc(): ${c.what}`, async () => {
    const r = await lookupDmarc(fakeDns(c.zone), c.domain);
    assert.deepEqual(r.findings.map((f) => f.code).sort(), [...c.codes].sort(), JSON.stringify(r.findings, null, 1));
    assert.equal(r.policy, c.policy);
    if (c.rfc7489?.policy !== undefined) assert.equal(r.rfc7489?.policy, c.rfc7489.policy);
    if (c.rfc7489?.where !== undefined) assert.equal(r.rfc7489?.where, c.rfc7489.where);
    if (c.orgDomain !== undefined) assert.equal(r.discovery?.orgDomain, c.orgDomain);
  });
}

test("lookupDmarc() checks external report destinations by the organisational domain", async () => {
  const dns = fakeDns({
    "_dmarc.example.com": {
      TXT: [
        "v=DMARC1; p=none; rua=mailto:a@reports.example.com,mailto:b@vendor.net,mailto:c@ok.org; ruf=mailto:f@vendor.net",
      ],
    },
    "reports.example.com": _mx,
    "vendor.net": _mx,
    "ok.org": _mx,
    "example.com._report._dmarc.ok.org": { TXT: ["v=DMARC1"] },
  });
  const r = await lookupDmarc(dns, "example.com");
  const codes = r.findings.map((f) => f.code);
  assert.deepEqual(codes.sort(), ["dmarc.policy-none", "dmarc.rua-unauthorized", "dmarc.rua-unauthorized"]);
  assert.ok(!dns.queries.some((q) => q.name.endsWith("._report._dmarc.reports.example.com")));
  assert.equal(
    r.findings.find((f) => f.code === "dmarc.policy-none")?.fix,
    '_dmarc.example.com. IN TXT "v=DMARC1; p=quarantine; rua=mailto:a@reports.example.com,mailto:b@vendor.net,mailto:c@ok.org; ruf=mailto:f@vendor.net"',
  );
});

test("lookupDmarc() is a temporary error when a level below the record fails, and not when one above does", async () => {
  const down = await lookupDmarc(
    fakeDns({
      "_dmarc.mail.example.com": { error: "ETIMEOUT" },
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject"] },
    }),
    "mail.example.com",
  );
  assert.equal(down.error, "ETIMEOUT");
  assert.deepEqual(down.findings.map((f) => f.code), ["domain.dns-error"]);
  const above = await lookupDmarc(
    fakeDns({
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; rua=mailto:d@example.com"] },
      "_dmarc.com": { error: "ESERVFAIL" },
      "example.com": _mx,
    }),
    "example.com",
  );
  assert.equal(above.error, undefined);
  assert.equal(above.policy, "reject");
});
