/**
 * The per-run cache: each (name, type) reaches the resolver once, however
 * many checks ask and however concurrently; a full audit proves it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { auditDomain } from "../../core/domain/audit.ts";
import { cachedDns, type DnsClient, type DnsResult } from "../../core/domain/dns.ts";
import { fakeDns } from "./fake-dns.ts";

test("cachedDns() asks once for concurrent and repeated queries, names compared case-insensitively", async () => {
  let asked = 0;
  const slow: DnsClient = {
    query: <T>() => {
      asked++;
      return new Promise<DnsResult<T>>((r) => setTimeout(() => r({ status: "nodata" }), 10));
    },
  };
  const dns = cachedDns(slow);
  await Promise.all([
    dns.query("Example.COM", "TXT"),
    dns.query("example.com.", "TXT"),
    dns.query("example.com", "TXT"),
  ]);
  await dns.query("example.com", "TXT");
  await dns.query("example.com", "MX");
  assert.equal(asked, 2);
  assert.deepEqual(dns.log.map((q) => `${q.type} ${q.name}`), ["TXT example.com", "MX example.com"]);
});

test("cachedDns() turns a thrown resolver error into an error answer", async () => {
  const dns = cachedDns({ query: () => Promise.reject(Object.assign(new Error("x"), { code: "ETIMEOUT" })) });
  assert.deepEqual(await dns.query("example.com", "A"), { status: "error", code: "ETIMEOUT" });
});

test("auditDomain() makes no query twice although SPF, MX, DMARC and BIMI share names", async () => {
  const dns = fakeDns({
    "example.com": {
      TXT: ["v=spf1 a mx include:_spf.example.com include:_spf.example.com -all"],
      MX: [{ priority: 10, exchange: "mx.example.com" }],
      A: ["192.0.2.1"],
    },
    "_spf.example.com": { TXT: ["v=spf1 a:mx.example.com mx:example.com -all"] },
    "mx.example.com": { A: ["192.0.2.2"] },
    "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; rua=mailto:d@example.com"] },
    "default._bimi.example.com": { TXT: ["v=BIMI1; l=https://example.com/l.svg; a=https://example.com/a.pem"] },
    "2.2.0.192.in-addr.arpa": { PTR: ["mx.example.com"] },
  });
  const report = await auditDomain({ domain: "example.com", ip: "192.0.2.2", sender: "a@example.com" }, dns);
  const keys = dns.queries.map((q) => `${q.type} ${q.name}`);
  assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
  assert.equal(report.dns.queries, keys.length);
  assert.equal(report.spf?.result, "pass");
  assert.ok(report.findings.some((f) => f.code === "ptr.confirmed"));
});
