/**
 * A login for one OAuth profile: the profile's flow, run to the end with the
 * person in the loop — the device code shown to them, or the authorization
 * URL opened for them — and the tokens registered for redaction the moment
 * they arrive. Client credentials have no person: the "login" checks that
 * the app's credential gets a token. Storing the refresh token is the
 * caller's (the credential store, or handed once to the person).
 */
import { type DeviceCode, deviceFlow } from "./device-flow.ts";
import { authCodeFlow } from "./auth-code-flow.ts";
import { clientCredentialsGrant, type Tokens } from "./grants.ts";
import { oauthError, toOAuthError } from "./oauth-error.ts";
import { scopesFor } from "./provider-oauth.ts";
import { describeToken, type TokenFacts } from "./token-facts.ts";
import { checkFlow, clientFor, loginCommand, type OAuthProfileRun, protectTokens } from "./token-source.ts";

/** How the person is reached during a login. */
export interface LoginUi {
  /** Device flow: show the verification URL and user code to the person (never to a program). */
  showDeviceCode(code: DeviceCode): void | Promise<void>;
  /** Authorization code: show or open the authorization URL. */
  openUrl(url: URL): void | Promise<void>;
  signal?: AbortSignal;
  /** Client credentials: the client secret or private key typed in for this login (else the profile's reference). */
  appSecret?: string;
}

/** What a login produced. */
export interface LoginResult {
  tokens: Tokens;
  facts: TokenFacts;
  tokenEndpoint: string;
}

/** Runs the profile's flow. Throws OAuthError (or E_OAUTH_FLOW_UNSUPPORTED before any request). */
export async function loginProfile(run: OAuthProfileRun, ui: LoginUi): Promise<LoginResult> {
  checkFlow(run);
  let tokenEndpoint = "(the token endpoint)";
  try {
    const c = await clientFor(run, ui.appSecret);
    tokenEndpoint = c.endpoints.token.href;
    const scopes = scopesFor(run.provider, run.settings);
    let tokens: Tokens;
    if (run.settings.flow === "device") {
      tokens = await deviceFlow(c, scopes, { show: ui.showDeviceCode, ...(ui.signal ? { signal: ui.signal } : {}) });
    } else if (run.settings.flow === "auth-code") {
      tokens = await authCodeFlow(c, scopes, {
        open: ui.openUrl,
        extra: { ...run.provider.authorizationParams, login_hint: run.user },
        ...(ui.signal ? { signal: ui.signal } : {}),
      });
    } else {
      tokens = await clientCredentialsGrant(c, scopes);
    }
    protectTokens(run, tokens);
    if (run.settings.flow !== "client-credentials" && !tokens.refreshToken) {
      throw oauthError(
        "auth.oauth-consent-required",
        "The login gave no refresh token",
        "Without a refresh token smtpilot would need a login every hour (Microsoft: the offline_access scope is " +
          "missing; Google: the app did not ask for offline access).",
        "Keep the provider's default scopes (remove oauth.scopes from the profile) and log in again.",
      );
    }
    const facts = describeToken(tokens.accessToken, {
      ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
      ...(tokens.scope !== undefined ? { scope: tokens.scope } : {}),
    });
    return { tokens, facts, tokenEndpoint };
  } catch (err) {
    throw toOAuthError(err, { dialect: run.provider.dialect, login: loginCommand(run.name), tokenEndpoint });
  }
}
