import { test } from "node:test";
import assert from "node:assert/strict";
import {
  compareCapabilities,
  hasCapability,
  notableExtensions,
  parseCapabilities,
} from "../../core/smtp/capabilities.ts";
import { toReply } from "../../core/smtp/reply.ts";

const ehlo = (lines: string[]) =>
  parseCapabilities(toReply(250, lines.map((l, i) => `250${i === lines.length - 1 ? " " : "-"}${l}`)));

test("parseCapabilities() reads SIZE, AUTH and extensions", () => {
  const caps = ehlo([
    "smtp.gmail.com at your service",
    "SIZE 35882577",
    "8BITMIME",
    "AUTH LOGIN PLAIN XOAUTH2",
    "ENHANCEDSTATUSCODES",
    "PIPELINING",
    "CHUNKING",
    "SMTPUTF8",
  ]);
  assert.equal(caps.domain, "smtp.gmail.com");
  assert.equal(caps.size, 35882577);
  assert.deepEqual(caps.auth, ["LOGIN", "PLAIN", "XOAUTH2"]);
  assert.ok(hasCapability(caps, "pipelining"));
  assert.ok(!hasCapability(caps, "STARTTLS"));
  assert.deepEqual(notableExtensions(caps), [
    "SIZE",
    "PIPELINING",
    "8BITMIME",
    "SMTPUTF8",
    "ENHANCEDSTATUSCODES",
    "CHUNKING",
    "AUTH",
  ]);
});

test("parseCapabilities() understands the legacy AUTH= form", () => {
  const caps = ehlo(["mx.example", "AUTH=LOGIN PLAIN", "AUTH LOGIN PLAIN CRAM-MD5"]);
  assert.deepEqual(caps.auth, ["LOGIN", "PLAIN", "CRAM-MD5"]);
});

test("compareCapabilities() lists what STARTTLS changed", () => {
  const before = ehlo(["mx", "STARTTLS", "SIZE 10"]);
  const after = ehlo(["mx", "SIZE 10", "AUTH PLAIN"]);
  assert.deepEqual(compareCapabilities(before, after), { added: ["AUTH"], removed: ["STARTTLS"] });
});
