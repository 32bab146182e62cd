/**
 * Every domain and alignment finding code is documented in the README's
 * tables, with the severity the code reports by default.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ALIGN_CODES } from "../../core/align/align.ts";
import { DOMAIN_CODES } from "../../core/domain/finding.ts";

const _readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

test("every domain and align finding code is in the README with its severity", () => {
  const missing = Object.entries({ ...DOMAIN_CODES, ...ALIGN_CODES })
    .filter(([code, [severity]]) => !_readme.includes(`| \`${code}\` | ${severity} |`))
    .map(([code]) => code);
  assert.deepEqual(missing, []);
  assert.ok(Object.keys(DOMAIN_CODES).length > 60);
});

test("the codes the issue names all exist", () => {
  const named = [
    "spf.none",
    "spf.multiple-records",
    "spf.syntax",
    "spf.lookup-limit",
    "spf.void-lookup-limit",
    "spf.include-loop",
    "spf.include-missing",
    "spf.all-pass",
    "spf.no-all",
    "spf.ptr",
    "dkim.not-found",
    "dkim.key-too-short",
    "dkim.key-weak",
    "dkim.testing",
    "dkim.revoked",
    "dmarc.none",
    "dmarc.policy-none",
    "dmarc.syntax",
    "dmarc.org-fallback",
    "dmarc.rua-unauthorized",
    "mx.none",
    "mx.null",
    "mx.host-unresolved",
    "ptr.missing",
    "ptr.not-confirmed",
    "tls-rpt.none",
    "bimi.needs-enforcing-dmarc",
  ];
  assert.deepEqual(named.filter((c) => !(c in DOMAIN_CODES)), []);
  assert.ok(Object.keys(DOMAIN_CODES).some((c) => c.startsWith("mta-sts.")));
});
