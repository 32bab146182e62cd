// The code catalogues hold every code the sources can report, so the tables generated from them
// (docs/codes.md, by `npm run docs`; test/docs/generated-docs.test.ts keeps the page equal to the data)
// name every code a user can meet: diagnosis and warning codes, send gates, exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DIAGNOSIS_CODES } from "../../core/codes/diagnosis-codes.ts";
import { EXIT_CODE_TABLE } from "../../core/codes/exit-codes.ts";
import * as exit from "../../core/exit.ts";
import { EXIT_CODES } from "../../core/report.ts";
import { GATE_CODES } from "../../core/send/gates.ts";

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

test("the diagnosis-code catalogue (core/codes) holds every diagnosis and warning code core/ uses", () => {
  const catalogue = new Set(DIAGNOSIS_CODES.map((e) => e.code));
  const found = new Map<string, string>();
  for (const file of sources("core")) {
    if (file.includes(`${path.sep}codes${path.sep}`)) continue;
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/["`](dns|tcp|greeting|tls|ehlo|auth|envelope)\.([a-z0-9-]+)["`]/g)) {
      found.set(`${m[1]}.${m[2]}`, file);
    }
  }
  // Read failures are named per layer by core/layers/_failure.ts.
  for (const layer of ["greeting", "tls", "ehlo", "auth", "envelope"]) {
    for (const kind of ["timeout", "protocol-error", "connection-dropped"]) {
      if (layer !== "greeting" || kind !== "connection-dropped") {
        found.set(`${layer}.${kind}`, "core/layers/_failure.ts");
      }
    }
  }
  found.delete("dns.promises"); // the Node API, not a code
  const missing = [...found].filter(([code]) => !catalogue.has(code)).map(([code, file]) => `${code} (${file})`);
  assert.deepEqual(missing, [], "add these to core/codes/diagnosis-codes.ts, then run `npm run docs`");
  assert.ok(found.size > 50);
  assert.equal(catalogue.size, DIAGNOSIS_CODES.length, "a code is catalogued twice");
});

test("every send gate the sources can raise is in GATE_CODES", () => {
  for (const file of sources("core").concat(sources("cli"))) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(/["`](gate\.[a-z-]+)["`]/g)) {
      assert.ok(m[1]! in GATE_CODES, `${m[1]} (${file}) is not in GATE_CODES`);
    }
  }
});

test("the exit-code table names every exit code of core/exit.ts and every layer's", () => {
  const listed = EXIT_CODE_TABLE.flatMap((e) => e.codes);
  // Every EXIT_* constant (a new one included), but the base signals are added to.
  const constants = Object.entries(exit).filter(([name]) => name.startsWith("EXIT_") && name !== "EXIT_SIGNAL_BASE");
  assert.ok(constants.length >= 7);
  for (const [name, code] of constants) assert.ok(listed.includes(code as number), `${name} (${code})`);
  for (const code of Object.values(EXIT_CODES)) assert.ok(listed.includes(code), `exit code ${code}`);
  assert.ok(listed.includes(exit.EXIT_SIGNAL_BASE + 2), "Ctrl-C");
  assert.equal(new Set(listed).size, listed.length, "an exit code listed twice");
});
