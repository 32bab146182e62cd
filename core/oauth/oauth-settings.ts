/**
 * The OAuth part of a profile: which flow, which app (client id), which
 * tenant, which scopes — nothing secret. A delegated profile's refresh token
 * lives behind the profile's `auth: secret:` reference (`keyring:NAME`, or a
 * `cmd:` of the person's own store); an app-only profile's client secret or
 * certificate private key does. Access tokens are never stored anywhere.
 */
import * as v from "valibot";
import { isSecretRef } from "../secrets.ts";

/** The grants smtpilot can run. */
export const OAUTH_FLOWS = ["device", "auth-code", "client-credentials"] as const;

/** One grant: RFC 8628 device, RFC 6749 code with PKCE and a loopback redirect (RFC 8252), client credentials. */
export type OAuthFlow = (typeof OAUTH_FLOWS)[number];

const _TENANT =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$/i;
const _ORIGIN = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$|^https:\/\/\[[0-9a-fA-F:.]+\](?::\d{1,5})?$/;

/** The valibot schema of a profile's `oauth:` block. */
export const OAuthSettingsSchema = v.strictObject({
  flow: v.picklist(OAUTH_FLOWS, `must be one of ${OAUTH_FLOWS.join(", ")}`),
  /** The app's client id, as registered with the identity provider (public, not a secret). */
  clientId: v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,256}$/, "must be the app's client id (no spaces)")),
  /** Microsoft Entra tenant (id or domain); `{tenant}` of the endpoints. */
  tenant: v.optional(v.pipe(v.string(), v.regex(_TENANT, "must be a tenant id (GUID) or domain"))),
  /** Scopes to ask for; the provider's defaults for the flow when omitted. */
  scopes: v.optional(v.array(v.pipe(v.string(), v.regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,512}$/, "must be a scope")))),
  /** Where the provider's endpoint paths are served instead (the fixture on loopback): https://HOST[:PORT]. */
  origin: v.optional(v.pipe(v.string(), v.regex(_ORIGIN, "must be an https origin such as https://127.0.0.1:8443"))),
  /** A PEM file of private CAs trusted for the identity endpoints (never instead of verification). */
  ca: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** A reference to the client secret, for providers that want one even from installed apps (Google). */
  clientSecret: v.optional(v.pipe(v.string(), v.check(isSecretRef, "must be a secret reference, never the secret"))),
  /** client-credentials with a certificate: the certificate (PEM file); its private key is behind auth.secret. */
  certificate: v.optional(v.pipe(v.string(), v.minLength(1))),
});

/** A validated `oauth:` block. */
export type OAuthSettings = v.InferOutput<typeof OAuthSettingsSchema>;

/**
 * True when the profile gets its credential through OAuth. Here, beside the settings, so a run
 * can ask without loading the OAuth client (jose, oauth4webapi): most profiles never need it.
 */
export function isOAuthProfile(profile: { oauth?: unknown; auth?: unknown } | undefined): boolean {
  return profile?.oauth !== undefined && profile.auth !== undefined;
}
