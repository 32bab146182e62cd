import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { isMailboxProblem, parseMailbox } from "../../core/address.ts";

const valid: { input: string; address: string; smtputf8?: boolean }[] = [
  { input: "me@example.com", address: "me@example.com" },
  { input: "first.last+tag@sub.example.co.uk", address: "first.last+tag@sub.example.co.uk" },
  { input: "o'brien@example.ie", address: "o'brien@example.ie" },
  { input: '"john doe"@example.com', address: '"john doe"@example.com' },
  { input: '"a\\"b"@example.com', address: '"a\\"b"@example.com' },
  { input: "user@[192.0.2.1]", address: "user@[192.0.2.1]" },
  { input: "user@[IPv6:2001:db8::1]", address: "user@[IPv6:2001:db8::1]" },
  { input: "jörg@bücher.example", address: "jörg@xn--bcher-kva.example", smtputf8: true },
  { input: "info@müller.de", address: "info@xn--mller-kva.de", smtputf8: false },
  { input: "用户@例子.广告", address: "用户@xn--fsqu00a.xn--4rr70v", smtputf8: true },
  { input: "  padded@example.com  ", address: "padded@example.com" },
  { input: "postmaster@localhost", address: "postmaster@localhost" },
];

const invalid = [
  "",
  "   ",
  "notanaddress",
  "@example.com",
  "me@",
  "a@b..test",
  "a@.b.test",
  "a@b.test.",
  "a..b@example.com",
  ".a@example.com",
  "a.@example.com",
  "a@b.test,c@d.test",
  "a@b.test;c@d.test",
  "<me@example.com>",
  "me@x.test\r\nDATA",
  "me\x1b[31m@x.test",
  "two words@example.com",
  "a(b)@example.com",
  "me@exa mple.com",
  "me@-bad.example",
  "me@bad-.example",
  "me@192.0.2.1",
  "me@[300.1.1.1]",
  "me@[IPv6:nothex]",
  `${"l".repeat(65)}@example.com`,
  `me@${"d".repeat(64)}.example`,
  `me@${Array.from({ length: 60 }, () => "abcd").join(".")}.example`,
  '"unterminated@example.com',
];

for (const c of valid) {
  test(`parseMailbox accepts ${JSON.stringify(c.input)}`, () => {
    const m = parseMailbox(c.input);
    assert.ok(!isMailboxProblem(m), isMailboxProblem(m) ? m.reason : "");
    if (isMailboxProblem(m)) return;
    assert.equal(m.address, c.address);
    if (c.smtputf8 !== undefined) assert.equal(m.smtputf8, c.smtputf8);
  });
}

for (const input of invalid) {
  test(`parseMailbox refuses ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`, () => {
    const m = parseMailbox(input);
    assert.ok(isMailboxProblem(m), `accepted as ${JSON.stringify(m)}`);
  });
}

test("parseMailbox's fast path for the usual address accepts only what the full checks accept, the same way", () => {
  // What RFC 5321 allows before the domain, restated: no control character, one address (a comma or semicolon
  // only inside a quoted local part), no angle brackets, a local part of 1–64 octets that is a dot-atom
  // (atext, non-ASCII allowed) or a quoted string.
  const atom = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+$/u;
  const quoted = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10FFFF}]|\\[\x20-\x7e])*"$/u;
  const localOk = (text: string): boolean => {
    const at = text.lastIndexOf("@");
    const local = text.slice(0, at);
    // deno-lint-ignore no-control-regex
    return at > 0 && !/[\x00-\x1f\x7f-\x9f]/.test(text) && (!/[,;]/.test(text) || text.startsWith('"')) &&
      !/^<.*>$/.test(text) && Buffer.byteLength(local) <= 64 &&
      (local.startsWith('"') ? quoted.test(local) : local.split(".").every((a) => atom.test(a)));
  };
  const unit = fc.constantFrom(..."aaaZ09.-+_!#'`{|}~@..,;<> \"\\[]:\t\x01é".split(""));
  const domain = fc.constantFrom("example.com", "B.test", "[192.0.2.1]", "müller.de", "x..y", "", "a@b.test");
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 20 }), domain, fc.nat(70), (local, at, pad) => {
      const input = `${pad > 50 ? "a".repeat(pad) : ""}${local}@${at}`;
      const m = parseMailbox(input);
      if (isMailboxProblem(m)) return;
      const trimmed = input.trim();
      assert.ok(localOk(trimmed), `accepted ${JSON.stringify(input)}`);
      assert.equal(m.local, trimmed.slice(0, trimmed.lastIndexOf("@")));
      assert.equal(m.address, `${m.local}@${m.domain}`);
      // deno-lint-ignore no-control-regex
      assert.equal(m.smtputf8, /[^\x00-\x7f]/.test(m.local));
    }),
    { numRuns: 20_000 },
  );
});
