import { test } from "node:test";
import assert from "node:assert/strict";
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
