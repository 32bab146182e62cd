import { test } from "node:test";
import assert from "node:assert/strict";
import { describeEnhancedStatus, parseEnhancedStatus, registeredDetails } from "../../core/enhanced-status/describe.ts";
import { IANA_REGISTRY_SOURCE, IANA_SUBJECTS } from "../../core/enhanced-status/iana-registry.ts";

test("describeEnhancedStatus() gives class, subject and detail for 5.7.26", () => {
  const m = describeEnhancedStatus("5.7.26");
  assert.equal(m?.class.code, "5.XXX.YYY");
  assert.equal(m?.subject?.code, "X.7.YYY");
  assert.equal(m?.detail?.code, "X.7.26");
  assert.equal(m?.detail?.reference, "RFC7372");
});

test("the registry data holds every enumerated code from X.0.0 to X.7.30, X.1.10 and X.6.10 included", () => {
  const codes = new Set(registeredDetails().map((e) => e.code));
  for (const c of ["X.0.0", "X.1.10", "X.2.4", "X.3.6", "X.4.7", "X.5.6", "X.6.10", "X.7.29", "X.7.30"]) {
    assert.ok(codes.has(c), c);
  }
  for (let d = 0; d <= 30; d++) assert.ok(codes.has(`X.7.${d}`), `X.7.${d}`);
  assert.equal(codes.size, registeredDetails().length, "no duplicates");
  assert.equal(IANA_SUBJECTS.length, 8);
  assert.match(IANA_REGISTRY_SOURCE.url, /^https:\/\/www\.iana\.org\/assignments\/smtp-enhanced-status-codes\//);
  assert.match(IANA_REGISTRY_SOURCE.lastUpdated, /^\d{4}-\d{2}-\d{2}$/);
});

test("describeEnhancedStatus() explains an unregistered detail by class and subject only", () => {
  const m = describeEnhancedStatus("5.7.606");
  assert.equal(m?.subject?.code, "X.7.YYY");
  assert.equal(m?.detail, undefined);
});

test("describeEnhancedStatus() refuses what is not an enhanced code", () => {
  for (const bad of ["3.1.1", "5.1", "550", "5.1.1.1", "", "x.y.z", "5.1234.1"]) {
    assert.equal(describeEnhancedStatus(bad), undefined, bad);
  }
  assert.deepEqual(parseEnhancedStatus(" 4.02.001 "), { klass: 4, subject: 2, detail: 1 });
});
