/**
 * `smtpilot domain` and `smtpilot align` refuse bad input with exit 2
 * before any lookup (the resolver given is one that never answers), and
 * name the flag and the value safely.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../helpers/cli.ts";

const _DEAD = ["--resolver", "127.0.0.1:9"];

const _usage: [string, string[]][] = [
  ["an address instead of a domain", ["domain", "me@example.com"]],
  ["an IP instead of a domain", ["domain", "192.0.2.1"]],
  ["a single label", ["domain", "localhost"]],
  ["a control character", ["domain", "exa\u001b[31mmple.com"]],
  ["--ip that is not an IP", ["domain", "example.com", "--ip", "mail.example.com"]],
  ["--sender without --ip", ["domain", "example.com", "--sender", "a@example.com"]],
  ["a --sender with a line break", ["domain", "example.com", "--ip", "192.0.2.1", "--sender", "a@b.example\r\nRCPT"]],
  ["a --helo with an escape", ["domain", "--ip", "192.0.2.1", "--helo", "mail\u001b[31m.example"]],
  ["a bounce replay without --helo", ["domain", "--ip", "192.0.2.1", "--sender", ""]],
  ["an --ip alone", ["domain", "--ip", "192.0.2.1"]],
  ["a bad --selector", ["domain", "example.com", "--selector", "s1;rm"]],
  ["an unknown --only check", ["domain", "example.com", "--only", "spf,nope"]],
  ["a bad --resolver", ["domain", "example.com", "--resolver", "dns.example"]],
  ["a --message that is a folder", ["domain", "example.com", "--message", "/tmp"]],
  ["a missing --message", ["domain", "example.com", "--message", "/nonexistent/x.eml"]],
  ["align without --from", ["align", "--envelope-from", "a@example.com"]],
  ["align with a bad --from", ["align", "--from", "not an address"]],
  ["align with a bad --dkim-domain", ["align", "--from", "a@example.com", "--dkim-domain", "a@b.example"]],
];

for (const [what, args] of _usage) {
  test(`${args[0]} exits 2 for ${what}`, async () => {
    const r = await runCli([...args, ...(args.includes("--resolver") ? [] : _DEAD), "--json"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(JSON.parse(r.stdout).error.code, "E_USAGE");
    assert.ok(!r.stderr.includes("\u001b"), "control characters are never echoed");
  });
}

test("domain exits 3 when the resolver never answers", async () => {
  const r = await runCli([
    "domain",
    "example.com",
    "--resolver",
    "127.0.0.1:9",
    "--timeout",
    "0.2",
    "--selector",
    "s1",
  ]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /No DNS query was answered/);
});
