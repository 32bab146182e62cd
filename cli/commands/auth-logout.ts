/**
 * `smtpilot auth logout NAME`: revokes the profile's refresh token where the
 * provider offers revocation (Google, RFC 7009; Microsoft Entra has no
 * endpoint for it — its sessions are revoked by an admin or the account
 * owner), then removes it from the credential store. Says which of the two
 * happened; a revocation that fails still removes the local copy.
 */
import { EXIT_OK } from "../../core/exit.ts";
import { AUTH_SCHEMA } from "../../core/schemas.ts";
import { revokeToken } from "../../core/oauth/grants.ts";
import { profileRun } from "../../core/oauth/profile-credential.ts";
import { resolveEndpoints } from "../../core/oauth/provider-oauth.ts";
import { clientFor } from "../../core/oauth/token-source.ts";
import { providerFor } from "../../core/provider.ts";
import { printable } from "../../core/printable.ts";
import { parseSecretRef } from "../../core/secrets.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { oauthDeps } from "../../core/oauth/run-credential.ts";
import { oauthProfileOf } from "./auth-render.ts";

/** Runs the command. */
export async function runAuthLogout(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const profile = await oauthProfileOf(memoryOf(ctx), String(input.args[0]));
  const provider = providerFor((await ctx.plugins()).providers, profile);
  const deps = oauthDeps(ctx);
  const run = profileRun(profile, provider, deps);
  const ref = parseSecretRef(run.secretRef);
  const revocation = resolveEndpoints(run.provider, run.settings).revocation;
  const delegated = run.settings.flow !== "client-credentials";
  let revoked: "yes" | "not-supported" | "failed" | "nothing-stored" = "not-supported";
  let why: string | undefined;
  const token = delegated ? await run.resolve(run.secretRef, `refresh token of ${profile.name}`) : undefined;
  if (delegated && token === undefined) revoked = "nothing-stored";
  else if (delegated && token !== undefined && revocation) {
    ctx.warn(`Mode: OAuth logout for profile ${profile.name}; contacts ${revocation.href}; no mail`);
    try {
      await revokeToken(await clientFor(run), token);
      revoked = "yes";
    } catch (err) {
      revoked = "failed";
      why = printable((err as Error).message ?? String(err), 200);
    }
  }
  const removed = ref.kind === "keyring" ? await deps.keyring!.delete(ref.name) : false;
  const document = {
    schema: AUTH_SCHEMA,
    action: "logout",
    profile: profile.name,
    revoked,
    removed,
    ...(why ? { why } : {}),
  };
  const text = [
    revoked === "yes"
      ? `Revoked the refresh token at ${revocation?.href}`
      : revoked === "failed"
      ? `Revocation failed (${why}); the token may stay valid until it expires`
      : revoked === "nothing-stored"
      ? "No refresh token was stored"
      : `${
        profile.provider ?? "This provider"
      } offers no revocation endpoint: an admin (or the account owner) revokes its sessions`,
    removed
      ? `Removed ${run.secretRef} from the credential store`
      : `Nothing removed from the credential store (${run.secretRef})`,
  ].join("\n");
  return { exitCode: EXIT_OK, document, text: `${text}\n` };
}
