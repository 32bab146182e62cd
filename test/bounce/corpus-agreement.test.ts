import { test } from "node:test";
import assert from "node:assert/strict";
import { isReason } from "../../core/bounce/reasons.ts";
import { readManifestCorpus, rowKey } from "./corpus-read.ts";

// Every recipient where bounce's reason differs from what the bounce's own text says, reviewed:
// "file address" → [bounce's reason, why it stands or why it is left]. A new miss fails the test.
const REVIEWED_MISSES: Record<string, [string, string]> = {};

test("the corpus holds at least 400 recipients from at least 40 families, each with a reason of the vocabulary", async () => {
  const { rows } = await readManifestCorpus();
  assert.ok(rows.length >= 400, `${rows.length} recipients`);
  const families = new Set(rows.map((r) => r.family));
  assert.ok(families.size >= 40, `${families.size} families: ${[...families].join(" ")}`);
  for (const r of rows) assert.ok(isReason(r.reason), `${r.file}: ${r.reason}`);
});

test("bounce gives at least 95 % of the corpus's recipients the reason their bounce's text says, every miss reviewed", async () => {
  const { rows, read } = await readManifestCorpus();
  const misses: string[] = [];
  let agreed = 0;
  for (const r of rows) {
    const got = read.get(rowKey(r));
    if (got?.reason === r.reason) {
      agreed++;
      continue;
    }
    const reviewed = REVIEWED_MISSES[rowKey(r)];
    if (!reviewed || reviewed[0] !== (got?.reason ?? "missing")) {
      misses.push(`${rowKey(r)}: want ${r.reason}, got ${got?.reason ?? "missing"} (${got?.reasonRule ?? "-"})`);
    }
  }
  assert.deepEqual(misses, []);
  assert.ok(agreed / rows.length >= 0.95, `${agreed}/${rows.length}`);
});

test("every corpus recipient carries the rule, the evidence and the recommended action that explain it", async () => {
  const { rows, read } = await readManifestCorpus();
  for (const r of rows) {
    const got = read.get(rowKey(r));
    if (!got) continue;
    assert.match(got.reasonRule, /^(?:text|stage|status|code|action|report|header|ses|none)[:\w.-]*/, rowKey(r));
    assert.ok(got.evidence.length > 0, rowKey(r));
    assert.ok(got.recommended.length > 0, rowKey(r));
  }
});
