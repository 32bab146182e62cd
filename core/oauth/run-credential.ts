/**
 * What a run (command line or MCP) gives an OAuth profile: secrets resolved through the
 * run's redactor (so every token is masked the moment it exists), files
 * read relative to the memory folder, the system credential store, and the
 * mode line — "this run contacts <token endpoint>" — said on stderr before
 * any request. Used by `auth login|status|logout` and by every command that
 * authenticates with a profile (diagnose, profile check, send).
 */
import type { AuthOptions } from "../diagnose-options.ts";
import { readSmallFile } from "../files.ts";
import { systemKeyring } from "../keyring/keyring.ts";
import { memoryHome, secretForRun } from "../memory/run-memory.ts";
import type { ProviderProfile } from "../profile.ts";
import type { ProviderDefinition } from "../provider.ts";
import type { RunContext } from "../run-context.ts";
import { expandPath, parseSecretRef, resolveSecret } from "../secrets.ts";
import { isOAuthProfile } from "./oauth-settings.ts";
import type { CredentialDeps } from "./profile-credential.ts";
import type { AccessTokenSource } from "./token-source.ts";

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

/**
 * Resolves the credential of a run into `auth`: for an OAuth profile whose
 * own secret reference is in use, a fresh access token (the token endpoint
 * announced first; a failure kept as the auth options' failure for the auth layer, or
 * thrown when `strict` — a send cannot go on without a token); otherwise
 * the secret reference, as always. Returns the OAuth run's token source
 * (a run that opens more sessions asks it again for each: session-credential.ts).
 */
export async function resolveCredential(
  ctx: RunContext,
  auth: AuthOptions,
  profile: ProviderProfile | undefined,
  provider: ProviderDefinition | undefined,
  strict = false,
): Promise<AccessTokenSource | undefined> {
  if (profile && isOAuthProfile(profile) && auth.secretRef === profile.auth?.secret) {
    // The OAuth client (jose, oauth4webapi) is loaded by an OAuth profile's run only.
    const [{ oauthAuthOptions }, { OAuthError }] = await Promise.all([
      import("./profile-credential.ts"),
      import("./oauth-error.ts"),
    ]);
    const { auth: got, source } = await oauthAuthOptions(profile, provider, oauthDeps(ctx));
    Object.assign(auth, { ...got, mechanism: auth.mechanism ?? got.mechanism });
    if (strict && got.failure) throw new OAuthError(got.failure);
    return source;
  }
  auth.secret = await secretForRun(auth.secretRef, ctx, `secret for ${auth.user}`);
  return undefined;
}
