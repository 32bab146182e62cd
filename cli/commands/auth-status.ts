/**
 * `smtpilot auth status NAME`: gets a fresh access token for an OAuth
 * profile (the token endpoint announced first) and shows its state —
 * expiry, audience, scopes or roles, account — decoded locally and never
 * printed, with the problem that would stop SMTP AUTH (wrong audience, no
 * SMTP scope, expired) and the profile's dated warnings. Exit 0 when the
 * token can work, 15 when it cannot or none could be had, 3 when the
 * identity endpoint cannot be reached.
 */
import { EXIT_OK } from "../../core/exit.ts";
import { AUTH_SCHEMA } from "../../core/schemas.ts";
import { OAuthError } from "../../core/oauth/oauth-error.ts";
import { profileRun, tokenEndpointOf } from "../../core/oauth/profile-credential.ts";
import { retirementWarnings } from "../../core/oauth/retirement.ts";
import { tokenProblem } from "../../core/oauth/token-facts.ts";
import { AccessTokenSource } from "../../core/oauth/token-source.ts";
import { providerFor } from "../../core/provider.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { oauthDeps } from "../../core/oauth/run-credential.ts";
import { oauthProfileOf, renderTokenFacts } from "./auth-render.ts";

/** Runs the command. */
export async function runAuthStatus(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const profile = await oauthProfileOf(memoryOf(ctx), String(input.args[0]));
  const provider = providerFor((await ctx.plugins()).providers, profile);
  const run = profileRun(profile, provider, oauthDeps(ctx));
  const tokenEndpoint = tokenEndpointOf(run);
  ctx.warn(`Mode: OAuth token check for profile ${profile.name}; contacts ${tokenEndpoint}; no SMTP, no mail`);
  const warnings = retirementWarnings(profile, provider);
  const base = {
    schema: AUTH_SCHEMA,
    action: "status",
    profile: profile.name,
    provider: profile.provider ?? "custom",
    flow: run.settings.flow,
    tenant: run.settings.tenant ?? run.provider.defaultTenant ?? null,
    clientId: run.settings.clientId,
    secretRef: run.secretRef,
    tokenEndpoint,
    warnings,
  };
  try {
    const token = await new AccessTokenSource(run).current();
    const problem = tokenProblem(token.facts, run.provider);
    const document = {
      ...base,
      state: problem ? "problem" : "ok",
      token: token.facts,
      rotated: token.rotated,
      ...(problem ? { problem } : {}),
    };
    const text = [
      `Profile ${profile.name}: ${run.settings.flow} via ${tokenEndpoint}`,
      `Refresh: ${token.rotated ? `a new refresh token was stored at ${run.secretRef}` : "ok"}`,
      ...renderTokenFacts(token.facts),
      ...(problem
        ? [`Problem: ${problem.code}: ${problem.summary}`, `Next: ${problem.next}`]
        : ["State: the token can be used for SMTP AUTH"]),
      ...warnings.map((w) => `Warning: ${w.code}: ${w.message}`),
    ].join("\n");
    return { exitCode: problem ? 15 : EXIT_OK, document, text: `${text}\n` };
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    const d = err.diagnosis;
    const document = { ...base, state: "failed", problem: d };
    const text = [`Profile ${profile.name}: no token (${d.code})`, d.summary, `Cause: ${d.cause}`, `Next: ${d.next}`]
      .join("\n");
    return { exitCode: err.exitCode, document, text: `${text}\n` };
  }
}
