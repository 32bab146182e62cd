/**
 * What the auth layer knows about OAuth: an access token about to be sent
 * as a password is stopped (nothing is sent), a token that cannot work for
 * SMTP is named before it goes out (expired, another audience, no SMTP
 * scope), and a server's refusal of a token is explained — Gmail's 334
 * challenge, base64 JSON {status, schemes, scope}, decoded into facts —
 * instead of the "create an app password" a bare 535 5.7.8 would suggest.
 */
import type { Diagnosis } from "../layer.ts";
import type { SmtpReply } from "../smtp/reply.ts";
import type { ProviderOAuth } from "./provider-oauth.ts";
import { accessTokenShape, describeToken, type TokenFacts, tokenProblem } from "./token-facts.ts";

/** Mechanisms that carry a bearer token. */
const _BEARER = new Set(["XOAUTH2", "OAUTHBEARER"]);

/** Stops an access token from going to PLAIN/LOGIN/SCRAM/CRAM-MD5. */
export function tokenAsPassword(secret: string, mechanism: string, offered: readonly string[]): Diagnosis | undefined {
  if (_BEARER.has(mechanism)) return undefined;
  const shape = accessTokenShape(secret);
  if (!shape) return undefined;
  const bearer = offered.filter((m) => _BEARER.has(m));
  return {
    code: "auth.token-as-password",
    summary: `The secret is an OAuth access token (${shape === "google" ? "ya29.…" : "a JWT"}), not a password: ` +
      `AUTH ${mechanism} was not sent`,
    cause: "An access token works only through a bearer mechanism (XOAUTH2, OAUTHBEARER); sent to " +
      `${mechanism} it always fails — and counts as a failed password login.`,
    next: bearer.length
      ? `Re-run with --auth-mech ${bearer[0]} (the server offers ${bearer.join(", ")}), or save it in the profile.`
      : "The server offers no bearer mechanism on this connection: use the provider's submission host and port.",
  };
}

/** A token's facts, and why it cannot work, before it is sent. */
export function tokenBeforeSend(
  secret: string,
  mechanism: string,
  oauth?: ProviderOAuth,
): { facts?: TokenFacts; problem?: Diagnosis } {
  if (!_BEARER.has(mechanism) || !accessTokenShape(secret)) return {};
  const facts = describeToken(secret);
  const problem = tokenProblem(facts, oauth);
  return { facts, ...(problem ? { problem } : {}) };
}

/** The JSON of a bearer challenge, as sasl.ts appends it to the final reply (`oauth-error {...}`). */
export function oauthErrorOf(reply: SmtpReply): Record<string, string> | undefined {
  for (const line of reply.lines) {
    const m = /^oauth-error (\{.*\})$/.exec(line);
    if (!m) continue;
    try {
      const json = JSON.parse(m[1] as string) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Codes a bearer refusal is reported under when no rule knew better. */
const _GENERIC = new Set([
  "auth.invalid-credentials",
  "auth.rejected",
  "auth.unexpected-reply",
  "auth.app-password-required",
]);

/** Explains a refused token; leaves specific diagnoses (SMTP AUTH disabled…) alone. */
export function bearerFailure(
  diagnosis: Diagnosis,
  reply: SmtpReply,
  mechanism: string,
): { diagnosis: Diagnosis; oauthError?: Record<string, string> } {
  if (!_BEARER.has(mechanism) || !_GENERIC.has(diagnosis.code)) return { diagnosis };
  const oauthError = oauthErrorOf(reply);
  const said = oauthError
    ? ` The server's challenge decoded to status ${oauthError.status ?? "?"}, schemes ${oauthError.schemes ?? "?"}, ` +
      `scope ${oauthError.scope ?? "?"}: the token was refused for that scope (${
        oauthError.status === "400" ? "malformed, or not for this account" : "invalid, expired or revoked"
      }).`
    : "";
  return {
    diagnosis: {
      code: "auth.oauth-token-rejected",
      summary: `The server refused the OAuth access token (${reply.code}${
        reply.enhanced ? ` ${reply.enhanced}` : ""
      }) — a token problem, not a password problem`,
      cause: `The ${mechanism} login failed.${said} Usual causes: the token expired or was revoked, it was issued ` +
        "to another account than the user name, or it lacks the provider's SMTP scope.",
      next:
        "For an OAuth profile: smtpilot auth status NAME (expiry, scopes, account), then smtpilot auth login NAME. " +
        "An app password does not help here.",
    },
    ...(oauthError ? { oauthError } : {}),
  };
}
