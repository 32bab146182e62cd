/**
 * Google's identity platform for Gmail SMTP (XOAUTH2/OAUTHBEARER): the
 * endpoints, the one scope that works (https://mail.google.com/), the
 * flows that do (code + PKCE with a loopback redirect; not the device flow,
 * which Google limits to a few scopes) and the dated facts behind them.
 */
import type { DatedFact, ProviderOAuth } from "../../core/oauth/provider-oauth.ts";

/** Facts about signing in to Gmail over SMTP that changed or change, with date and source. */
export const GMAIL_DATED: readonly DatedFact[] = [
  {
    text: 'Signing in with the account password ("less secure apps") is gone for every account: personal Gmail ' +
      "since 2022-05-30, Google Workspace since 2025-03-14. Only OAuth or an app password works over SMTP",
    asOf: "2025-03-14",
    source: "https://support.google.com/a/answer/14114704",
  },
  {
    text: "App passwords need 2-Step Verification and are unavailable with Advanced Protection, with 2-Step " +
      "Verification by security keys only, or when a Workspace admin has turned them off",
    asOf: "2026-11-30",
    source: "https://support.google.com/accounts/answer/185833",
  },
  {
    text: "Google's device flow allows only a short list of scopes; https://mail.google.com/ is not on it " +
      "(invalid_scope), so Gmail needs the authorization-code flow with a browser",
    asOf: "2026-11-30",
    source: "https://developers.google.com/identity/protocols/oauth2/limited-input-device#allowedscopes",
  },
  {
    text: 'Refresh tokens of an app whose OAuth consent screen is in "Testing" with external users expire after ' +
      '7 days (invalid_grant); publish the app ("In production") or make it Internal (Workspace)',
    asOf: "2026-11-30",
    source: "https://developers.google.com/identity/protocols/oauth2#expiration",
  },
  {
    text: "Google Workspace sends at most 2,000 messages a day per user, and 100 recipients per message over SMTP " +
      "from a mail client; a personal account about 500 recipients a day",
    asOf: "2026-11-30",
    source: "https://support.google.com/a/answer/166852",
  },
  {
    text: "A failed XOAUTH2 login gets a 334 challenge holding base64 JSON {status, schemes, scope}; the client " +
      "answers with an empty line and Gmail then sends 535 5.7.8",
    asOf: "2026-11-30",
    source: "https://developers.google.com/workspace/gmail/imap/xoauth2-protocol",
  },
];

/** Google OAuth for Gmail SMTP. */
export const GMAIL_OAUTH: ProviderOAuth = {
  dialect: "google",
  endpoints: {
    authorization: "https://accounts.google.com/o/oauth2/v2/auth",
    deviceAuthorization: "https://oauth2.googleapis.com/device/code",
    token: "https://oauth2.googleapis.com/token",
    revocation: "https://oauth2.googleapis.com/revoke",
  },
  flows: ["auth-code"],
  unsupported: {
    device: GMAIL_DATED[2] as DatedFact,
    "client-credentials": {
      text: "Gmail has no client-credentials grant; Workspace app-only access is a service account with domain-wide " +
        "delegation, which smtpilot does not run",
      asOf: "2026-11-30",
      source: "https://developers.google.com/identity/protocols/oauth2/service-account",
    },
  },
  scopes: { delegated: ["https://mail.google.com/"] },
  expect: { audiences: [], delegatedScope: "https://mail.google.com/" },
  publicClientSecret: true,
  authorizationParams: { access_type: "offline", prompt: "consent" },
  facts: GMAIL_DATED,
};
