/**
 * Many domains in one run: bounded concurrency, one cache shared by every
 * audit (a name two domains include is asked once), reports handed over as
 * each finishes so a slow domain holds no other, a domain without any DNS
 * answer reported instead of ending the run, and the --from-file lines
 * checked before any lookup.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { auditMany } from "../../core/domain/batch.ts";
import type { DnsClient, DnsResult, RecordOf, RrType } from "../../core/domain/dns.ts";
import { batchEntries } from "../../cli/commands/domain-batch.ts";
import { fakeDns } from "./fake-dns.ts";

const _zone = {
  "a.example": {
    TXT: ["v=spf1 include:_spf.provider.example -all"],
    MX: [{ priority: 10, exchange: "mx.provider.example" }],
  },
  "b.example": {
    TXT: ["v=spf1 include:_spf.provider.example -all"],
    MX: [{ priority: 10, exchange: "mx.provider.example" }],
  },
  "_spf.provider.example": { TXT: ["v=spf1 ip4:192.0.2.0/24 -all"] },
  "mx.provider.example": { A: ["192.0.2.10"] },
};

test("auditMany() shares one cache: what two domains both use is asked once", async () => {
  const dns = fakeDns(_zone);
  const reports: string[] = [];
  const summary = await auditMany(
    [{ domain: "a.example" }, { domain: "b.example" }],
    { only: ["spf", "mx"] },
    dns,
    { concurrency: 2, onReport: (r) => reports.push(r.domain) },
  );
  assert.deepEqual(reports.sort(), ["a.example", "b.example"]);
  const asked = dns.queries.map((q) => `${q.type} ${q.name}`);
  assert.equal(asked.filter((q) => q === "TXT _spf.provider.example").length, 1);
  assert.equal(asked.filter((q) => q === "A mx.provider.example").length, 1);
  assert.equal(summary.queries, new Set(asked).size);
  assert.equal(summary.failed, 0);
});

test("auditMany() hands over every other report while one domain's answers are held", { timeout: 30_000 }, async () => {
  const inner = fakeDns({ ..._zone, "slow.example": { TXT: ["v=spf1 -all"] } });
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const slow: DnsClient = {
    query<T extends RrType>(name: string, type: T): Promise<DnsResult<RecordOf[T]>> {
      return name.endsWith("slow.example") ? gate.then(() => inner.query(name, type)) : inner.query(name, type);
    },
  };
  const order: string[] = [];
  const others = ["a.example", "b.example", "c.example", "d.example"];
  const run = auditMany(
    [{ domain: "slow.example" }, ...others.map((domain) => ({ domain }))],
    { only: ["spf"] },
    slow,
    {
      concurrency: 2,
      onReport: (r) => {
        order.push(r.domain);
        // Every other domain is done while slow.example still waits: then its answers come.
        if (order.length === others.length) release();
      },
    },
  );
  await run;
  assert.deepEqual(order.slice(0, others.length).sort(), others);
  assert.equal(order.at(-1), "slow.example");
});

test("auditMany() reports a domain that got no DNS answer at all and goes on", async () => {
  const dns = fakeDns({
    ..._zone,
    "dead.example": { error: "ETIMEOUT" },
    "_dmarc.dead.example": { error: "ETIMEOUT" },
  });
  const reports = new Map<string, string[]>();
  const summary = await auditMany([{ domain: "dead.example" }, { domain: "a.example" }], { only: ["spf"] }, dns, {
    onReport: (r) => reports.set(r.domain, r.findings.map((f) => f.code)),
  });
  assert.deepEqual(reports.get("dead.example"), ["domain.dns-error"]);
  assert.ok(reports.has("a.example"));
  assert.deepEqual([summary.unanswered, summary.failed], [1, 1]);
});

test("batchEntries() reads domains and JSON replays, drops duplicates and names a bad line", async () => {
  const stdin = Readable.from([
    '# domains\nb.example\n\n{"ip":"192.0.2.1","sender":"@a.example","helo":"mail.a.example"}\nb.example\n',
  ]);
  const entries = await batchEntries(["a.example"], "-", undefined, stdin);
  assert.deepEqual(entries, [
    { domain: "a.example" },
    { domain: "b.example" },
    { domain: "a.example", ip: "192.0.2.1", sender: "@a.example", helo: "mail.a.example" },
  ]);
  for (
    const [bad, line] of [
      ["a.example\nme@b.example\n", 2],
      ['{"domain":"a.example","sender":"x@a.example"}', 1],
      ['{"domain":"a.example","extra":1}', 1],
      ['{"ip":"192.0.2.1","sender":"a@b.example\\r\\nRCPT TO:<x>"}', 1],
      ["[", 1],
    ] as const
  ) {
    await assert.rejects(
      batchEntries([], "-", undefined, Readable.from([bad])),
      (err: { code?: string; message?: string }) =>
        err.code === "E_USAGE" && (err.message ?? "").includes(`line ${line}:`),
      bad,
    );
  }
  await assert.rejects(batchEntries([], "-", undefined, Readable.from(["# nothing\n"])), { code: "E_USAGE" });
});
