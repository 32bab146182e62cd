import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPlugins } from "../../core/plugin.ts";
import { contractWarnings, parseProfile, profileTarget } from "../../core/profile.ts";

const gmail = {
  name: "gmail",
  host: "smtp.gmail.com",
  port: 587,
  tls: "starttls",
  auth: { user: "me@gmail.com", secret: "env:GMAIL_APP_PASSWORD", mechanism: "PLAIN" },
};

test("parseProfile() accepts a complete profile and maps it to a target", () => {
  const p = parseProfile(gmail);
  assert.deepEqual(profileTarget(p), { host: "smtp.gmail.com", port: 587, tls: "starttls" });
  assert.deepEqual(contractWarnings(p), []);
});

const invalid: { name: string; input: unknown; path: string }[] = [
  {
    name: "a literal password instead of a reference",
    input: { ...gmail, auth: { ...gmail.auth, secret: "hunter2" } },
    path: "auth.secret",
  },
  { name: "a port out of range", input: { ...gmail, port: 70000 }, path: "port" },
  { name: "an unknown TLS mode", input: { ...gmail, tls: "ssl" }, path: "tls" },
  { name: "a misspelled key", input: { ...gmail, hots: "x" }, path: "hots" },
  { name: "a name with spaces", input: { ...gmail, name: "My Gmail" }, path: "name" },
];
for (const c of invalid) {
  test(`parseProfile() rejects ${c.name} with E_PROFILE_INVALID naming ${c.path}`, () => {
    assert.throws(
      () => parseProfile(c.input),
      (err: Error & { code?: string }) => err.code === "E_PROFILE_INVALID" && err.message.includes(c.path),
    );
  });
}

test("parseProfile() never echoes a literal secret in its error", () => {
  assert.throws(
    () => parseProfile({ ...gmail, auth: { ...gmail.auth, secret: "hunter2-secret" } }),
    (err: Error) => !err.message.includes("hunter2-secret"),
  );
});

test("contractWarnings() names a port/TLS mismatch", () => {
  assert.equal(contractWarnings(parseProfile({ ...gmail, port: 465 })).length, 1);
  assert.equal(contractWarnings(parseProfile({ ...gmail, tls: "implicit" })).length, 1);
});

test("a plugin preset is validated; an invalid one fails only that plugin", async () => {
  const good = {
    name: "good",
    version: "1",
    setup: (api: { addProviderPreset(p: unknown): void }) => api.addProviderPreset(gmail),
  };
  const bad = {
    name: "bad",
    version: "1",
    setup: (api: { addProviderPreset(p: unknown): void }) => api.addProviderPreset({ ...gmail, name: "x", port: 0 }),
  };
  const registry = await loadPlugins([good, bad]);
  assert.deepEqual([...registry.presets.keys()], ["gmail"]);
  assert.equal(registry.failures[0]?.code, "E_PLUGIN_SETUP");
});
