/**
 * The definition of `smtpilot auth login|status|logout`: OAuth 2.0 for a
 * profile with an `oauth:` block (Gmail, Microsoft 365). These are the only
 * commands besides an OAuth profile's runs that contact identity endpoints.
 */
import { AUTH_SCHEMA } from "../../core/schemas.ts";
import type { ArgSpec, CommandSpec, GroupSpec } from "../command-spec.ts";

const _NAME: ArgSpec = {
  name: "name",
  description: "an OAuth profile's name",
  required: true,
  complete: { dynamic: "profile-names" },
};

const _NOTES =
  "Exit codes: 0 done, 2 usage error (no such profile, not an OAuth profile, a flow the provider does not\n" +
  "offer), 3 the identity endpoint or the credential store cannot be used, 4 no person could be asked (MCP),\n" +
  "15 the identity platform refused (the code says why: auth.oauth-invalid-grant, auth.oauth-client-rejected…).";

/** `smtpilot auth login`. */
export const authLoginSpec: CommandSpec = {
  name: "login",
  summary: "Log in an OAuth profile (device code or browser) and keep its refresh token in the credential store",
  effect: "network",
  json: { schema: AUTH_SCHEMA },
  args: [_NAME],
  options: [
    { flags: "--no-browser", description: "auth-code flow: print the URL, do not open a browser" },
    {
      flags: "--hand-over",
      description: "show the refresh token once on this terminal for your own store, instead of keyring:NAME",
      cliOnly: true,
    },
    {
      flags: "--secret-stdin",
      description:
        "app-only (client-credentials): read the client secret from stdin and store it at the profile's keyring:NAME",
      cliOnly: true,
    },
  ],
  examples: [
    "smtpilot auth login m365-work          # device code: open the URL shown, enter the code",
    "smtpilot auth login gmail-me            # opens the browser; the login returns to 127.0.0.1",
    "printf '%s\\n' \"$CLIENT_SECRET\" | smtpilot auth login m365-app --secret-stdin",
  ],
  notes: _NOTES,
  load: async () => (await import("./auth-login.ts")).runAuthLogin,
};

/** `smtpilot auth status`. */
export const authStatusSpec: CommandSpec = {
  name: "status",
  summary:
    "Refresh an OAuth profile's access token and show its state (expiry, audience, scopes, account), never the token",
  effect: "network",
  json: { schema: AUTH_SCHEMA },
  args: [_NAME],
  options: [],
  examples: ["smtpilot auth status m365-work", "smtpilot auth status gmail-me --json"],
  notes: _NOTES,
  load: async () => (await import("./auth-status.ts")).runAuthStatus,
};

/** `smtpilot auth logout`. */
export const authLogoutSpec: CommandSpec = {
  name: "logout",
  summary: "Revoke an OAuth profile's refresh token where the provider can, and remove it from the credential store",
  effect: "network",
  json: { schema: AUTH_SCHEMA },
  args: [_NAME],
  options: [],
  examples: ["smtpilot auth logout gmail-me"],
  notes: _NOTES,
  load: async () => (await import("./auth-logout.ts")).runAuthLogout,
};

/** `smtpilot auth`. */
export const authSpec: GroupSpec = {
  name: "auth",
  summary: "OAuth 2.0 for profiles: login, status, logout (Gmail, Microsoft 365)",
  commands: [authLoginSpec, authStatusSpec, authLogoutSpec],
  examples: [
    "smtpilot profile add m365-work --provider m365 --user me@contoso.com --oauth device --client-id APP-ID --tenant contoso.com",
    "smtpilot auth login m365-work",
    "smtpilot profile check m365-work",
  ],
};
