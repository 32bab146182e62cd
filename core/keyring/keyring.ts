/**
 * The operating system's credential store, behind one small interface: the
 * Secret Service on Linux (GNOME Keyring, KWallet; through `secret-tool`),
 * the Keychain on macOS (`security`), the Credential Manager on Windows
 * (PowerShell with the Win32 CredRead/CredWrite API). smtpilot keeps OAuth
 * refresh tokens there (`keyring:NAME`), never in its memory folder. Every
 * entry is filed under the service `smtpilot` and the account NAME.
 */
import type { KeyringBackend } from "./keyring-backend.ts";
import { macosKeychain } from "./macos-keychain.ts";
import { secretService } from "./secret-service.ts";
import { windowsCredentialManager } from "./windows-credential.ts";

export { KEYRING_SERVICE, type KeyringBackend, KeyringError } from "./keyring-backend.ts";

/** A keyring entry name: what follows `keyring:` (letters, digits and `._@/-`). */
export const KEYRING_NAME = /^[A-Za-z0-9][A-Za-z0-9._@/-]{0,127}$/;

/** The store of this platform; `env` reaches the tool (DBUS_SESSION_BUS_ADDRESS on Linux). */
export function systemKeyring(
  platform: NodeJS.Platform = process.platform,
  env: Record<string, string | undefined> = process.env,
): KeyringBackend {
  if (platform === "darwin") return macosKeychain(env);
  if (platform === "win32") return windowsCredentialManager(env);
  return secretService(env);
}

/** Checks a name before any store is asked (a usage error is the caller's to raise). */
export function isKeyringName(name: string): boolean {
  return KEYRING_NAME.test(name) && !name.includes("..");
}
