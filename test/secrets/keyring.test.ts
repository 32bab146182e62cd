// keyring:NAME against a real Secret Service (GNOME Keyring on a private D-Bus session bus, started
// here): a value stored through stdin is read back by resolveSecret, a missing entry resolves to
// nothing, and the secret never appears in any process's argv. Skipped (failing under CI=true) when
// the Debian packages dbus, gnome-keyring and libsecret-tools are missing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { parseSecretRef, resolveSecret, SecretRefError } from "../../core/secrets.ts";
import { secretService } from "../../core/keyring/secret-service.ts";
import { isSecretRef } from "../../core/secrets.ts";
import {
  secretServiceAvailable,
  type SecretServicePeer,
  startSecretService,
} from "../../scripts/peers/secret-service/peer.ts";

const available = secretServiceAvailable();
if (!available && process.env.CI === "true") throw new Error("CI needs dbus, gnome-keyring and libsecret-tools");
let peer: SecretServicePeer | undefined;

before(async () => {
  if (available) peer = await startSecretService();
});
after(async () => await peer?.stop());

test("keyring:NAME parses; a malformed name is refused without echoing it", () => {
  assert.deepEqual(parseSecretRef("keyring:smtpilot/gmail-work"), { kind: "keyring", name: "smtpilot/gmail-work" });
  assert.ok(isSecretRef("keyring:m365.app@contoso"));
  for (const bad of ["keyring:", "keyring:-x", "keyring:a b", "keyring:a/../b", "keyring:hunter2 secret"]) {
    assert.throws(() => parseSecretRef(bad), (e: SecretRefError) => e.code === "E_SECRET_REF_INVALID");
    try {
      parseSecretRef(bad);
    } catch (e) {
      assert.ok(!(e as Error).message.includes(bad.slice(8)) || bad.slice(8).length < 2);
    }
  }
});

test("a value stored in the Secret Service resolves through keyring:NAME, then is gone after delete", {
  skip: !available && "dbus, gnome-keyring or libsecret-tools missing",
}, async () => {
  const store = secretService(peer!.env);
  const secret = `refresh-${Math.random().toString(36).slice(2)}\twith tab`;
  const protectedValues: string[] = [];
  assert.equal(await store.get("test/one"), undefined);
  // Watch every process's argv while storing: the secret must only ever travel on stdin.
  const seen: string[] = [];
  const watcher = setInterval(() => {
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        seen.push(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
      } catch { /* gone */ }
    }
  }, 1);
  await store.set("test/one", secret, "smtpilot test");
  clearInterval(watcher);
  assert.ok(seen.length > 0);
  assert.ok(!seen.some((argv) => argv.includes(secret)), "the secret appeared in a process's argv");
  const resolved = await resolveSecret(parseSecretRef("keyring:test/one"), {
    keyring: store,
    protect: (v) => void protectedValues.push(v),
  });
  assert.equal(resolved, secret);
  assert.deepEqual(protectedValues, [secret]);
  assert.equal(await store.delete("test/one"), true);
  assert.equal(await resolveSecret(parseSecretRef("keyring:test/one"), { keyring: store }), undefined);
  assert.equal(await store.delete("test/one"), false);
});

test("without a reachable Secret Service the error is E_KEYRING_UNAVAILABLE, never a crash", {
  skip: !available && "libsecret-tools missing",
}, async () => {
  const store = secretService({ PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" });
  await assert.rejects(store.get("x"), (e: { code?: string; exitCode?: number }) => {
    assert.match(String(e.code), /^E_KEYRING_(UNAVAILABLE|FAILED)$/);
    assert.equal(e.exitCode, 3);
    return true;
  });
});
