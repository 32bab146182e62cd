/**
 * Linux: the freedesktop Secret Service (GNOME Keyring, KWallet 6, KeePassXC)
 * through `secret-tool` from libsecret (Debian: libsecret-tools). `store`
 * reads the secret from stdin, so it never appears in a process list;
 * `lookup` prints it on stdout, which goes straight back to the caller.
 */
import { KEYRING_SERVICE, type KeyringBackend, KeyringError } from "./keyring-backend.ts";
import { runTool, type ToolResult } from "./run-tool.ts";

const _TOOL = "secret-tool";

/** The Secret Service backend. */
export function secretService(env: Record<string, string | undefined>): KeyringBackend {
  const attrs = (name: string) => ["service", KEYRING_SERVICE, "account", name];
  return {
    name: "Secret Service (secret-tool)",
    async get(name) {
      const r = await runTool(_TOOL, ["lookup", ...attrs(name)], "", env);
      _check(r, "read", name, [0, 1]);
      // secret-tool prints the secret without a newline; exit 1 with nothing printed means no such entry.
      return r.status === 0 && r.stdout !== "" ? r.stdout : undefined;
    },
    async set(name, value, label) {
      const r = await runTool(_TOOL, ["store", `--label=${label}`, ...attrs(name)], value, env);
      _check(r, "store", name, [0]);
    },
    async delete(name) {
      const before = await this.get(name);
      const r = await runTool(_TOOL, ["clear", ...attrs(name)], "", env);
      _check(r, "remove", name, [0, 1]);
      return before !== undefined;
    },
  };
}

function _check(r: ToolResult, action: string, name: string, ok: number[]): void {
  if (r.startError) {
    throw new KeyringError(
      "E_KEYRING_UNAVAILABLE",
      `Cannot ${action} keyring entry ${name}: ${_TOOL} could not be started (${r.startError}); ` +
        "install libsecret-tools (Debian/Ubuntu) or libsecret (Fedora) and run inside a desktop or D-Bus session",
    );
  }
  if (r.timedOut) {
    throw new KeyringError(
      "E_KEYRING_FAILED",
      `Cannot ${action} keyring entry ${name}: the Secret Service did not answer in time (is the keyring locked?)`,
    );
  }
  if (r.status === null || !ok.includes(r.status) || (r.status === 1 && /\S/.test(r.stderrFirstLine))) {
    const why = r.stderrFirstLine.replace(/[^\x20-\x7e]/g, "").trim() || `exit status ${r.status}`;
    throw new KeyringError(
      /dbus|D-Bus|org\.freedesktop|secrets/i.test(why) ? "E_KEYRING_UNAVAILABLE" : "E_KEYRING_FAILED",
      `Cannot ${action} keyring entry ${name} in the Secret Service: ${why}`,
    );
  }
}
