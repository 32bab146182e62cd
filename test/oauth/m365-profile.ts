/**
 * The Microsoft 365 OAuth profile the OAuth tests run against the fixture's `m365` scenario: device
 * flow, its token stored under keyring:smtpilot/work, XOAUTH2 on the fixture's STARTTLS port.
 */
import { parseProfile, type ProviderProfile } from "../../core/profile.ts";
import type { RunningFixture } from "../../fixtures/index.ts";
import { FIXTURE_M365_ACCOUNT, FIXTURE_M365_CLIENT_ID, FIXTURE_TENANT } from "../../fixtures/oauth-apps.ts";

/** The profile `work` on `fx`; `oauth` fields are added to the device flow's, other fields replace. */
export function m365Profile(
  fx: RunningFixture,
  over: Partial<ProviderProfile> = {},
  oauth: Record<string, unknown> = {},
): ProviderProfile {
  return parseProfile({
    name: "work",
    provider: "m365",
    host: "127.0.0.1",
    port: fx.ports.m365,
    tls: "starttls",
    auth: { user: FIXTURE_M365_ACCOUNT, secret: "keyring:smtpilot/work", mechanism: "XOAUTH2" },
    oauth: {
      flow: "device",
      clientId: FIXTURE_M365_CLIENT_ID,
      tenant: FIXTURE_TENANT,
      origin: fx.oauth!.origin,
      ...oauth,
    },
    ...over,
  });
}
