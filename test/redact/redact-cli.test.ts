// `smtpilot redact` as a user runs it: a file or stdin in, the masked text out, exit codes for
// what went wrong, --secret references resolved and masked in every form, and a log far larger
// than the heap streamed through in bounded memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { secretForms } from "../../core/redact.ts";
import { runCli, runCliWithInput } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { APP_LOG, EXIM_LOG, OPENSSL_SESSION, POSTFIX_LOG, SAMPLE_PAYLOADS, SAMPLE_SECRET } from "./samples.ts";

const dir = makeTestDir("smtpilot-redact-");
const ALL = OPENSSL_SESSION + POSTFIX_LOG + EXIM_LOG + APP_LOG;

test("smtpilot redact FILE writes the log with every credential masked and exits 0", async () => {
  const file = path.join(dir, "mixed.log");
  fs.writeFileSync(file, ALL);
  const r = await runCli(["redact", file]);
  assert.equal(r.code, 0, r.stderr);
  for (const form of [...secretForms(SAMPLE_SECRET), ...SAMPLE_PAYLOADS]) assert.ok(!r.stdout.includes(form), form);
  assert.equal(r.stdout.split("\n").length, ALL.split("\n").length);
});

test("smtpilot redact reads stdin (none or -), turns CRLF into LF, and --mask-addresses keeps domains", async () => {
  const r = await runCliWithInput(
    ["redact", "-", "--mask-addresses"],
    "MAIL FROM:<alice@example.com>\r\n250 2.1.0 Ok\r\n",
  );
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "MAIL FROM:<redacted-1@example.com>\n250 2.1.0 Ok\n");
});

test("--secret REF masks the value it resolves to in raw, base64, hex and URL-encoded forms", async () => {
  const value = "pl41n-v4lue-no-rule-sees";
  const text = `${value}\n${Buffer.from(value).toString("base64")}\n${Buffer.from(value).toString("hex")}\n${
    encodeURIComponent(`${value}/x`)
  }\n`;
  const file = path.join(dir, "plain.txt");
  fs.writeFileSync(file, text);
  const r = await runCli(["redact", file, "--secret", "env:SMTPILOT_TEST_VALUE"], { SMTPILOT_TEST_VALUE: value });
  assert.equal(r.code, 0, r.stderr);
  for (const form of secretForms(value)) assert.ok(!r.stdout.includes(form), `${form} in ${r.stdout}`);
});

test("an unset --secret reference or a value typed where a reference belongs is a usage error that echoes nothing", async () => {
  const unset = await runCli(["redact", "-", "--secret", "env:SMTPILOT_SURELY_UNSET"], {});
  assert.equal(unset.code, 2);
  const typed = await runCli(["redact", "-", "--secret", "hunter2-typed-inline"]);
  assert.equal(typed.code, 2);
  assert.ok(!typed.stderr.includes("hunter2-typed-inline"));
});

test("a missing file or a folder is exit 3 with the reason", async () => {
  const missing = await runCli(["redact", path.join(dir, "nope.log")]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /no such file/);
  const folder = await runCli(["redact", dir]);
  assert.equal(folder.code, 3);
  assert.match(folder.stderr, /not a regular file/);
});

test("a 60 MB log streams through a 48 MB heap (line by line, reading only as fast as stdout drains)", async () => {
  const line = `Dec 10 09:14:02 mx1 postfix/submission/smtpd[20411]: < client[198.51.100.23]: AUTH PLAIN ${
    SAMPLE_PAYLOADS[0]
  } password=${SAMPLE_SECRET}\n`;
  const block = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length)));
  const input = Buffer.concat(Array.from({ length: 60 }, () => block));
  const r = await runCliWithInput(["redact"], input, { nodeFlags: ["--max-old-space-size=48"] });
  assert.equal(r.code, 0, r.stderr.slice(0, 500));
  assert.equal(r.stdout.split("\n").length - 1, input.toString().split("\n").length - 1);
  assert.ok(!r.stdout.includes(SAMPLE_SECRET) && !r.stdout.includes(SAMPLE_PAYLOADS[0] ?? "?"));
});
