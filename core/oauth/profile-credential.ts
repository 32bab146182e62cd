/**
 * The credential of one run of an OAuth profile, as the auth layer takes it:
 * the access token (in memory only, registered for redaction), what it says
 * about itself, the provider's expectations, and — when no token could be
 * had — the diagnosis the auth layer reports after the connection layers
 * ran. The identity endpoint is announced before it is contacted.
 */
import type { AuthOptions } from "../diagnose-options.ts";
import type { KeyringBackend } from "../keyring/keyring.ts";
import type { ProviderProfile } from "../profile.ts";
import type { ProviderDefinition } from "../provider.ts";
import { OAuthError } from "./oauth-error.ts";
import { resolveEndpoints } from "./provider-oauth.ts";
import { AccessTokenSource, type OAuthProfileRun } from "./token-source.ts";

/** What the caller provides: secret resolution, redaction, files, the store, and where announcements go. */
export interface CredentialDeps {
  resolve: OAuthProfileRun["resolve"];
  protect: OAuthProfileRun["protect"];
  readFile: OAuthProfileRun["readFile"];
  keyring?: KeyringBackend;
  /** Told once, before any request, which token endpoint this run contacts. */
  announce(line: string): void;
  onRequest?: OAuthProfileRun["onRequest"];
}

/** The run of an OAuth profile (throws a usage error for a provider without OAuth knowledge). */
export function profileRun(
  profile: ProviderProfile,
  provider: ProviderDefinition | undefined,
  deps: CredentialDeps,
): OAuthProfileRun {
  if (!profile.oauth || !profile.auth) throw new Error(`Profile ${profile.name} is not an OAuth profile`);
  if (!provider?.oauth) {
    throw Object.assign(
      new Error(
        `Profile ${profile.name} has oauth settings, but its provider ${
          profile.provider ?? "custom"
        } has no OAuth knowledge (gmail and m365 do)`,
      ),
      { code: "E_USAGE", exitCode: 2 },
    );
  }
  return {
    name: profile.name,
    settings: profile.oauth,
    provider: provider.oauth,
    user: profile.auth.user,
    secretRef: profile.auth.secret,
    resolve: deps.resolve,
    protect: deps.protect,
    readFile: deps.readFile,
    ...(deps.keyring ? { keyring: deps.keyring } : {}),
    ...(deps.onRequest ? { onRequest: deps.onRequest } : {}),
  };
}

/** The identity endpoint this profile's runs contact (for the mode line). */
export function tokenEndpointOf(run: OAuthProfileRun): string {
  return resolveEndpoints(run.provider, run.settings).token.href;
}

/**
 * The auth options of an OAuth profile's run. Never throws for an OAuth
 * failure: it becomes `failure`, reported by the auth layer with its code.
 */
export async function oauthAuthOptions(
  profile: ProviderProfile,
  provider: ProviderDefinition | undefined,
  deps: CredentialDeps,
): Promise<{ auth: AuthOptions; source: AccessTokenSource }> {
  const run = profileRun(profile, provider, deps);
  const endpoint = tokenEndpointOf(run);
  deps.announce(
    `OAuth profile ${profile.name}: getting an access token from ${endpoint} (${run.settings.flow}) before any SMTP`,
  );
  const source = new AccessTokenSource(run);
  const base: AuthOptions = {
    user: run.user,
    secret: undefined,
    secretRef: run.secretRef,
    mechanism: profile.auth?.mechanism ?? "XOAUTH2",
    oauth: run.provider,
  };
  try {
    const token = await source.current();
    return {
      auth: {
        ...base,
        secret: token.token,
        token: { ...token.facts, tokenEndpoint: endpoint, rotated: token.rotated },
      },
      source,
    };
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    return { auth: { ...base, failure: err.diagnosis, token: { tokenEndpoint: endpoint } }, source };
  }
}
