/**
 * Access tokens for one run of an OAuth profile: obtained when first needed
 * — a refresh grant for a delegated profile (the refresh token read from its
 * secret reference), client credentials for an app-only one — kept in memory
 * only, and refreshed again when less than a minute of life is left (a
 * quarter, for a token that lives less than four minutes), so a long run —
 * which asks again for each new connection — never sends an expired token;
 * a token a server refuses while it looked valid is renewed once. A refresh token the platform
 * rotates is written back when it lives in the credential store.
 */
import { UsageError } from "../errors.ts";
import type { KeyringBackend } from "../keyring/keyring.ts";
import { parseSecretRef } from "../secrets.ts";
import { clientCredentialsGrant, refreshGrant, type Tokens } from "./grants.ts";
import { type ClientCredential, type OAuthClient, oauthClient } from "./oauth-client.ts";
import { oauthError, toOAuthError } from "./oauth-error.ts";
import type { OAuthSettings } from "./oauth-settings.ts";
import { type ProviderOAuth, scopesFor } from "./provider-oauth.ts";
import { describeToken, type TokenFacts } from "./token-facts.ts";

/** One OAuth profile, as a run sees it. */
export interface OAuthProfileRun {
  /** The profile's name (for messages: `smtpilot auth login NAME`). */
  name: string;
  settings: OAuthSettings;
  provider: ProviderOAuth;
  /** The mailbox the token is for (XOAUTH2 user). */
  user: string;
  /** auth.secret: the refresh token (delegated), or the client secret / certificate key (app-only). */
  secretRef: string;
  /** Resolves a secret reference now, registering the value for redaction. */
  resolve(ref: string, purpose: string): Promise<string | undefined>;
  /** Reads the profile's ca or certificate file (relative to the memory folder). */
  readFile(file: string, what: string): string;
  /** The credential store rotated refresh tokens are written back to. */
  keyring?: KeyringBackend;
  /** Announced before each request to an identity endpoint. */
  onRequest?(method: string, url: URL): void;
  /** Registers a token the moment it arrives, so nothing printed later can hold it. */
  protect(value: string): void;
}

/** An access token of this run, with what it says about itself. */
export interface AccessToken {
  token: string;
  facts: TokenFacts;
  tokenEndpoint: string;
  /** True when the platform sent a new refresh token and it was stored back. */
  rotated: boolean;
}

/** The login command of a profile, as messages name it. */
export const loginCommand = (name: string) => `smtpilot auth login ${name}`;

/** The client of a run (client secret, certificate or none, as the flow and provider want). */
export async function clientFor(run: OAuthProfileRun, appOnlySecret?: string): Promise<OAuthClient> {
  const s = run.settings;
  let credential: ClientCredential = { kind: "none" };
  if (s.flow === "client-credentials") {
    const value = appOnlySecret ?? await run.resolve(run.secretRef, `client credential of ${run.name}`);
    if (value === undefined) {
      throw oauthError(
        "auth.oauth-login-required",
        `The app's credential behind ${run.secretRef} resolved to nothing`,
        "Client credentials need the client secret (or the certificate's private key) behind the profile's secret reference.",
        `Set it (e.g. store it with smtpilot auth login ${run.name} --client-secret-from-stdin) and re-run.`,
      );
    }
    credential = s.certificate
      ? { kind: "certificate", certificatePem: run.readFile(s.certificate, "oauth.certificate"), privateKeyPem: value }
      : { kind: "secret", secret: value };
  } else if (s.clientSecret) {
    const secret = await run.resolve(s.clientSecret, `client secret of ${run.name}`);
    if (secret !== undefined) credential = { kind: "secret", secret };
  }
  const ca = s.ca === undefined ? undefined : run.readFile(s.ca, "oauth.ca");
  return await oauthClient(run.provider, s, credential, {
    ...(ca ? { ca } : {}),
    ...(run.onRequest ? { onRequest: run.onRequest } : {}),
  });
}

/** Registers every token of an answer for redaction before anything else sees it. */
export function protectTokens(run: Pick<OAuthProfileRun, "protect">, tokens: Tokens): Tokens {
  run.protect(tokens.accessToken);
  if (tokens.refreshToken) run.protect(tokens.refreshToken);
  return tokens;
}

