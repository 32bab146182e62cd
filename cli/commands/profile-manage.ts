/**
 * `smtpilot profile list|show|rm`: reading and removing saved profiles.
 * Offline; reading validates the whole file, so a mistake anywhere in it is
 * named (file, line, field) before anything is shown or removed.
 */
import { EXIT_OK } from "../../core/exit.ts";
import { ProfileNotFoundError } from "../../core/memory/memory-error.ts";
import { providerFor } from "../../core/provider.ts";
import { printable } from "../../core/printable.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { describeProfile, providerSummary } from "./profile-render.ts";
import { PROFILE_SCHEMA, PROFILES_SCHEMA } from "../../core/schemas.ts";

/** `profile list`. */
export async function runProfileList(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const store = memoryOf(ctx);
  const profiles = (await store.profiles()).map((p) => p.profile);
  if (input.options.names === true && !ctx.json) {
    return { exitCode: EXIT_OK, text: profiles.map((p) => `${p.name}\n`).join("") };
  }
  const rows = profiles.map((p) =>
    printable(
      `${p.name.padEnd(16)} ${(p.provider ?? "custom").padEnd(14)} ${`${p.host}:${p.port}`.padEnd(36)} ${
        p.tls.padEnd(9)
      } ${p.lastCheck ? `${p.lastCheck.verdict.toUpperCase()} ${p.lastCheck.date.slice(0, 10)}` : "never checked"}`,
      400,
    )
  );
  return {
    exitCode: EXIT_OK,
    document: { schema: PROFILES_SCHEMA, file: store.path("profiles"), profiles },
    text: profiles.length === 0
      ? `No profiles in ${store.path("profiles")}; add one with smtpilot profile add NAME\n`
      : `${
        ["NAME             PROVIDER       SERVER                               TLS       LAST CHECK", ...rows].join(
          "\n",
        )
      }\n`,
  };
}

/** `profile show NAME`. */
export async function runProfileShow(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const store = memoryOf(ctx);
  const profile = await store.profile(String(input.args[0]));
  const registry = await ctx.plugins();
  const provider = providerFor(registry.providers, { provider: profile.provider });
  return {
    exitCode: EXIT_OK,
    document: {
      schema: PROFILE_SCHEMA,
      file: store.path("profiles"),
      profile,
      provider: provider ? providerSummary(provider) : null,
    },
    text: `${[`Profile ${profile.name}`, ...describeProfile(profile, provider)].join("\n")}\n`,
  };
}

/** `profile rm NAME`. */
export async function runProfileRm(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const name = String(input.args[0]);
  const store = memoryOf(ctx);
  const removed = await store.removeProfile(name);
  if (!removed) {
    const names = (await store.profiles()).map((p) => p.profile.name);
    throw new ProfileNotFoundError(
      `No profile named ${JSON.stringify(name.slice(0, 63))}${names.length ? `: there are ${names.join(", ")}` : ""}`,
    );
  }
  return {
    exitCode: EXIT_OK,
    document: { schema: PROFILE_SCHEMA, action: "removed", file: store.path("profiles"), name },
    text: `Profile ${name} removed from ${store.path("profiles")}\n`,
  };
}
