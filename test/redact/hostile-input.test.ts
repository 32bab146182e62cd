// Hostile lines cost the redactor work in proportion to their length. No timing: the redactor
// counts its steps (each loop counts the characters it looks at), and every regular expression it
// runs has a bounded match length, so no pattern can try a long run again from each position in
// it — the shape that made `'a.' * 32000` take 10 s per line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LineRedactor } from "../../core/redact.ts";
import { AUTH_PATTERNS } from "../../core/redact/auth-rules.ts";
import { CREDENTIAL_PATTERNS } from "../../core/redact/credential-rules.ts";
import { RedactStream } from "../../core/redact/redact-stream.ts";
import { SAMPLE_SECRET } from "./samples.ts";

/** Steps per character allowed: the rules walk each character a bounded number of times. */
const STEPS_PER_CHAR = 24;

/** Lines built to make one rule or another try again and again. */
const HOSTILE: [string, string][] = [
  ["the reported one: a. repeated (key prefixes and URL schemes)", "a.".repeat(32_000)],
  ["a. repeated to 1.3 MB", "a.".repeat(650_000)],
  ["key-like prefixes", "smtp_x.".repeat(40_000)],
  ["key words without a separator", "password ".repeat(40_000)],
  ["key words with unterminated quotes", 'password="'.repeat(40_000)],
  ["key words with single quotes", "pass='".repeat(40_000)],
  ["a key, then blanks and no separator", `password${" ".repeat(400_000)}x`],
  ["values full of &", `password=${"&a".repeat(200_000)}`],
  ["JSON keys without values", '"password":'.repeat(40_000)],
  ["JSON strings left open", '"password":"\\"'.repeat(40_000)],
  ["quotes", '"'.repeat(400_000)],
  ["schemes", "x://".repeat(100_000)],
  ["a scheme and colons", `a://${":".repeat(400_000)}`],
  ["user:pass without @", "a://b:c/".repeat(50_000)],
  ["flags with open quotes", ' -ap "'.repeat(60_000)],
  ["flags without values", " --password".repeat(40_000)],
  ["Bearer", "Bearer ".repeat(60_000)],
  ["AUTH without a mechanism", "AUTH ".repeat(80_000)],
  ["AUTH and blanks", `AUTH${" ".repeat(400_000)}`],
  ["base64 that never ends in padding", `> ${"QUFB".repeat(100_000)}*`],
  ["addresses without a domain", "a@".repeat(200_000)],
  ["labels without a TLD", `a@${"b.".repeat(200_000)}1`],
  ["hyphenated labels", `a@${"b-".repeat(200_000)}`],
  ["dots in a local part", `${"a.".repeat(200_000)}@`],
  ["IP literals left open", "a@[".repeat(100_000)],
  ["AWS-looking runs", `AKIAIOSFODNN7EXAMPLE ${"A".repeat(400_000)}`],
  ["near misses of the secret", SAMPLE_SECRET.slice(0, -1).repeat(40_000)],
  ["percent escapes", "%4".repeat(200_000)],
  ["JSON escapes", "\\u00".repeat(100_000)],
];

for (const [name, line] of HOSTILE) {
  test(`a hostile line (${name}, ${line.length} characters) costs steps in proportion to its length`, () => {
    const r = new LineRedactor({ secrets: [SAMPLE_SECRET], maskAddresses: true });
    r.line("AUTH LOGIN"); // inside an AUTH exchange: the SASL rule runs too
    const before = r.work.steps;
    r.line(line);
    const steps = r.work.steps - before;
    assert.ok(steps <= STEPS_PER_CHAR * line.length + 1000, `${steps} steps for ${line.length} characters`);
  });
}

test("a hostile line with nothing to mask comes out as it went in", () => {
  const r = new LineRedactor({ secrets: [SAMPLE_SECRET], maskAddresses: true });
  for (const line of ["a.".repeat(32_000), "x://".repeat(1000), "a@".repeat(1000), '"'.repeat(1000)]) {
    assert.equal(r.line(line), line);
  }
});

test("a 3 MB line streamed in windows also costs steps in proportion to its length", () => {
  const stream = new RedactStream({ secrets: [SAMPLE_SECRET], maskAddresses: true });
  const line = Buffer.from("a.password=x ".repeat(250_000));
  let out = "";
  for (let i = 0; i < line.length; i += 65_536) out += stream.write(line.subarray(i, i + 65_536));
  out += stream.end();
  assert.ok(stream.redactor.work.steps <= STEPS_PER_CHAR * line.length, `${stream.redactor.work.steps} steps`);
  assert.equal(out.split("\n").length, 2);
});

test("every pattern the redactor runs has a bounded match length (no *, + or {n,} outside a class)", () => {
  for (const re of [...AUTH_PATTERNS, ...CREDENTIAL_PATTERNS]) {
    const outside = re.source.replace(/\\./g, "").replace(/\[[^\]]*\]/g, "");
    assert.doesNotMatch(outside, /[*+]|\{\d+,\}/, re.source);
  }
});
