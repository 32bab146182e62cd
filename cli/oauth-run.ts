/**
 * What the CLI gives an OAuth profile's run: secrets resolved through the
 * run's redactor (so every token is masked the moment it exists), files
 * read relative to the memory folder, the system credential store, and the
 * mode line — "this run contacts <token endpoint>" — said on stderr before
 * any request. Used by `auth login|status|logout` and by every command that
 * authenticates with a profile (diagnose, profile check, send).
 */
import { systemKeyring } from "../core/keyring/keyring.ts";
import type { CredentialDeps } from "../core/oauth/profile-credential.ts";
import { readSmallFile } from "../core/files.ts";
import { expandPath, parseSecretRef, resolveSecret } from "../core/secrets.ts";
import type { RunContext } from "./command-spec.ts";
import { memoryHome } from "./memory.ts";

/** The dependencies of an OAuth run in this CLI context. */
export function oauthDeps(ctx: RunContext): CredentialDeps {
  const home = memoryHome(ctx);
  return {
    resolve: async (ref, purpose) =>
      await resolveSecret(parseSecretRef(ref), {
        memoryHome: home,
        interactive: ctx.interactive,
        protect: (v) => void ctx.protectSecrets([v]),
        purpose,
      }),
    protect: (v) => void ctx.protectSecrets([v]),
    readFile: (file, what) => readSmallFile(expandPath(file, home), { what, maxBytes: 256 * 1024 }).toString("utf8"),
    keyring: systemKeyring(),
    announce: (line) => ctx.warn(line),
  };
}
