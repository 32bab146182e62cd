/**
 * docs/deliverability.md's tables equal the data: every checklist line
 * code and every provider rule (with its date) has its row, and no row
 * names a code or rule the data does not have.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { CHECKLIST_CODES } from "../../core/deliverability/checklist.ts";
import { PROVIDER_RULES } from "../../core/deliverability/provider-rules.ts";

const readme = fs.readFileSync("docs/deliverability.md", "utf8");

test("the deliverability page's checklist table has exactly the checklist's line codes", () => {
  const rows = [...readme.matchAll(/^\| `(canary\.[a-z-]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(rows, Object.keys(CHECKLIST_CODES));
});

test("the deliverability page's provider rule table has every rule with its date, in the data's order", () => {
  const rows = [...readme.matchAll(/^\| `((?:gmail|yahoo|outlook)\.[a-z0-9-]+)` \| [^|]+ \| (\d{4}-\d{2}-\d{2}) \|/gm)]
    .map((m) => [m[1], m[2]]);
  assert.deepEqual(rows, PROVIDER_RULES.map((r) => [r.id, r.since]));
});
