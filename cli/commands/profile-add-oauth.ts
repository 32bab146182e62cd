/**
 * The OAuth part of `profile add`: `--oauth FLOW` with the app's client id,
 * tenant, scopes, and where the identity endpoints are served (the fixture)
 * — validated against the provider's identity platform before anything is
 * saved (a provider without OAuth knowledge, a flow it does not offer for
 * SMTP). The profile's secret then defaults to `keyring:smtpilot/NAME` and
 * its mechanism to XOAUTH2. Nothing here is secret; the client secret is a
 * reference.
 */
import path from "node:path";
import * as v from "valibot";
import { UsageError } from "../../core/errors.ts";
import { OAUTH_FLOWS, type OAuthSettings, OAuthSettingsSchema } from "../../core/oauth/oauth-settings.ts";
import { shown } from "../../core/printable.ts";
import type { ProviderDefinition } from "../../core/provider.ts";
import { expandPath } from "../../core/secrets.ts";
import type { OptionSpec } from "../command-spec.ts";
import { readCaFile } from "../validate.ts";

/** The OAuth flags of `profile add`. */
export interface ProfileOAuthFlags {
  oauth?: string;
  clientId?: string;
  tenant?: string;
  oauthScope?: string[];
  oauthOrigin?: string;
  oauthCa?: string;
  oauthClientSecret?: string;
  oauthCertificate?: string;
}

/** The option definitions (listed in profile.spec.ts after the others). */
export const OAUTH_ADD_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "--oauth <flow>",
    description: "use OAuth 2.0: device, auth-code or client-credentials (then: smtpilot auth login NAME)",
    choices: OAUTH_FLOWS,
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

/** The `oauth:` block for the flags, or undefined without --oauth. Throws a UsageError naming the flag. */
export function oauthSettingsFromFlags(
  flags: ProfileOAuthFlags,
  provider: ProviderDefinition | undefined,
): OAuthSettings | undefined {
  const given = Object.entries(flags).filter(([k, v]) => k !== "oauth" && v !== undefined).map(([k]) => k);
  if (flags.oauth === undefined) {
    if (given.length) throw new UsageError(`--${_kebab(given[0] as string)} goes with --oauth FLOW`);
    return undefined;
  }
  if (!provider?.oauth) {
    throw new UsageError(
      `--oauth needs a provider whose identity platform smtpilot knows (gmail, m365), not ${
        shown(provider?.name ?? "custom")
      }`,
    );
  }
  const flow = flags.oauth as OAuthSettings["flow"];
  const why = provider.oauth.unsupported?.[flow];
  if (why || !provider.oauth.flows.includes(flow)) {
    throw Object.assign(
      new UsageError(
        `--oauth ${flow} does not work for ${provider.name} SMTP${
          why ? `: ${why.text} (as of ${why.asOf}, ${why.source})` : ""
        }; ` +
          `use --oauth ${provider.oauth.flows[0]}`,
      ),
      { code: "E_OAUTH_FLOW_UNSUPPORTED" },
    );
  }
  if (flags.clientId === undefined) {
    throw new UsageError("--oauth needs --client-id: the app registered with the provider");
  }
  if (flags.oauthCertificate !== undefined && flow !== "client-credentials") {
    throw new UsageError("--oauth-certificate goes with --oauth client-credentials");
  }
  const file = (f: string) => {
    readCaFile(f); // a PEM certificate, or a usage error naming the file
    return path.resolve(expandPath(f));
  };
  const candidate = {
    flow,
    clientId: flags.clientId,
    ...(flags.tenant !== undefined ? { tenant: flags.tenant } : {}),
    ...(flags.oauthScope?.length ? { scopes: flags.oauthScope } : {}),
    ...(flags.oauthOrigin !== undefined ? { origin: flags.oauthOrigin.replace(/\/$/, "") } : {}),
    ...(flags.oauthCa !== undefined ? { ca: file(flags.oauthCa) } : {}),
    ...(flags.oauthClientSecret !== undefined ? { clientSecret: flags.oauthClientSecret } : {}),
    ...(flags.oauthCertificate !== undefined ? { certificate: file(flags.oauthCertificate) } : {}),
  };
  const parsed = v.safeParse(OAuthSettingsSchema, candidate);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const key = String(issue?.path?.[0]?.key ?? "oauth");
    throw new UsageError(`Invalid ${_flagOf(key)}: ${issue?.message.replace(/,? but received [\s\S]*$/, "")}`);
  }
  return parsed.output;
}

const _kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function _flagOf(key: string): string {
  const map: Record<string, string> = {
    clientId: "--client-id",
    tenant: "--tenant",
    scopes: "--oauth-scope",
    origin: "--oauth-origin",
    clientSecret: "--oauth-client-secret (a reference such as env:NAME; the value is not shown)",
  };
  return map[key] ?? `--${_kebab(key)}`;
}
