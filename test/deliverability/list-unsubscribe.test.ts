/**
 * `draft --list-unsubscribe`: the RFC 8058 pair in the composed bytes (the
 * Post header only with an https URI), part of the digest a plan binds, and
 * refused for http, spaces, a clash with --header or --eml.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { readOneClick } from "../../core/deliverability/one-click.ts";

const dir = makeTestDir("smtpilot-list-unsub-");
const BASE = ["draft", "--from", "Shop <news@shop.test>", "--subject", "News", "--text", "Hello", "--to", "a@x.test"];

/** The header fields of a composed file, unfolded, by lower-case name. */
function headersOf(file: string): Record<string, string[]> {
  const head = fs.readFileSync(file, "latin1").split("\r\n\r\n")[0]!.replace(/\r\n[ \t]+/g, " ");
  const out: Record<string, string[]> = {};
  for (const line of head.split("\r\n")) {
    const i = line.indexOf(":");
    (out[line.slice(0, i).toLowerCase()] ??= []).push(line.slice(i + 1).trim());
  }
  return out;
}

test("draft --list-unsubscribe https + mailto writes the RFC 8058 pair into the message and the digest", async () => {
  const out = path.join(dir, "one-click.eml");
  const r = await runCli([
    ...BASE,
    "--list-unsubscribe",
    "https://shop.test/u?id=7&t=x",
    "--list-unsubscribe",
    "mailto:unsub@shop.test",
    "--out",
    out,
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const h = headersOf(out);
  const oneClick = readOneClick(h["list-unsubscribe"] ?? [], h["list-unsubscribe-post"] ?? []);
  assert.deepEqual(oneClick.problems, []);
  assert.equal(oneClick.https, "https://shop.test/u?id=7&t=x");
  assert.equal(oneClick.mailto, "mailto:unsub@shop.test");
  const plain = await runCli([...BASE, "--json"]);
  assert.notEqual(JSON.parse(r.stdout).digest, JSON.parse(plain.stdout).digest);
});

test("draft --list-unsubscribe mailto: alone adds no List-Unsubscribe-Post (one-click needs https)", async () => {
  const out = path.join(dir, "mailto.eml");
  const r = await runCli([...BASE, "--list-unsubscribe", "mailto:unsub@shop.test", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  const h = headersOf(out);
  assert.deepEqual(h["list-unsubscribe"], ["<mailto:unsub@shop.test>"]);
  assert.equal(h["list-unsubscribe-post"], undefined);
});

test("draft --list-unsubscribe refuses http, a value with spaces or brackets, --header List-Unsubscribe and --eml (exit 2)", async () => {
  for (
    const extra of [
      ["--list-unsubscribe", "http://shop.test/u"],
      ["--list-unsubscribe", "https://shop.test/u> <https://evil.test"],
      ["--list-unsubscribe", "ftp://shop.test"],
      ["--list-unsubscribe", "https://shop.test/u", "--header", "List-Unsubscribe: <https://other.test>"],
    ]
  ) {
    const r = await runCli([...BASE, ...extra, "--json"]);
    assert.equal(r.code, 2, `${extra.join(" ")}: ${r.stdout}`);
    assert.equal(JSON.parse(r.stdout).error.code, "E_USAGE");
  }
  const eml = path.join(dir, "m.eml");
  fs.writeFileSync(eml, "From: a@shop.test\r\nSubject: x\r\n\r\nx\r\n");
  const r = await runCli(["draft", "--eml", eml, "--list-unsubscribe", "https://shop.test/u", "--json"]);
  assert.equal(r.code, 2);
});
