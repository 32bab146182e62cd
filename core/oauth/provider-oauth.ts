/**
 * What a provider plugin says about its identity platform: where the
 * authorization, device, token and revocation endpoints are, which flows and
 * scopes work for SMTP, what a token for SMTP must carry (audience, scope or
 * role), and the dated facts behind all of it. The endpoints of a run are
 * resolved here from that data and a profile's settings — a tenant filled
 * in, the origin replaced for the fixture — and must all be https.
 */
import { UsageError } from "../errors.ts";
import { shown } from "../printable.ts";
import type { OAuthFlow, OAuthSettings } from "./oauth-settings.ts";

/** A provider fact that changes over time: what, as of when, and where it was read. */
export interface DatedFact {
  text: string;
  /** The date the source said so (YYYY-MM-DD). */
  asOf: string;
  source: string;
  /** Something retiring on `date`: `status` and `profile check` warn profiles that depend on it. */
  retires?: { date: string; what: string; applies: "basic-auth" | "password" | "device-flow" | "always" };
}

/** The identity-platform endpoints, as URL templates (`{tenant}`). */
export interface OAuthEndpoints {
  authorization: string;
  deviceAuthorization?: string;
  token: string;
  revocation?: string;
}

/** A provider's OAuth knowledge. */
export interface ProviderOAuth {
  /** How its access tokens look: `google` opaque (ya29.…), `microsoft` JWTs with aud/scp/roles. */
  dialect: "google" | "microsoft";
  endpoints: OAuthEndpoints;
  /** Flows that work for SMTP, the default first. */
  flows: readonly OAuthFlow[];
  /** Flows that do not, with why (shown before any request). */
  unsupported?: Partial<Record<OAuthFlow, DatedFact>>;
  scopes: { delegated: readonly string[]; appOnly?: readonly string[] };
  /** What a token for SMTP must carry. */
  expect: { audiences: readonly string[]; delegatedScope: string; appRole?: string };
  /** True when even an installed app sends its client secret (Google desktop clients). */
  publicClientSecret?: boolean;
  /** The tenant used when a profile gives none (`organizations`). */
  defaultTenant?: string;
  /** Extra authorization-request parameters (Google: access_type=offline and prompt=consent for a refresh token). */
  authorizationParams?: Readonly<Record<string, string>>;
  facts: readonly DatedFact[];
}

/** The resolved endpoints of one profile, all https URLs. */
export type ResolvedEndpoints = {
  [K in keyof OAuthEndpoints]: OAuthEndpoints[K] extends string ? URL : URL | undefined;
};

/** Fills `{tenant}`, swaps the origin when the profile names one, and refuses anything not https. */
export function resolveEndpoints(provider: ProviderOAuth, settings: OAuthSettings): ResolvedEndpoints {
  const tenant = settings.tenant ?? provider.defaultTenant ?? "common";
  const one = (template: string): URL => {
    const url = new URL(template.replaceAll("{tenant}", encodeURIComponent(tenant)));
    const out = settings.origin ? new URL(url.pathname + url.search, settings.origin) : url;
    if (out.protocol !== "https:") {
      throw new UsageError(`Refusing the identity endpoint ${shown(out.href)}: OAuth endpoints must be https`);
    }
    return out;
  };
  const e = provider.endpoints;
  return {
    authorization: one(e.authorization),
    deviceAuthorization: e.deviceAuthorization ? one(e.deviceAuthorization) : undefined,
    token: one(e.token),
    revocation: e.revocation ? one(e.revocation) : undefined,
  };
}

/** The scopes of a run: the profile's, else the provider's for the flow. */
export function scopesFor(provider: ProviderOAuth, settings: OAuthSettings): string[] {
  if (settings.scopes?.length) return [...settings.scopes];
  return [...(settings.flow === "client-credentials" ? provider.scopes.appOnly ?? [] : provider.scopes.delegated)];
}
