/** A credential store in memory, for tests that must not touch the system's: its entries are visible. */
import type { KeyringBackend } from "../../core/keyring/keyring.ts";

/** A keyring backend over a Map (`entries`). */
export function memoryKeyring(): KeyringBackend & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    name: "memory",
    entries,
    get: (n) => Promise.resolve(entries.get(n)),
    set: (n, v) => Promise.resolve(void entries.set(n, v)),
    delete: (n) => Promise.resolve(entries.delete(n)),
  };
}
