// `--secret` masks the value in every spelling an encoder gives it: base64 and base64url (also
// inside an AUTH PLAIN or XOAUTH2 payload, at every byte offset, outside any AUTH line), hex,
// URL encoding with %xx in either case and + for a space, and JSON with short escapes, \/ and
// \uXXXX escapes in either case (Python's ensure_ascii, PHP's slashes), or any mix of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { makeRedactor, secretForms } from "../../core/redact.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const dir = makeTestDir("smtpilot-redact-forms-");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");
const pctLower = (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (x) => x.toLowerCase());
const pctAll = (s: string) => [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const units = (s: string) => Array.from({ length: s.length }, (_x, i) => s.charCodeAt(i).toString(16).padStart(4, "0"));
/** JSON as Python's json.dumps writes it (ensure_ascii): non-ASCII as lower-case \u escapes. */
const jsonAscii = (s: string) =>
  JSON.stringify(s).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${units(c).join("\\u")}`);
/** Every character as an upper-case \u escape. */
const jsonAllUpper = (s: string) => units(s).map((u) => `\\u${u.toUpperCase()}`).join("");
/** PHP's json_encode: `/` as `\/`. */
const jsonSlashes = (s: string) => JSON.stringify(s).slice(1, -1).replace(/\//g, "\\/");

/** Each encoding of `v` that the tests put in a log. */
function encodings(v: string): string[] {
  return [
    v,
    b64(v),
    b64url(v),
    hex(v),
    hex(v).toUpperCase(),
    encodeURIComponent(v),
    pctLower(v),
    pctAll(v),
    new URLSearchParams({ q: v }).toString().slice(2),
    JSON.stringify(v).slice(1, -1),
    jsonAscii(v),
    jsonAllUpper(v),
    jsonSlashes(v),
  ];
}

const VALUE = 'Pä$s+wörd/€ x"q\\z😀1';

test("smtpilot redact --secret masks base64url, lower-case %xx, form encoding and \\u-escaped JSON of the value", async () => {
  const lines = encodings(VALUE).map((e, i) => `line ${i}: before ${e} after`);
  // AUTH PLAIN, LOGIN and XOAUTH2 payloads outside any AUTH line (a debug dump), at every offset mod 3.
  for (const user of ["me", "mee", "meee"]) {
    lines.push(`dump ${b64(`\0${user}@example.com\0${VALUE}`)} end`);
    lines.push(`dump ${b64(`user=${user}@example.com\x01auth=Bearer ${VALUE}\x01\x01`)} end`);
  }
  lines.push("AUTH LOGIN", "334 UGFzc3dvcmQ6", b64(VALUE), "235 2.7.0 Accepted");
  const file = path.join(dir, "forms.log");
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  const r = await runCli(["redact", file, "--secret", "env:SMTPILOT_TEST_VALUE"], { SMTPILOT_TEST_VALUE: VALUE });
  assert.equal(r.code, 0, r.stderr);
  for (const form of [...secretForms(VALUE), ...encodings(VALUE)]) {
    assert.ok(!r.stdout.includes(form), `${JSON.stringify(form)} survived in:\n${r.stdout}`);
  }
  const out = r.stdout.split("\n");
  // The text around each value is kept: only the value is replaced.
  encodings(VALUE).forEach((_e, i) => assert.equal(out[i], `line ${i}: before <redacted> after`));
  assert.match(r.stdout, /^dump \S*<redacted>\S* end$/m);
});

test("makeRedactor() masks every encoding of any secret, also mixed into one another", () => {
  const value = fc.string({ unit: "grapheme", minLength: 6, maxLength: 20 });
  // Not after a lone backslash: in JSON that would escape the encoding's own first backslash.
  const text = fc.string({ maxLength: 8 }).filter((s) => !s.endsWith("\\"));
  fc.assert(
    fc.property(value, fc.nat(12), text, (v, which, around) => {
      const encoded = encodings(v)[which] as string;
      const out = makeRedactor([v])(`${around}${encoded}${around}`);
      assert.ok(!out.includes(encoded), `${JSON.stringify(encoded)} in ${JSON.stringify(out)}`);
    }),
    { numRuns: 500 },
  );
  // A mix of escapes no single encoder writes: half %xx, half raw.
  const mixed = `${encodeURIComponent(VALUE.slice(0, 8))}${VALUE.slice(8)}`;
  assert.equal(makeRedactor([VALUE])(`a ${mixed} b`), "a <redacted> b");
});
