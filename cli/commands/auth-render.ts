/**
 * What the auth commands share: the OAuth profile they act on (a profile
 * without an `oauth:` block is a usage error naming how to add one) and how
 * a token's decoded state reads on a terminal.
 */
import { UsageError } from "../../core/errors.ts";
import type { MemoryStore } from "../../core/memory/store.ts";
import type { TokenFacts } from "../../core/oauth/token-facts.ts";
import type { ProviderProfile } from "../../core/profile.ts";

/** The profile `name`, which must be an OAuth profile. */
export async function oauthProfileOf(store: MemoryStore, name: string): Promise<ProviderProfile> {
  const profile = await store.profile(name);
  if (!profile.oauth || !profile.auth) {
    throw new UsageError(
      `Profile ${name} has no OAuth settings: add them with smtpilot profile add ${name} --provider ${
        profile.provider ?? "m365"
      } --oauth device --client-id APP-ID --replace (…and the profile's other flags)`,
    );
  }
  return profile;
}

/** A token's state, one fact a line; never the token. */
export function renderTokenFacts(f: TokenFacts): string[] {
  const left = f.expiresAt ? Math.round((Date.parse(f.expiresAt) - Date.now()) / 60_000) : undefined;
  return [
    `Token: ${f.kind === "jwt" ? "JWT (claims decoded locally, not verified)" : "opaque"}`,
    ...(f.expiresAt
      ? [`  expires: ${f.expiresAt}${left !== undefined ? ` (${left < 0 ? "expired" : `in ${left} min`})` : ""}`]
      : []),
    ...(f.audience ? [`  audience: ${f.audience.join(" ")}`] : []),
    ...(f.scopes ? [`  scopes: ${f.scopes.join(" ") || "none"}`] : []),
    ...(f.roles ? [`  roles: ${f.roles.join(" ") || "none"}`] : []),
    ...(f.account ? [`  account: ${f.account}`] : []),
    ...(f.app ? [`  app: ${f.app}`] : []),
    ...(f.tenant ? [`  tenant: ${f.tenant}`] : []),
  ];
}