/** Refuses a flow the provider does not support for SMTP, before any request. */
export function checkFlow(run: Pick<OAuthProfileRun, "settings" | "provider" | "name">): void {
  const why = run.provider.unsupported?.[run.settings.flow];
  if (why || !run.provider.flows.includes(run.settings.flow)) {
    throw Object.assign(
      new UsageError(
        `The ${run.settings.flow} flow does not work for this provider's SMTP: ${
          why ? `${why.text} (as of ${why.asOf}, ${why.source})` : "not supported"
        }; use --flow ${run.provider.flows[0]}`,
      ),
      { code: "E_OAUTH_FLOW_UNSUPPORTED" },
    );
  }
}

/** The most life a token may have left and still be refreshed before use. */
const _MARGIN_MS = 60_000;

/** The access tokens of one run. */
export class AccessTokenSource {
  #run: OAuthProfileRun;
  #current: AccessToken | undefined;
  #expiresAt = 0;
  /** Refreshed when less than this is left: a minute, or a quarter of a short-lived token's life. */
  #margin = _MARGIN_MS;
  /** The request under way: callers at the same moment (a send's connections) share it. */
  #inflight: Promise<AccessToken> | undefined;

  /** `run` describes the profile; nothing is requested until `current()`. */
  constructor(run: OAuthProfileRun) {
    this.#run = run;
  }

  /**
   * A token with life left — at least a minute, or three quarters of a
   * short-lived token's life — the one in memory, else a fresh one.
   */
  async current(now = Date.now()): Promise<AccessToken> {
    if (this.#current && this.#expiresAt - now > this.#margin) return this.#current;
    this.#inflight ??= this.#fetch(now).finally(() => (this.#inflight = undefined));
    return await this.#inflight;
  }

  /**
   * A new token in place of `rejected`, which a server refused although it
   * looked valid here (revoked, or this clock is behind the platform's).
   * When another caller already renewed it, that newer token is returned
   * without a second request.
   */
  async renew(rejected: string, now = Date.now()): Promise<AccessToken> {
    if (this.#current?.token === rejected) {
      this.#current = undefined;
      this.#expiresAt = 0;
    }
    return await this.current(now);
  }

  async #fetch(now: number): Promise<AccessToken> {
    const run = this.#run;
    checkFlow(run);
    let c: OAuthClient | undefined;
    try {
      c = await clientFor(run);
      const scopes = scopesFor(run.provider, run.settings);
      let tokens: Tokens;
      let rotated = false;
      if (run.settings.flow === "client-credentials") {
        tokens = protectTokens(run, await clientCredentialsGrant(c, scopes));
      } else {
        const refresh = await run.resolve(run.secretRef, `refresh token of ${run.name}`);
        if (refresh === undefined) {
          throw oauthError(
            "auth.oauth-login-required",
            `No refresh token behind ${run.secretRef}: profile ${run.name} is not logged in`,
            "A delegated OAuth profile needs a refresh token from a completed login; none is stored there.",
            `Log in once: ${loginCommand(run.name)}`,
          );
        }
        tokens = protectTokens(run, await refreshGrant(c, refresh, scopes));
        if (tokens.refreshToken && tokens.refreshToken !== refresh) {
          rotated = await this.#storeBack(tokens.refreshToken);
        }
      }
      const facts = describeToken(tokens.accessToken, {
        ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
        ...(tokens.scope !== undefined ? { scope: tokens.scope } : {}),
      });
      this.#current = { token: tokens.accessToken, facts, tokenEndpoint: c.endpoints.token.href, rotated };
      this.#expiresAt = facts.expiresAt ? Date.parse(facts.expiresAt) : now + 3_600_000;
      this.#margin = Math.min(_MARGIN_MS, Math.max(0, this.#expiresAt - now) / 4);
      return this.#current;
    } catch (err) {
      throw toOAuthError(err, {
        dialect: run.provider.dialect,
        login: loginCommand(run.name),
        tokenEndpoint: c?.endpoints.token.href ?? "(the token endpoint)",
      });
    }
  }

  async #storeBack(refreshToken: string): Promise<boolean> {
    const ref = parseSecretRef(this.#run.secretRef);
    if (ref.kind !== "keyring" || !this.#run.keyring) return false;
    await this.#run.keyring.set(ref.name, refreshToken, `smtpilot OAuth refresh token (${this.#run.name})`);
    return true;
  }
}
