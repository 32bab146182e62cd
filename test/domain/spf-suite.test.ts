/**
 * The RFC 7208 conformance suite (openspf.org, release 2014.04), every test
 * of it, through a fake resolver serving its zones. SPF-typed records are
 * served as TXT when a name has no TXT of its own (as the suite's drivers do,
 * RFC 7208 having dropped type 99); TIMEOUT makes a name's other queries fail.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkSpf } from "../../core/domain/spf-check.ts";
import { fakeDns, type FakeName } from "./fake-dns.ts";
import { loadSuite } from "./spf-suite-data.ts";

/** Converts a document's zonedata to a fake zone. */
export function suiteZone(zonedata: Record<string, unknown[]>): Record<string, FakeName> {
  const zone: Record<string, FakeName> = {};
  for (const [name, entries] of Object.entries(zonedata)) {
    const rec: FakeName = {};
    const spf: (string | string[])[] = [];
    let txtNone = false;
    for (const entry of entries) {
      if (entry === "TIMEOUT") {
        rec.timeout = true;
        continue;
      }
      for (const [type, value] of Object.entries(entry as Record<string, unknown>)) {
        if (type === "SPF") spf.push(value as string | string[]);
        else if (type === "TXT") {
          if (value === "NONE") txtNone = true;
          else (rec.TXT ??= []).push(value as string | string[]);
        } else if (type === "MX") {
          const [priority, exchange] = value as [number, string];
          (rec.MX ??= []).push({ priority, exchange });
        } else if (type === "CNAME") rec.CNAME = String(value);
        else if (type === "A" || type === "AAAA" || type === "PTR") (rec[type] ??= []).push(String(value));
        else throw new Error(`unknown record type ${type} at ${name}`);
      }
    }
    if (!rec.TXT && !txtNone && spf.length > 0) rec.TXT = spf;
    zone[name] = rec;
  }
  return zone;
}

const _docs = loadSuite();
let _total = 0;
for (const doc of _docs) {
  const zone = suiteZone(doc.zonedata ?? {});
  for (const [name, t] of Object.entries(doc.tests)) {
    _total++;
    test(`checkSpf() passes RFC 7208 suite test ${name} (${doc.description})`, async () => {
      const dns = fakeDns(zone);
      const r = await checkSpf(
        { ip: t.host, sender: t.mailfrom, helo: t.helo },
        { dns, defaultExplanation: "DEFAULT", receiver: "receiver.test" },
      );
      const expected = Array.isArray(t.result) ? t.result : [t.result];
      assert.ok(
        expected.includes(r.result),
        `${name}: got ${r.result} (${r.problem ?? ""}), expected ${expected.join(" or ")}\n${JSON.stringify(r.trace)}`,
      );
      if (t.explanation !== undefined && r.result === "fail") assert.equal(r.explanation, t.explanation);
    });
  }
}

test("the RFC 7208 suite holds 203 tests, all run above", () => {
  assert.equal(_total, 203);
});
