import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { EXIT_CODES } from "../../core/report.ts";

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const readme = fs.readFileSync("README.md", "utf8");

test("every diagnosis and warning code in core/ is documented in the README", () => {
  const found = new Set<string>();
  for (const file of sources("core")) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/["`](dns|tcp|greeting|tls|ehlo|auth|envelope)\.([a-z0-9-]+)["`]/g)) {
      found.add(`${m[1]}.${m[2]}`);
    }
  }
  // Read failures are named per layer by core/layers/_failure.ts.
  for (const layer of ["greeting", "tls", "ehlo", "auth", "envelope"]) {
    for (const kind of ["timeout", "protocol-error", "connection-dropped"]) {
      if (layer !== "greeting" || kind !== "connection-dropped") found.add(`${layer}.${kind}`);
    }
  }
  found.delete("dns.promises"); // the Node API, not a code
  const missing = [...found].filter((code) => !readme.includes(`\`${code}\``));
  assert.deepEqual(missing, []);
  assert.ok(found.size > 50);
});

test("the README's exit code table matches the code", () => {
  for (const [layer, code] of Object.entries(EXIT_CODES)) {
    assert.match(readme, new RegExp(`\\| ${code} \\| failed at ${layer} \\|`));
  }
});

test("every send gate code is in the README's gate table", async () => {
  const { GATE_CODES } = await import("../../core/send/gates.ts");
  for (const code of Object.keys(GATE_CODES)) {
    assert.match(readme, new RegExp(`\\| \`${code.replace(".", "\\.")}\` \\|`));
  }
  // …and every gate the code can raise is in GATE_CODES.
  for (const file of sources("core").concat(sources("cli"))) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(/["`](gate\.[a-z-]+)["`]/g)) {
      assert.ok(m[1]! in GATE_CODES, `${m[1]} (${file}) is not in GATE_CODES`);
    }
  }
});

test("the diagnosis-code catalogue (core/codes) holds every code the layers use, as the README's tables say", async () => {
  const { DIAGNOSIS_CODES } = await import("../../core/codes/diagnosis-codes.ts");
  const catalogue = new Map(DIAGNOSIS_CODES.map((e) => [e.code, e.meaning]));
  for (const file of sources("core")) {
    if (file.includes(`${path.sep}codes${path.sep}`)) continue;
    for (
      const m of fs.readFileSync(file, "utf8").matchAll(
        /["`](dns|tcp|greeting|tls|ehlo|auth|envelope)\.([a-z0-9-]+)["`]/g,
      )
    ) {
      const code = `${m[1]}.${m[2]}`;
      if (code !== "dns.promises") {
        assert.ok(catalogue.has(code), `${code} (${file}) is not in core/codes/diagnosis-codes.ts`);
      }
    }
  }
  const section = readme.slice(readme.indexOf("## Diagnosis codes"), readme.indexOf("## Domain findings"));
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\| (`[^|]+`) \| (.+) \|$/gm)) {
    for (const c of m[1]!.matchAll(/`([a-z]+\.[a-z0-9-]+)`/g)) rows.set(c[1]!, m[2]!.trim());
  }
  assert.deepEqual(rows, catalogue);
});
