import { test } from "node:test";
import assert from "node:assert/strict";
import { ehloNameValue, hostValue } from "../../core/validate.ts";

const hosts: [string, string | null][] = [
  ["müller.de", "xn--mller-kva.de"],
  ["mail.example.com.", "mail.example.com."],
  ["mailhog", "mailhog"],
  ["[::1]", "::1"],
  ["fe80::1%eth0", "fe80::1%eth0"],
  ["smtp_relay", "smtp_relay"],
  ["bad host", null],
  ["x\r\nDATA", null],
  ["1.2.3", null],
];
for (const [input, want] of hosts) {
  test(`hostValue(${JSON.stringify(input)}) ${want === null ? "is a usage error" : `is ${want}`}`, () => {
    if (want === null) {
      assert.throws(() => hostValue("--host", input), (e: Error & { code?: string }) => e.code === "E_USAGE");
    } else assert.equal(hostValue("--host", input), want);
  });
}

const ehlo: [string, boolean][] = [
  ["mail.example.com", true],
  ["[192.0.2.1]", true],
  ["[IPv6:2001:db8::1]", true],
  ["[ipv6:2001:db8::1]", true],
  ["[2001:db8::1]", false],
  ["[IPv6:192.0.2.1]", false],
  ["192.0.2.1", false],
  ["x\r\nDATA", false],
  ["two words", false],
];
for (const [input, ok] of ehlo) {
  test(`ehloNameValue(${JSON.stringify(input)}) is ${ok ? "accepted" : "a usage error"}`, () => {
    if (ok) assert.ok(ehloNameValue(input));
    else assert.throws(() => ehloNameValue(input), (e: Error & { code?: string }) => e.code === "E_USAGE");
  });
}
