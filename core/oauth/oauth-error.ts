/**
 * Why getting a token failed, as a diagnosis (code, cause, next step) a
 * person can act on — not "invalid_grant". The token endpoint's own error
 * and description are decoded: Google's "Token has been expired or revoked"
 * (and the 7-day expiry of refresh tokens of apps left in Testing),
 * Microsoft's AADSTS numbers. Descriptions are printed shortened and
 * sanitised. A broken or hostile endpoint may echo what it was sent (the
 * refresh token, the client secret): every output masks the run's secrets
 * as a whole before printing (cli/cli-adapter.ts, the MCP result).
 */
import { ResponseBodyError } from "oauth4webapi";
import { SmtpilotError } from "../errors.ts";
import { EXIT_ENVIRONMENT } from "../exit.ts";
import type { Diagnosis } from "../layer.ts";
import { printable } from "../printable.ts";

/** The exit code of an OAuth failure: 15, like a failure at the auth layer; 3 when the endpoint cannot be reached. */
export const EXIT_OAUTH = 15;

/** A failed OAuth step; `code` is E_OAUTH_…, `diagnosis.code` the matching `auth.oauth-…` code. */
export class OAuthError extends SmtpilotError {
  readonly diagnosis: Diagnosis;

  constructor(diagnosis: Diagnosis, exitCode = EXIT_OAUTH) {
    super(`E_${diagnosis.code.replace(/^auth\./, "").replace(/-/g, "_").toUpperCase()}`, exitCode, diagnosis.summary);
    this.diagnosis = diagnosis;
  }
}

/** Builds an OAuthError from its parts. */
export function oauthError(code: string, summary: string, cause: string, next: string, exit = EXIT_OAUTH): OAuthError {
  return new OAuthError({ code, summary, cause, next }, exit);
}

/** Where the failure happened, for the words of the diagnosis. */
export interface FailureContext {
  dialect: "google" | "microsoft";
  /** The login command for this profile (`smtpilot auth login work`). */
  login: string;
  tokenEndpoint: string;
}

/** Turns whatever oauth4webapi or the fetch threw into an OAuthError. */
export function toOAuthError(err: unknown, ctx: FailureContext): OAuthError {
  if (err instanceof OAuthError) return err;
  if (err instanceof ResponseBodyError) return _fromBody(err.error, err.error_description ?? "", err.status, ctx);
  const e = err as { code?: string; message?: string };
  if (e?.code === "E_OAUTH_UNREACHABLE" || e?.code === "E_ENV") {
    return oauthError(
      "auth.oauth-endpoint-failed",
      `The identity endpoint could not be reached: ${printable(e.message ?? "", 200)}`,
      "The token endpoint did not answer over verified TLS (network, proxy, DNS or certificate).",
      `Check that ${ctx.tokenEndpoint} is reachable from here; for a private CA set the profile's oauth.ca.`,
      EXIT_ENVIRONMENT,
    );
  }
  return oauthError(
    "auth.oauth-endpoint-failed",
    `The identity endpoint answered something unexpected: ${printable(e?.message ?? String(err), 200)}`,
    "The answer was not a valid OAuth 2.0 response (an HTML error page, a proxy, a wrong endpoint).",
    `Check the profile's provider, tenant and oauth.origin; the endpoint used was ${ctx.tokenEndpoint}.`,
  );
}

function _fromBody(error: string, description: string, status: number, ctx: FailureContext): OAuthError {
  const said = printable(description, 300);
  const aadsts = /AADSTS(\d+)/.exec(description)?.[1];
  if (error === "invalid_grant" || aadsts === "700082" || aadsts === "50173") {
    const google = ctx.dialect === "google";
    return oauthError(
      "auth.oauth-invalid-grant",
      `The refresh token was refused (invalid_grant${aadsts ? `, AADSTS${aadsts}` : ""}): ${said}`,
      google
        ? "Google no longer honours this refresh token: it was revoked (myaccount.google.com/permissions), the password " +
          "changed, it went unused for six months — or, if this happens about 7 days after each login, the Google Cloud " +
          'app\'s OAuth consent screen is in "Testing" with external users, whose refresh tokens expire after 7 days.'
        : aadsts === "700082"
        ? "The refresh token expired after too long without use (AADSTS700082)."
        : aadsts === "50173"
        ? "The grant was revoked: the password changed or an admin revoked the sessions (AADSTS50173)."
        : "The identity platform no longer honours this refresh token (revoked, expired, or consent withdrawn).",
      google
        ? `Log in again (${ctx.login}); for the 7-day case, set the app's publishing status to "In production" ` +
          "in the Google Cloud console (OAuth consent screen), or use an Internal app in Workspace."
        : `Log in again (${ctx.login}).`,
    );
  }
  if (error === "invalid_client" || error === "unauthorized_client" || aadsts === "7000218" || aadsts === "700016") {
    return oauthError(
      "auth.oauth-client-rejected",
      `The identity platform refused the app (${error}${aadsts ? `, AADSTS${aadsts}` : ""}): ${said}`,
      aadsts === "7000218"
        ? "The app registration does not allow public client flows (device code), so it wants a client secret."
        : aadsts === "700016"
        ? "No app with this client id exists in the tenant (wrong client id or tenant)."
        : "The client id, client secret or certificate is wrong, expired, or the app may not use this flow.",
      aadsts === "7000218"
        ? 'In Entra ID → App registrations → the app → Authentication, turn on "Allow public client flows", then log in again.'
        : "Check the profile's oauth.clientId and tenant against the app registration, and the client secret or " +
          "certificate behind the profile's secret reference.",
    );
  }
  if (error === "invalid_scope") {
    return oauthError(
      "auth.oauth-scope-missing",
      `The identity platform refused the scopes (invalid_scope): ${said}`,
      "The scopes asked for are not allowed for this app or this flow (Google's device flow allows only a few " +
        "scopes, and https://mail.google.com/ is not one of them).",
      "Use the provider's default scopes and flow: for Gmail --flow auth-code (a browser on this machine).",
    );
  }
  if (error === "consent_required" || error === "interaction_required" || aadsts === "65001" || aadsts === "50076") {
    return oauthError(
      "auth.oauth-consent-required",
      `The identity platform wants the person (or an admin) first (${error}${
        aadsts ? `, AADSTS${aadsts}` : ""
      }): ${said}`,
      "Consent for the scopes is missing, or a policy (MFA, Conditional Access) wants an interactive sign-in.",
      `Log in interactively (${ctx.login}); if an admin must consent, ask for admin consent to the app's SMTP permission.`,
    );
  }
  if (error === "access_denied" || error === "expired_token" || error === "authorization_declined") {
    return oauthError(
      "auth.oauth-login-required",
      `The login was not completed (${error})`,
      error === "expired_token"
        ? "The device code expired before the person finished at the verification page."
        : "The person declined, or the login was cancelled.",
      `Start the login again: ${ctx.login}`,
    );
  }
  return oauthError(
    "auth.oauth-endpoint-failed",
    `The token endpoint refused the request (HTTP ${status}, ${printable(error, 60)}): ${said}`,
    "The identity platform gave an error smtpilot does not know how to explain.",
    `Read the error above; the endpoint was ${ctx.tokenEndpoint}.`,
  );
}
