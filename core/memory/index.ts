/**
 * The memory folder's public API, in one import for the commands, the send
 * workflow and the MCP server: open a store on a folder, create one, inspect
 * one, and the schemas, errors and helpers that come with it.
 *
 *   const store = openMemory({ home: resolveHome(globals.home), redact: () => ctx.protectSecrets([]) });
 *   const { safety, canaries } = await store.settings();
 *   await store.appendSendLog({ kind: "canary", profile: "work", recipient, messageId, queueId, reply });
 */
export { initMemory, type InitResult } from "./init.ts";
export { inspectMemory, type MemoryInspection, type MemoryWarning } from "./inspect.ts";
export { BLOCK_TAGS, MEMORY_FILES, type MemoryFileRole, resolveHome } from "./layout.ts";
export { maskAddress } from "./mask.ts";
export {
  MemoryError,
  MemoryLockedError,
  MemoryMissingError,
  MemorySecretError,
  ProfileNotFoundError,
  SecretValueError,
} from "./memory-error.ts";
export {
  type Canary,
  CanarySchema,
  type MemorySettings,
  MemorySettingsSchema,
  type NoteEntry,
  NoteEntrySchema,
  SafetySchema,
  type SendLogEntry,
  SendLogEntrySchema,
} from "./memory-schemas.ts";
export { type MemoryOptions, MemoryStore, openMemory, ProfileExistsError, type StoredProfile } from "./store.ts";
