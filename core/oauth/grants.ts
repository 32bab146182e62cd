/**
 * The non-interactive grants: refresh (a delegated profile, every run),
 * client credentials (app-only Microsoft 365), and revocation at logout
 * where the provider offers it (Google does, RFC 7009; Microsoft Entra has
 * no revocation endpoint for these tokens). Each returns the token endpoint's
 * answer reduced to what smtpilot keeps: the access token (memory only), its
 * expiry and scope, and a rotated refresh token when one came back.
 */
import {
  clientCredentialsGrantRequest,
  processClientCredentialsResponse,
  processRefreshTokenResponse,
  processRevocationResponse,
  refreshTokenGrantRequest,
  revocationRequest,
  type TokenEndpointResponse,
} from "oauth4webapi";
import type { OAuthClient } from "./oauth-client.ts";

/** A token endpoint's answer, reduced. */
export interface Tokens {
  accessToken: string;
  /** Epoch ms, when the server said expires_in. */
  expiresAt?: number;
  scope?: string;
  /** A (new) refresh token, when the server sent one. */
  refreshToken?: string;
}

/** Reduces an oauth4webapi token response. */
export function reduceTokens(r: TokenEndpointResponse, now = Date.now()): Tokens {
  const out: Tokens = { accessToken: r.access_token };
  if (typeof r.expires_in === "number") out.expiresAt = now + r.expires_in * 1000;
  if (typeof r.scope === "string") out.scope = r.scope;
  if (typeof r.refresh_token === "string" && r.refresh_token !== "") out.refreshToken = r.refresh_token;
  return out;
}

/** Exchanges a refresh token for a new access token. */
export async function refreshGrant(c: OAuthClient, refreshToken: string, scopes: readonly string[]): Promise<Tokens> {
  const params = new URLSearchParams();
  if (scopes.length) params.set("scope", scopes.join(" "));
  const res = await refreshTokenGrantRequest(c.as, c.client, c.auth, refreshToken, {
    ...c.options,
    additionalParameters: params,
  });
  return reduceTokens(await processRefreshTokenResponse(c.as, c.client, res));
}

/** App-only: the client's own credentials for an access token (no refresh token, no person). */
export async function clientCredentialsGrant(c: OAuthClient, scopes: readonly string[]): Promise<Tokens> {
  const res = await clientCredentialsGrantRequest(
    c.as,
    c.client,
    c.auth,
    new URLSearchParams({ scope: scopes.join(" ") }),
    c.options,
  );
  return reduceTokens(await processClientCredentialsResponse(c.as, c.client, res));
}

/** Revokes a token (RFC 7009); false when the provider has no revocation endpoint. */
export async function revokeToken(c: OAuthClient, token: string): Promise<boolean> {
  if (!c.as.revocation_endpoint) return false;
  const res = await revocationRequest(c.as, c.client, c.auth, token, c.options);
  await processRevocationResponse(res);
  return true;
}
