// A line is never cut in two: a long one is masked in overlapping windows, so a credential that
// straddles any cut is still masked whole, and text with nothing to mask is written as it came.
// The property tests shrink the windows to a few characters to try every cut; the CLI test puts
// credentials across the 64 KiB cut of the old reader and the 1 MiB switch to windows.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { secretForms } from "../../core/redact.ts";
import { RedactStream } from "../../core/redact/redact-stream.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const dir = makeTestDir("smtpilot-redact-long-");
/** Windows a few characters wide: a 200-character line is cut many times. */
const SMALL = { longLine: 40, overlap: 8, piece: 12 };

/** Streams `text` through a RedactStream in the given chunk sizes (cycled). */
function stream(text: string, chunks: number[], secrets: string[] = [], limits = SMALL): string {
  const s = new RedactStream({ secrets }, limits);
  const bytes = Buffer.from(text, "utf8");
  let out = "";
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = chunks[k % chunks.length] ?? 7;
    out += s.write(bytes.subarray(at, at + size));
    at += size;
  }
  return out + s.end();
}

/** Filler that holds no credential and no form of a secret drawn from SECRET_CHARS. */
const filler = fc.string({ unit: fc.constantFrom("x", "y", "z", " ", ".", ":", "-", "_"), maxLength: 120 });
const SECRET_CHARS = fc.constantFrom(..."QWERTYUIOP0123456789!#&+/é€ ".split(""));
const secret = fc.string({ unit: SECRET_CHARS, minLength: 8, maxLength: 24 });
const chunks = fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 });

test("a --secret form is masked wherever the cuts of a long line fall", () => {
  fc.assert(
    fc.property(secret, filler, filler, filler, chunks, fc.nat(3), (value, a, b, c, sizes, which) => {
      const form = [value, Buffer.from(value).toString("base64"), encodeURIComponent(value), JSON.stringify(value)][
        which
      ] as string;
      const out = stream(`${a}${form}${b}${form}${c}`, sizes, [value]);
      for (const f of secretForms(value)) assert.ok(!out.includes(f), `${f} in ${out}`);
    }),
    { numRuns: 400 },
  );
});

test("password=, Bearer and URL passwords are masked wherever the cuts of a long line fall", () => {
  const value = fc.string({ unit: fc.constantFrom(..."QWERTYUIOP0123456789".split("")), minLength: 8, maxLength: 30 });
  fc.assert(
    fc.property(value, filler, filler, chunks, fc.nat(2), (v, a, b, sizes, which) => {
      const credential = [`password=${v}`, `Authorization: Bearer ${v}`, `smtp://me:${v}@host.example`][which];
      const out = stream(`${a} ${credential} ${b}`, sizes);
      assert.ok(!out.includes(v), `${v} in ${out}`);
    }),
    { numRuns: 400 },
  );
});

test("a long line with nothing to mask is written as it came, whatever the cuts", () => {
  const text = fc.string({ unit: fc.constantFrom("x", "y", "é", "€", " ", ".", "=", "@", "%", "\\"), maxLength: 400 });
  fc.assert(
    fc.property(text, chunks, (t, sizes) => {
      assert.equal(stream(t, sizes), t === "" ? "" : `${t}\n`);
    }),
    { numRuns: 300 },
  );
});

test("smtpilot redact masks a secret and a password= value across the old 64 KiB cut and the 1 MiB switch", async () => {
  const value = "pl41n-v4lue-no-rule-sees";
  const pw = "Zq9xW2vR7tY4uP1s";
  const filler = (n: number) => "abc def ".repeat(Math.ceil(n / 8)).slice(0, n);
  let line = "";
  // Across the 64 KiB cut of the old reader (at several offsets), the 1 MiB switch to windows and later.
  const at = [65_536 - 1, 2 * 65_536 - 5, 3 * 65_536 - 11, 4 * 65_536 - 20, 1_048_576 - 3, 1_310_720 - 9, 2_000_000];
  const pwAt = [5 * 65_536 - 12, 6 * 65_536 - 4, 1_048_576 + 40_000, 2_500_000];
  const inserts = [...at.map((n) => [n, value] as const), ...pwAt.map((n) => [n, ` password=${pw} `] as const)];
  for (const [n, text] of inserts.sort((x, y) => x[0] - y[0])) line += filler(n - line.length) + text;
  line += filler(3_000_000 - line.length);
  const file = path.join(dir, "one-line.log");
  fs.writeFileSync(file, `${line}\nnext line\n`);
  const r = await runCli(["redact", file, "--secret", "env:SMTPILOT_TEST_VALUE"], { SMTPILOT_TEST_VALUE: value });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(value) && !r.stdout.includes(pw));
  assert.ok(!r.stdout.includes(value.slice(0, 12)) && !r.stdout.includes(value.slice(-12)), "half of the secret left");
  const lines = r.stdout.split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[1], "next line");
  assert.equal(lines[0]?.split("<redacted>").length, 12);
});
