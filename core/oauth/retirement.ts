/**
 * Warnings for profiles that depend on something a provider is retiring —
 * today Microsoft 365's Basic authentication for SMTP AUTH, off by default
 * for existing tenants from the end of December 2026 — taken from the
 * provider's dated facts, so the date and source are the plugin's, not a
 * constant here. `status` and `profile check` show them.
 */
import type { ProviderProfile } from "../profile.ts";
import type { ProviderDefinition } from "../provider.ts";

/** One warning: a stable code and the sentence with date and source. */
export interface RetirementWarning {
  code: "profile.depends-on-retiring";
  message: string;
  date: string;
  source: string;
}

/** What the profile depends on that its provider says is retiring (or retired), with the dates. */
export function retirementWarnings(
  profile: ProviderProfile,
  provider: ProviderDefinition | undefined,
  now = Date.now(),
): RetirementWarning[] {
  const out: RetirementWarning[] = [];
  const usesPassword = profile.auth !== undefined && profile.oauth === undefined &&
    !["XOAUTH2", "OAUTHBEARER"].includes(profile.auth.mechanism ?? "");
  for (const fact of [...(provider?.dated ?? []), ...(provider?.oauth?.facts ?? [])]) {
    const r = fact.retires;
    if (!r) continue;
    const applies = r.applies === "always" ||
      ((r.applies === "basic-auth" || r.applies === "password") && usesPassword) ||
      (r.applies === "device-flow" && profile.oauth?.flow === "device");
    if (!applies || out.some((w) => w.message.startsWith(r.what))) continue;
    const past = Date.parse(r.date) <= now;
    out.push({
      code: "profile.depends-on-retiring",
      message: `${r.what} ${past ? "was retired on" : "retires on"} ${r.date} (as of ${fact.asOf}, ${fact.source}); ` +
        `profile ${profile.name} uses it: move it to OAuth (smtpilot profile add ${profile.name} --provider ${
          profile.provider ?? "custom"
        } --oauth … --replace, then smtpilot auth login ${profile.name})`,
      date: r.date,
      source: fact.source,
    });
  }
  return out;
}
