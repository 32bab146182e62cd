/**
 * macOS: the login Keychain through `security`. Storing runs `security -i`
 * and writes the command on its stdin with the secret hex-encoded (`-X`), so
 * the secret is never an argument of any process and needs no quoting;
 * `find-generic-password -w` prints it on stdout. Not exercised by this
 * project's CI (Linux only): written from `man security`.
 */
import { KEYRING_SERVICE, type KeyringBackend, KeyringError } from "./keyring-backend.ts";
import { runTool, type ToolResult } from "./run-tool.ts";

const _TOOL = "/usr/bin/security";
/** errSecItemNotFound, as `security` reports it in its exit status. */
const _NOT_FOUND = 44;

/** The Keychain backend. */
export function macosKeychain(env: Record<string, string | undefined>): KeyringBackend {
  return {
    name: "macOS Keychain (security)",
    async get(name) {
      const r = await runTool(_TOOL, ["find-generic-password", "-s", KEYRING_SERVICE, "-a", name, "-w"], "", env);
      if (r.status === _NOT_FOUND) return undefined;
      _check(r, "read", name);
      return r.stdout.replace(/\n$/, "") || undefined;
    },
    async set(name, value, label) {
      const hex = Buffer.from(value, "utf8").toString("hex");
      const line = `add-generic-password -U -s ${KEYRING_SERVICE} -a ${name} -l "${
        label.replace(/["\\]/g, "")
      }" -X ${hex}\n`;
      _check(await runTool(_TOOL, ["-i"], line, env), "store", name);
    },
    async delete(name) {
      const r = await runTool(_TOOL, ["delete-generic-password", "-s", KEYRING_SERVICE, "-a", name], "", env);
      if (r.status === _NOT_FOUND) return false;
      _check(r, "remove", name);
      return true;
    },
  };
}

function _check(r: ToolResult, action: string, name: string): void {
  if (r.startError || r.timedOut || r.status !== 0) {
    const why = r.startError
      ? `security could not be started (${r.startError})`
      : r.timedOut
      ? "the Keychain did not answer in time (locked?)"
      : r.stderrFirstLine.replace(/[^\x20-\x7e]/g, "").trim() || `exit status ${r.status}`;
    throw new KeyringError(
      r.startError ? "E_KEYRING_UNAVAILABLE" : "E_KEYRING_FAILED",
      `Cannot ${action} keyring entry ${name} in the macOS Keychain: ${why}`,
    );
  }
}
