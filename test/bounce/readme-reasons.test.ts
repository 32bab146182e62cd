import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { REASON_ALIASES, REASON_INFO, REASONS } from "../../core/bounce/reasons.ts";

function section(): string {
  const readme = fs.readFileSync("docs/codes.md", "utf8");
  const start = readme.indexOf("## Bounce reasons");
  return readme.slice(start, readme.indexOf("\n## ", start + 5));
}

test("docs/codes.md's bounce reasons table lists every reason once, with its hard flag and action", () => {
  const rows = [...section().matchAll(/^\| `([a-z]+)` *\| [^|]+ \| *(yes)? *\| `([a-z-]+)` *\|$/gm)];
  assert.deepEqual(rows.map((m) => m[1]), [...REASONS]);
  for (const m of rows) {
    const info = REASON_INFO[m[1] as keyof typeof REASON_INFO];
    assert.equal(m[2] === "yes", info.hard, m[1]);
    assert.equal(m[3], info.recommended, m[1]);
  }
});

test("docs/codes.md maps every older reason name to the one it is now", () => {
  const rows = [...section().matchAll(/^\| `([a-z]+)` *\| `([a-z]+)` *\|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(Object.fromEntries(rows), REASON_ALIASES);
});
