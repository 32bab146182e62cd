// dotenv:FILE#KEY reads the file as the `dotenv` npm package does (the loader of most Node
// applications, so the secret is the one the application gets): a leading BOM, backslashes in
// double quotes and multi-line values included. Where the package would skip a line or guess, the
// read stops with E_SECRET_DOTENV_INVALID naming the line, never its text.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import fc from "fast-check";
import { DotenvSyntaxError, parseDotenv } from "../../core/dotenv.ts";
import { parseSecretRef, resolveSecret } from "../../core/secrets.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const dir = makeTestDir("smtpilot-dotenv-");
const read = (text: string) => Object.fromEntries(parseDotenv(text));

test("a leading byte-order mark does not hide the first key", () => {
  assert.deepEqual(read("\uFEFFSMTP_PW=first\nOTHER=2\n"), { SMTP_PW: "first", OTHER: "2" });
});

test("backslashes in double quotes are kept as the dotenv package keeps them: only \\n and \\r expand", () => {
  const env = read('TAB="a\\tb"\nBACKSLASH="c\\\\d"\nNL="e\\nf"\nQUOTE="g\\"h"\nSINGLE=\'i\\nj\'\n');
  assert.equal(env.TAB, "a\\tb");
  assert.equal(env.BACKSLASH, "c\\\\d");
  assert.equal(env.NL, "e\nf");
  assert.equal(env.QUOTE, 'g\\"h');
  assert.equal(env.SINGLE, "i\\nj");
});

test("a quoted value may span lines; lines after it are numbered right", () => {
  const text = 'KEY="-----BEGIN KEY-----\nabc\n-----END KEY-----"\nNEXT=1\nbroken line\n';
  assert.equal(
    parseDotenv(text.replace("broken line\n", "")).get("KEY"),
    "-----BEGIN KEY-----\nabc\n-----END KEY-----",
  );
  assert.throws(() => parseDotenv(text), (e: DotenvSyntaxError) => e.line === 5);
});

for (
  const [name, text, line] of [
    ["an unterminated double quote", 'A=1\nSMTP_PW="hunter2-secret\nB=2\n', 2],
    ["an unterminated single quote", "SMTP_PW='hunter2-secret\n", 1],
    ["text after the closing quote", 'A=1\n\nSMTP_PW="hunter2" secret\n', 3],
    ["a line that is not KEY=value", "A=1\nhunter2-secret\n", 2],
    ["a key with a blank in it", "SMTP PW=hunter2-secret\n", 1],
    ["a colon without a blank after it", "SMTP_PW:hunter2-secret\n", 1],
  ] as const
) {
  test(`${name} is E_SECRET_DOTENV_INVALID (exit 3) naming line ${line}, never the text`, async () => {
    assert.throws(() => parseDotenv(text), (e: DotenvSyntaxError) => e.line === line);
    const file = path.join(dir, `${name.replace(/\W+/g, "-")}.env`);
    fs.writeFileSync(file, text);
    await assert.rejects(
      resolveSecret(parseSecretRef(`dotenv:${file}#SMTP_PW`)),
      (err: Error & { code?: string; exitCode?: number }) => {
        assert.equal(err.code, "E_SECRET_DOTENV_INVALID");
        assert.equal(err.exitCode, 3);
        assert.match(err.message, new RegExp(`line ${line}\\b`));
        assert.ok(!err.message.includes("hunter2"), err.message);
        return true;
      },
    );
  });
}

test("smtpilot redact --secret dotenv:FILE#KEY with a BOM file masks the first key's value", async () => {
  const file = path.join(dir, "bom.env");
  fs.writeFileSync(file, "\uFEFFSMTP_PW=Bom-first-key-value\r\nOTHER=x\r\n");
  const log = path.join(dir, "bom.log");
  fs.writeFileSync(log, "password was Bom-first-key-value\n");
  const r = await runCli(["redact", log, "--secret", `dotenv:${file}#SMTP_PW`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "password was <redacted>\n");
});

/** A random well-formed dotenv file: the kinds of line people write. */
const dotenvFile = (() => {
  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/);
  const plain = fc.string({ unit: fc.constantFrom(..."abcXYZ019 !$%&*+-./:;<=>?@[]^_{|}~é€\\".split("")) });
  const bare = plain.map((s) => s.replace(/^[\s]+/, ""));
  const quoted = (q: string) =>
    fc.array(fc.oneof(plain, fc.constantFrom("\\n", "\\r", "\\t", "\\\\", "\n", "#", "'", '"', "`")), {
      maxLength: 6,
    }).map((parts) => q + parts.join("").replaceAll(q, "") + q);
  const value = fc.oneof(bare, quoted("'"), quoted('"'), quoted("`"));
  const sep = fc.constantFrom("=", " = ", "=  ", ": ");
  const comment = fc.constantFrom("", " # a comment", "  #x");
  const entry = fc.tuple(fc.constantFrom("", "export "), key, sep, value, comment).map(([e, k, s, v, c]) =>
    `${e}${k}${s}${v}${v.startsWith("'") || v.startsWith('"') || v.startsWith("`") || c === "" ? c : ""}`
  );
  const line = fc.oneof({ weight: 5, arbitrary: entry }, fc.constantFrom("", "# comment", "   "));
  return fc.tuple(fc.array(line, { maxLength: 8 }), fc.constantFrom("\n", "\r\n"), fc.boolean()).map((
    [lines, eol, bom],
  ) => `${bom ? "\uFEFF" : ""}${lines.join(eol)}${eol}`);
})();

test("parseDotenv() reads every file as the dotenv package does, or names the line it would skip", () => {
  let compared = 0;
  fc.assert(
    fc.property(dotenvFile, (text) => {
      let ours: Record<string, string>;
      try {
        ours = read(text);
      } catch (err) {
        // A value ending in a backslash before its quote runs on (dotenv's rule) and leaves a stray line.
        assert.ok(err instanceof DotenvSyntaxError);
        return;
      }
      compared++;
      assert.deepEqual(ours, { ...dotenv.parse(text) }, JSON.stringify(text));
    }),
    { numRuns: 2000 },
  );
  assert.ok(compared > 1500, `only ${compared} files compared`);
});
