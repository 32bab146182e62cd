// The doctor's codes: every code core/doctor can report is in the catalogue (core/codes/doctor-codes.ts),
// and the README's "Doctor findings" table says what the catalogue says, row for row.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DOCTOR_CODES } from "../../core/codes/doctor-codes.ts";

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

test("every doctor code the sources use is in the catalogue, and every catalogued code is used", () => {
  const used = new Set<string>();
  for (const file of [...sources("core/doctor"), ...sources("cli/commands")]) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(/["`](doctor\.[a-z0-9-]+)["`]/g)) used.add(m[1] as string);
  }
  const catalogued = new Set(DOCTOR_CODES.map((c) => c.code));
  assert.deepEqual([...used].filter((c) => !catalogued.has(c)), []);
  assert.deepEqual([...catalogued].filter((c) => !used.has(c)), []);
});

test("the README's Doctor findings table is the catalogue", () => {
  const readme = fs.readFileSync("README.md", "utf8");
  const start = readme.indexOf("#### Doctor findings");
  assert.ok(start > 0, "README has a Doctor findings section");
  const section = readme.slice(start, readme.indexOf("\n### ", start));
  const rows = [...section.matchAll(/^\| `(doctor\.[a-z0-9-]+)` \| (error|warning|info) \| (.+) \|$/gm)].map((m) => ({
    code: m[1],
    severity: m[2],
    meaning: m[3],
  }));
  assert.deepEqual(rows, DOCTOR_CODES.map((c) => ({ ...c })));
});

test("the README's doctor sample is a real run's output, not a placeholder", () => {
  const readme = fs.readFileSync("README.md", "utf8");
  assert.ok(!readme.includes("DOCTOR_SAMPLE"));
});
