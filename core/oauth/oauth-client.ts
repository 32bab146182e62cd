/**
 * The pieces oauth4webapi needs for one profile: the authorization server
 * (its resolved endpoints), the client (the app's id), how the client
 * authenticates (none for a public app, the client secret, or a JWT signed
 * with the app certificate's key — the assertion carries the certificate's
 * thumbprint, as Microsoft Entra wants), and the fetch every request goes
 * through.
 */
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import {
  type AuthorizationServer,
  type Client,
  type ClientAuth,
  ClientSecretPost,
  customFetch,
  modifyAssertion,
  None,
  type PrivateKey,
  PrivateKeyJwt,
} from "oauth4webapi";
import { importPKCS8 } from "jose";
import { UsageError } from "../errors.ts";
import { httpsFetch, type HttpsFetchOptions, type OAuthFetch } from "./https-fetch.ts";
import type { OAuthSettings } from "./oauth-settings.ts";
import { type ProviderOAuth, type ResolvedEndpoints, resolveEndpoints } from "./provider-oauth.ts";

/** Everything a grant request needs. */
export interface OAuthClient {
  as: AuthorizationServer;
  client: Client;
  auth: ClientAuth;
  /** Passed to every request: the fetch that announces, verifies and limits. */
  options: { [customFetch]: OAuthFetch };
  endpoints: ResolvedEndpoints;
}

/** How the client proves itself: nothing, a secret, or a certificate's private key (PEM). */
export type ClientCredential =
  | { kind: "none" }
  | { kind: "secret"; secret: string }
  | { kind: "certificate"; certificatePem: string; privateKeyPem: string };

/** Builds the client of one profile. */
export async function oauthClient(
  provider: ProviderOAuth,
  settings: OAuthSettings,
  credential: ClientCredential,
  http: HttpsFetchOptions,
): Promise<OAuthClient> {
  const endpoints = resolveEndpoints(provider, settings);
  const as: AuthorizationServer = {
    issuer: endpoints.token.origin,
    token_endpoint: endpoints.token.href,
    authorization_endpoint: endpoints.authorization.href,
    ...(endpoints.deviceAuthorization ? { device_authorization_endpoint: endpoints.deviceAuthorization.href } : {}),
    ...(endpoints.revocation ? { revocation_endpoint: endpoints.revocation.href } : {}),
  };
  const client: Client = { client_id: settings.clientId };
  const auth = await _clientAuth(credential, endpoints.token.href);
  const options = { [customFetch]: httpsFetch(http) };
  return { as, client, auth, options, endpoints };
}

async function _clientAuth(credential: ClientCredential, tokenEndpoint: string): Promise<ClientAuth> {
  if (credential.kind === "none") return None();
  if (credential.kind === "secret") return ClientSecretPost(credential.secret);
  let thumbprint: string;
  try {
    const der = new X509Certificate(credential.certificatePem).raw;
    thumbprint = createHash("sha1").update(der).digest("base64url");
  } catch {
    throw new UsageError("The profile's oauth.certificate is not a PEM certificate");
  }
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    // PKCS#1 ("BEGIN RSA PRIVATE KEY") is common for app certificates; jose wants PKCS#8.
    const pkcs8 = createPrivateKey(credential.privateKeyPem.trim()).export({ format: "pem", type: "pkcs8" });
    key = await importPKCS8(String(pkcs8), "RS256");
  } catch {
    throw new UsageError(
      "The certificate's private key (behind the profile's secret reference) is not a PKCS#8 RSA key; the value is not shown",
    );
  }
  return PrivateKeyJwt({ key } as PrivateKey, {
    [modifyAssertion]: (header: Record<string, unknown>, payload: Record<string, unknown>) => {
      // Microsoft Entra finds the certificate by its SHA-1 thumbprint and wants the token endpoint as audience.
      header.x5t = thumbprint;
      payload.aud = tokenEndpoint;
    },
  });
}
