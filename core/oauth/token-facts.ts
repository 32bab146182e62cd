/**
 * What an access token says about itself, decoded locally and never
 * verified or printed: expiry, audience, delegated scopes (`scp`), app roles
 * (`roles`), account and tenant — from the JWT claims of a Microsoft token,
 * or from the token endpoint's answer for Google's opaque `ya29.` tokens.
 * Also: whether a "password" is really an access token, and whether a token
 * can work for SMTP at all (right audience, SMTP.Send / SMTP.SendAsApp or
 * https://mail.google.com/, not expired) — checked before it is sent.
 */
// jose by its decoder alone: its main entry loads every module it has (21), and every probe and send
// reads this file (core/layers/auth.ts).
import { decodeJwt } from "jose/jwt/decode";
import type { Diagnosis } from "../layer.ts";
import type { ProviderOAuth } from "./provider-oauth.ts";

/** The decoded state of a token (no part of the token itself). */
export interface TokenFacts {
  kind: "jwt" | "opaque";
  /** ISO time the token expires, when known. */
  expiresAt?: string;
  audience?: string[];
  scopes?: string[];
  roles?: string[];
  /** The signed-in account (upn, preferred_username, email) — delegated tokens only. */
  account?: string;
  tenant?: string;
  /** The app the token was issued to (appid/azp/client_id). */
  app?: string;
}

/** What the token endpoint said next to the token (expires_in, scope). */
export interface TokenResponseFacts {
  expiresAt?: number;
  scope?: string;
}

const _JWT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** `google` for a Google OAuth access token (ya29.…), `jwt` for a JWT, else undefined. */
export function accessTokenShape(secret: string): "google" | "jwt" | undefined {
  if (/^ya29\.[A-Za-z0-9_.-]{20,}$/.test(secret)) return "google";
  if (_JWT.test(secret) && secret.length > 60) return "jwt";
  return undefined;
}

/** Decodes what can be known about `token` without asking anyone. */
export function describeToken(token: string, response: TokenResponseFacts = {}): TokenFacts {
  const list = (x: unknown): string[] | undefined =>
    typeof x === "string" ? x.split(/\s+/).filter(Boolean) : Array.isArray(x) ? x.map(String) : undefined;
  const expiresAt = response.expiresAt === undefined ? undefined : new Date(response.expiresAt).toISOString();
  if (accessTokenShape(token) === "jwt") {
    try {
      const c = decodeJwt(token) as Record<string, unknown>;
      const str = (k: string) => (typeof c[k] === "string" ? (c[k] as string) : undefined);
      const exp = typeof c.exp === "number" ? new Date(c.exp * 1000).toISOString() : expiresAt;
      const scopes = list(c.scp) ?? list(c.scope) ?? list(response.scope);
      const out: TokenFacts = { kind: "jwt" };
      if (exp) out.expiresAt = exp;
      const aud = list(c.aud);
      if (aud) out.audience = aud;
      if (scopes) out.scopes = scopes;
      const roles = list(c.roles);
      if (roles) out.roles = roles;
      const account = str("upn") ?? str("preferred_username") ?? str("email") ?? str("unique_name");
      if (account) out.account = account;
      const tid = str("tid");
      if (tid) out.tenant = tid;
      const app = str("appid") ?? str("azp") ?? str("client_id");
      if (app) out.app = app;
      return out;
    } catch {
      // Not decodable after all: treat as opaque.
    }
  }
  const out: TokenFacts = { kind: "opaque" };
  if (expiresAt) out.expiresAt = expiresAt;
  const scopes = list(response.scope);
  if (scopes) out.scopes = scopes;
  return out;
}

/**
 * Why this token cannot work for SMTP with this provider, before any server
 * sees it: expired, for another audience, or without the SMTP scope / role.
 * Undefined when nothing is known to be wrong.
 */
export function tokenProblem(facts: TokenFacts, oauth?: ProviderOAuth, now = Date.now()): Diagnosis | undefined {
  if (facts.expiresAt && Date.parse(facts.expiresAt) <= now) {
    return {
      code: "auth.oauth-token-expired",
      summary: `The access token expired at ${facts.expiresAt}`,
      cause: "Access tokens live about an hour; this one is past its expiry, so every server refuses it.",
      next: "Let smtpilot refresh it (an OAuth profile refreshes on every run), or get a fresh token from your helper.",
    };
  }
  if (!oauth) return undefined;
  const e = oauth.expect;
  if (facts.audience && !facts.audience.some((a) => e.audiences.includes(a))) {
    return {
      code: "auth.oauth-wrong-audience",
      summary: `The access token is for ${facts.audience.join(", ")}, not for SMTP`,
      cause: `A token is valid for one resource; SMTP AUTH needs one issued for ${e.audiences[0]} ` +
        "(a Microsoft Graph token, aud https://graph.microsoft.com, does not work for SMTP).",
      next: `Ask for the scope ${e.delegatedScope} (delegated) or ${
        oauth.scopes.appOnly?.[0] ?? e.delegatedScope
      } (app-only) instead of the Graph scope.`,
    };
  }
  const hasScope = (facts.scopes ?? []).some((s) => s === e.delegatedScope || e.delegatedScope.endsWith(`/${s}`));
  const hasRole = e.appRole !== undefined && (facts.roles ?? []).includes(e.appRole);
  const known = facts.scopes !== undefined || facts.roles !== undefined;
  if (known && !hasScope && !hasRole) {
    const appOnly = facts.roles !== undefined || facts.account === undefined && facts.kind === "jwt";
    return {
      code: "auth.oauth-scope-missing",
      summary: appOnly && e.appRole
        ? `The app-only token has no ${e.appRole} role (roles: ${(facts.roles ?? []).join(" ") || "none"})`
        : `The access token lacks the ${e.delegatedScope} scope (scopes: ${(facts.scopes ?? []).join(" ") || "none"})`,
      cause: appOnly && e.appRole
        ? `App-only sending needs the application permission ${e.appRole} (Office 365 Exchange Online), granted with admin consent.`
        : `SMTP AUTH accepts only tokens carrying ${e.delegatedScope}.`,
      next: appOnly && e.appRole
        ? `Add the ${e.appRole} application permission to the app registration, grant admin consent, register the ` +
          "service principal in Exchange Online (New-ServicePrincipal) and give it the mailbox (Add-MailboxPermission)."
        : `Add ${e.delegatedScope} to the app's permissions and log in again so the person consents to it.`,
    };
  }
  return undefined;
}
