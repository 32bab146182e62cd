/**
 * DMARC: tag checks, the organisational-domain fallback under the Public
 * Suffix List (private section included), and external report
 * authorisation compared by organisational domain.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lookupDmarc, parseDmarc } from "../../core/domain/dmarc.ts";
import { orgDomain } from "../../core/domain/org-domain.ts";
import { fakeDns } from "./fake-dns.ts";

test("orgDomain() uses the Public Suffix List with its private section", () => {
  assert.equal(orgDomain("mail.example.co.uk"), "example.co.uk");
  assert.equal(orgDomain("alice.github.io"), "alice.github.io");
  assert.equal(orgDomain("a.b.example.com."), "example.com");
});

test("parseDmarc() reports invalid tag values and treats a missing p= as none", () => {
  const r = parseDmarc("v=DMARC1; p=maybe; pct=150; adkim=x; rua=https://x", "_dmarc.example.com", "example.com");
  assert.equal(r.p, "none");
  assert.equal(r.problems.length, 4);
  assert.equal(parseDmarc("v=DMARC1; rua=mailto:a@example.com", "n", "example.com").problems.length, 1);
});

test("lookupDmarc() falls back to the organisational domain and applies sp=", async () => {
  const r = await lookupDmarc(
    fakeDns({ "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com"] } }),
    "mail.example.com",
  );
  assert.equal(r.fallback, true);
  assert.equal(r.policy, "quarantine");
  assert.deepEqual(r.findings.map((f) => f.code), ["dmarc.org-fallback"]);
});

test("lookupDmarc() does not fall back across a private suffix (github.io)", async () => {
  const r = await lookupDmarc(fakeDns({ "_dmarc.github.io": { TXT: ["v=DMARC1; p=reject"] } }), "alice.github.io");
  assert.deepEqual(r.findings.map((f) => f.code), ["dmarc.none"]);
});

test("lookupDmarc() checks external report destinations by organisational domain only", async () => {
  const dns = fakeDns({
    "_dmarc.example.com": {
      TXT: [
        "v=DMARC1; p=none; rua=mailto:a@reports.example.com,mailto:b@vendor.net,mailto:c@ok.org; ruf=mailto:f@vendor.net",
      ],
    },
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

test("lookupDmarc() reports two records as dmarc.multiple-records and no policy", async () => {
  const r = await lookupDmarc(
    fakeDns({ "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject", "v=DMARC1; p=none"] } }),
    "example.com",
  );
  assert.deepEqual(r.findings.map((f) => f.code), ["dmarc.multiple-records"]);
  assert.equal(r.policy, undefined);
});
