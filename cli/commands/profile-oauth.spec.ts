/**
 * The OAuth options of `profile add`, as data only (no OAuth code is loaded
 * to print --help): the implementation is profile-add-oauth.ts.
 */
import type { OptionSpec } from "../command-spec.ts";

/** The option definitions (listed in profile.spec.ts after the others). */
export const OAUTH_ADD_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "--oauth <flow>",
    description: "use OAuth 2.0: device, auth-code or client-credentials (then: smtpilot auth login NAME)",
    choices: ["device", "auth-code", "client-credentials"],
  },
  { flags: "--client-id <id>", description: "OAuth: the app's client id (Entra application id, Google OAuth client)" },
  { flags: "--tenant <tenant>", description: "OAuth, Microsoft: the tenant id or domain (default: organizations)" },
  {
    flags: "--oauth-scope <scope>",
    description: "OAuth: a scope instead of the provider's default (repeatable)",
    repeatable: true,
  },
  {
    flags: "--oauth-origin <url>",
    description: "OAuth: serve the provider's endpoint paths from this https origin (the fixture's identity server)",
  },
  { flags: "--oauth-ca <file>", description: "OAuth: a private CA (PEM) for the identity endpoints", complete: "file" },
  {
    flags: "--oauth-client-secret <ref>",
    description: "OAuth: a REFERENCE to the client secret a Google desktop app sends (e.g. env:GOOGLE_CLIENT_SECRET)",
  },
  {
    flags: "--oauth-certificate <file>",
    description: "OAuth client credentials: the app's certificate (PEM); its private key is behind --secret",
    complete: "file",
  },
];
