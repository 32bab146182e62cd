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
import { type OAuthSettings, OAuthSettingsSchema } from "../../core/oauth/oauth-settings.ts";
import { shown } from "../../core/printable.ts";
import type { ProviderDefinition } from "../../core/provider.ts";
import { expandPath } from "../../core/secrets.ts";
import { readCaFile } from "../../core/validate.ts";

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

/** The `oauth:` block for the flags, or undefined without --oauth. Throws a UsageError naming the flag. */
export function oauthSettingsFromFlags(
  flags: ProfileOAuthFlags,
  provider: ProviderDefinition | undefined,
): OAuthSettings | undefined {
  const keys = [
    "clientId",
    "tenant",
    "oauthScope",
    "oauthOrigin",
    "oauthCa",
    "oauthClientSecret",
    "oauthCertificate",
  ] as const;
  const given = keys.filter((k) => flags[k] !== undefined);
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
