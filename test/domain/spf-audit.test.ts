/**
 * SPF record syntax and the audit of include trees, scenario in, codes out:
 * lookups counted the way RFC 7208 §4.6.4 counts them, void lookups, loops,
 * missing includes, `all` handling, sizes, and the fixes derived.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { auditSpf, mergeRecords } from "../../core/domain/spf-audit.ts";
import { isSyntaxError, parseSpf } from "../../core/domain/spf-record.ts";
import { fakeDns, type FakeName } from "./fake-dns.ts";

const _codes = async (zone: Record<string, FakeName>, ip?: string) =>
  (await auditSpf(fakeDns(zone), "example.com", ip ? { ip } : undefined)).findings.map((f) => f.code);

test("parseSpf() names the column of a syntax error", () => {
  const r = parseSpf("v=spf1 ip4:192.0.2.1 ipv4:192.0.2.2 -all");
  assert.ok(isSyntaxError(r));
  assert.equal(r.position, 21);
  assert.equal(r.term, "ipv4:192.0.2.2");
});

test("parseSpf() accepts every mechanism, dual CIDR and unknown modifiers", () => {
  const r = parseSpf(
    "v=spf1 a/24//64 mx:mail.example.com/28 ptr ip6:2001:db8::/32 exists:%{i}.x.example.com include:a.example.net moo=cow -all",
  );
  assert.ok(!isSyntaxError(r));
  assert.equal(r.terms.length, 8);
  const a = r.terms[0];
  assert.ok(a?.kind === "mechanism" && a.cidr4 === 24 && a.cidr6 === 64);
});

for (
  const bad of [
    "v=spf1 -all/8",
    "v=spf1 include:",
    "v=spf1 a:foo-bar -all",
    "v=spf1 ip4:192.0.2.1/33",
    "v=spf1 redirect=a.example.com redirect=b.example.com",
    "v=spf1 exists:%{z}.example.com",
    "v=spf1 a:%{c}.example.com",
    "v=spf1 a:example.com\tmx",
  ]
) {
  test(`parseSpf() refuses ${JSON.stringify(bad)}`, () => assert.ok(isSyntaxError(parseSpf(bad))));
}

test("auditSpf() reports spf.lookup-limit for eleven nested includes", async () => {
  const zone: Record<string, FakeName> = { "example.com": { TXT: ["v=spf1 include:i1.example.com -all"] } };
  for (let i = 1; i <= 11; i++) {
    zone[`i${i}.example.com`] = {
      TXT: [i < 11 ? `v=spf1 include:i${i + 1}.example.com -all` : "v=spf1 ip4:192.0.2.1 -all"],
    };
  }
  const r = await auditSpf(fakeDns(zone), "example.com");
  assert.equal(r.lookups, 11);
  assert.ok(r.findings.some((f) => f.code === "spf.lookup-limit"));
});

test("auditSpf() counts ten lookups as near the limit, not over it", async () => {
  const zone: Record<string, FakeName> = {
    "example.com": {
      TXT: [`v=spf1 ${Array.from({ length: 10 }, (_x, i) => `include:i${i}.example.com`).join(" ")} -all`],
    },
  };
  for (let i = 0; i < 10; i++) zone[`i${i}.example.com`] = { TXT: ["v=spf1 ip4:192.0.2.1 -all"] };
  const codes = await _codes(zone);
  assert.ok(codes.includes("spf.lookups-near-limit"));
  assert.ok(!codes.includes("spf.lookup-limit"));
});

test("auditSpf() reports three void a: terms as spf.void-lookup-limit", async () => {
  const codes = await _codes({
    "example.com": { TXT: ["v=spf1 a:v1.example.com a:v2.example.com a:v3.example.com -all"] },
  });
  assert.equal(codes.filter((c) => c === "spf.void-lookup").length, 3);
  assert.ok(codes.includes("spf.void-lookup-limit"));
});

test("auditSpf() reports an include loop and a missing include with their chains", async () => {
  const r = await auditSpf(
    fakeDns({
      "example.com": { TXT: ["v=spf1 include:a.example.net include:gone.example.net -all"] },
      "a.example.net": { TXT: ["v=spf1 include:example.com -all"] },
    }),
    "example.com",
  );
  const loop = r.findings.find((f) => f.code === "spf.include-loop");
  assert.deepEqual(loop?.evidence, ["chain: example.com → a.example.net → example.com"]);
  assert.ok(r.findings.some((f) => f.code === "spf.include-missing"));
});

test("auditSpf() derives the fix for +all, ?all, no all and ptr", async () => {
  const plus = await auditSpf(fakeDns({ "example.com": { TXT: ["v=spf1 mx +all"] } }), "example.com");
  assert.equal(plus.findings.find((f) => f.code === "spf.all-pass")?.fix, 'example.com. IN TXT "v=spf1 mx ~all"');
  const none = await auditSpf(fakeDns({ "example.com": { TXT: ["v=spf1 mx"] } }), "example.com");
  assert.equal(none.findings.find((f) => f.code === "spf.no-all")?.fix, 'example.com. IN TXT "v=spf1 mx ~all"');
  const ptr = await auditSpf(fakeDns({ "example.com": { TXT: ["v=spf1 ptr ?all"] } }), "example.com");
  assert.ok(ptr.findings.some((f) => f.code === "spf.all-neutral"));
  assert.equal(ptr.findings.find((f) => f.code === "spf.ptr")?.fix, 'example.com. IN TXT "v=spf1 ?all"');
});

test("auditSpf() reports spf.multiple-records with a merged record as the fix", async () => {
  const r = await auditSpf(
    fakeDns({
      "example.com": {
        TXT: ["v=spf1 ip4:192.0.2.1 -all", "v=spf1 include:_spf.example.net ~all", "google-site-verification=x"],
      },
    }),
    "example.com",
  );
  const f = r.findings.find((x) => x.code === "spf.multiple-records");
  assert.equal(f?.fix, 'example.com. IN TXT "v=spf1 ip4:192.0.2.1 include:_spf.example.net -all"');
  assert.equal(mergeRecords(["v=spf1 a", "v=spf1 a mx"]), "v=spf1 a mx ~all");
});

test("auditSpf() reports spf.none when no TXT record starts with v=spf1", async () => {
  assert.deepEqual(await _codes({ "example.com": { TXT: ["v=spf10 -all"] } }), ["spf.none"]);
});

test("auditSpf() splits a fix longer than 255 characters into strings", async () => {
  const ips = Array.from({ length: 40 }, (_x, i) => `ip4:198.51.100.${i}`).join(" ");
  const r = await auditSpf(
    fakeDns({ "example.com": { TXT: [[`v=spf1 ${ips.slice(0, 200)}`, `${ips.slice(200)} +all`]] } }),
    "example.com",
  );
  assert.ok(r.findings.some((f) => f.code === "spf.record-too-long"));
  const fix = r.findings.find((f) => f.code === "spf.all-pass")?.fix ?? "";
  assert.match(fix, /^example\.com\. IN TXT "[^"]{255}" "/);
});

test("auditSpf() with an IP reports pass, fail and permerror as codes, with the trace", async () => {
  const zone = { "example.com": { TXT: ["v=spf1 ip4:192.0.2.0/24 -all"] } };
  assert.ok((await _codes(zone, "192.0.2.9")).includes("spf.ip-authorized"));
  const fail = await auditSpf(fakeDns(zone), "example.com", { ip: "198.51.100.1" });
  assert.ok(fail.findings.some((f) => f.code === "spf.ip-not-authorized" && f.severity === "error"));
  assert.equal(fail.check?.trace.at(-1)?.term, "-all");
  const soft = await auditSpf(fakeDns({ "example.com": { TXT: ["v=spf1 ~all"] } }), "example.com", {
    ip: "198.51.100.1",
  });
  assert.ok(soft.findings.some((f) => f.code === "spf.ip-not-authorized" && f.severity === "warning"));
  assert.ok(
    (await _codes({ "example.com": { TXT: ["v=spf1 a:%{q}.x -all"] } }, "192.0.2.1")).includes("spf.permerror"),
  );
});

test("auditSpf() counts a: hosts with only AAAA records as void for IPv4 senders, without --ip", async () => {
  const zone = {
    "example.com": { TXT: ["v=spf1 a:v6a.example.com a:v6b.example.com a:v6c.example.com ip4:192.0.2.1 -all"] },
    "v6a.example.com": { AAAA: ["2001:db8::1"] },
    "v6b.example.com": { AAAA: ["2001:db8::2"] },
    "v6c.example.com": { AAAA: ["2001:db8::3"] },
  };
  const r = await auditSpf(fakeDns(zone), "example.com");
  assert.deepEqual(r.findings.map((f) => f.code), [
    "spf.void-lookup",
    "spf.void-lookup",
    "spf.void-lookup",
    "spf.void-lookup-limit",
  ]);
  assert.equal(r.voidLookups, 3);
  // …which is exactly what a receiver evaluating for an IPv4 client concludes.
  const checked = await auditSpf(fakeDns(zone), "example.com", { ip: "198.51.100.9" });
  assert.equal(checked.check?.result, "permerror");
});
