/**
 * What every credential-store backend shares: the interface, the service
 * name entries are filed under, and the error a store that cannot be used
 * raises.
 */
import { SmtpilotError } from "../errors.ts";
import { EXIT_ENVIRONMENT } from "../exit.ts";

/** The service every smtpilot entry is filed under. */
export const KEYRING_SERVICE = "smtpilot";

/** One credential store. Values are strings; lookups of a missing entry give undefined. */
export interface KeyringBackend {
  /** What the store is, for messages ("Secret Service (secret-tool)"). */
  readonly name: string;
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string, label: string): Promise<void>;
  /** Removes the entry; true when there was one. */
  delete(name: string): Promise<boolean>;
}

/** Thrown when the store cannot be used (no tool, locked, no D-Bus session); exit 3. */
export class KeyringError extends SmtpilotError {
  constructor(code: "E_KEYRING_UNAVAILABLE" | "E_KEYRING_FAILED", message: string) {
    super(code, EXIT_ENVIRONMENT, message);
  }
}
