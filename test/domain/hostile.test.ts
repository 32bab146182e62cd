/**
 * DNS answers are untrusted input: terminal escapes, NUL bytes, huge
 * records, endless include fan-out. The audit stays bounded, the text
 * report holds no control character, and the JSON document stays valid.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { auditDomain } from "../../core/domain/audit.ts";
import { renderDomainText } from "../../core/reporters/domain-text.ts";
import { fakeDns, type FakeName } from "./fake-dns.ts";

const _ESC = "\u001b[2J\u001b]0;pwned\u0007";

test("auditDomain() shows escape sequences and NUL bytes in records only as visible characters", async () => {
  const dns = fakeDns({
    "example.com": {
      TXT: [`v=spf1 ip4:192.0.2.1 ${_ESC} -all`, `v=spf1 \u0000 -all`],
      MX: [{ priority: 10, exchange: `mx${_ESC}.example.com` }],
    },
    "_dmarc.example.com": { TXT: [`v=DMARC1; p=${_ESC}; rua=mailto:${_ESC}@x.example`] },
    "s1._domainkey.example.com": { TXT: [`v=DKIM1; p=${_ESC}`] },
    "_mta-sts.example.com": { TXT: [`v=STSv1; id=${_ESC}`] },
    "default._bimi.example.com": { TXT: [`v=BIMI1; l=${_ESC}`] },
  });
  const report = await auditDomain({ domain: "example.com", selectors: ["s1"], ip: "192.0.2.1" }, dns);
  const text = renderDomainText(report);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(text.replace(/\n/g, ""), /[\u0000-\u001f\u007f-\u009f]/);
  assert.deepEqual(JSON.parse(JSON.stringify(report)).schema, "smtpilot.domain/1");
  assert.ok(report.findings.some((f) => f.code === "spf.multiple-records"));
});

test("auditDomain() stays bounded on an include tree that fans out without end", async () => {
  const zone: Record<string, FakeName> = {};
  const names = (prefix: string) => Array.from({ length: 10 }, (_x, i) => `${prefix}${i}.example.com`);
  zone["example.com"] = { TXT: [`v=spf1 ${names("a").map((n) => `include:${n}`).join(" ")} -all`] };
  for (const n of names("a")) {
    zone[n] = { TXT: [`v=spf1 ${names(`${n.split(".")[0]}-`).map((x) => `include:${x}`).join(" ")} -all`] };
  }
  for (const n of Object.keys(zone).slice(1)) {
    for (const leaf of names(`${n.split(".")[0]}-`)) zone[leaf] = { TXT: [`v=spf1 include:example.com -all`] };
  }
  const dns = fakeDns(zone);
  const report = await auditDomain({ domain: "example.com", only: ["spf"], ip: "198.51.100.1" }, dns);
  assert.ok(report.findings.some((f) => f.code === "spf.lookup-limit"));
  assert.equal(report.spf?.result, "permerror");
  assert.ok(dns.queries.length < 80, `${dns.queries.length} queries`);
});

test("auditDomain() survives a 60 000-character record and 500 TXT records", async () => {
  const big = `v=spf1 ${"ip4:192.0.2.1 ".repeat(4300)}-all`;
  const many = Array.from({ length: 500 }, (_x, i) => `site-verification=${i}`);
  const report = await auditDomain(
    { domain: "example.com", only: ["spf", "dmarc"] },
    fakeDns({ "example.com": { TXT: [big, ...many] }, "_dmarc.example.com": { TXT: many } }),
  );
  assert.ok(report.findings.some((f) => f.code === "spf.record-too-long"));
  assert.ok(report.findings.some((f) => f.code === "dmarc.none"));
  assert.ok(renderDomainText(report).split("\n").every((l) => l.length <= 410));
});
