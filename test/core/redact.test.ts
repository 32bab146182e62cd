import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { makeRedactor, secretForms } from "../../core/redact.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

test("makeRedactor() removes the raw secret and its base64 form", () => {
  const r = makeRedactor(["hunter2-long-secret"]);
  const out = r(`pw=hunter2-long-secret b64=${b64("hunter2-long-secret")}`);
  assert.ok(!out.includes("hunter2-long-secret"));
  assert.ok(!out.includes(b64("hunter2-long-secret")));
});

test("makeRedactor() removes the secret from AUTH PLAIN and XOAUTH2 payloads at any offset", () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 8, maxLength: 40 }),
      fc.string({ maxLength: 12 }),
      fc.string({ maxLength: 12 }),
      (secret, before, after) => {
        const payload = b64(`${before}\0user\0${secret}${after}`);
        const out = makeRedactor([secret])(`AUTH PLAIN ${payload}`);
        for (const form of secretForms(secret)) assert.ok(!out.includes(form), `form ${form} left in ${out}`);
        assert.ok(!out.includes(payload));
      },
    ),
    { numRuns: 300 },
  );
});

test("makeRedactor() with no secret returns text unchanged", () => {
  assert.equal(makeRedactor([undefined])("250 ok"), "250 ok");
});
