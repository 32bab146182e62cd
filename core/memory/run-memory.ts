/**
 * What a run's use cases share about the memory folder and secrets (for
 * the CLI's commands, the MCP tools and core/send/ alike): the store for
 * this run (`--home`, SMTPILOT_HOME or ~/smtp, every write redacted of the
 * run's secrets), a saved profile merged under the command-line flags, and
 * a secret resolved at the moment of use and registered for redaction
 * before anything can print it.
 */
import path from "node:path";
import type { DiagnoseFlags } from "../diagnose-flags.ts";
import { UsageError } from "../errors.ts";
import { resolveHome } from "./layout.ts";
import { enforceProfileTarget } from "./profile-target.ts";
import { type MemoryStore, openMemory } from "./store.ts";
import { shown } from "../printable.ts";
import { envelopeSender, type ProviderProfile } from "../profile.ts";
import { parseSecretRef, resolveSecret } from "../secrets.ts";
import { refuseResolvedInReference } from "./secret-values.ts";
import type { RunContext } from "../run-context.ts";

/** The memory folder of this run. */
export function memoryHome(ctx: Pick<RunContext, "globals">): string {
  return resolveHome(ctx.globals.home);
}

/** The memory store of this run; its writes are redacted of every secret resolved so far. */
export function memoryOf(ctx: Pick<RunContext, "globals" | "protectSecrets">): MemoryStore {
  return openMemory({ home: memoryHome(ctx), redact: () => ctx.protectSecrets([]) });
}

/** The connection flags a profile can fill (diagnose's, by the same names). */
export type ProfileFlags = Pick<
  DiagnoseFlags,
  "host" | "port" | "tls" | "servername" | "ca" | "ehloName" | "user" | "secret" | "authMech" | "from" | "to"
>;

/**
 * The flags with the profile's values where the command line gave none. The
 * profile's envelope sender (else its From) becomes MAIL FROM when
 * recipients are given. Every merge of a profile with flags goes through
 * here, so the rule of core/memory/profile-target.ts holds for every
 * command: the profile's credentials go only to its own server — an agent
 * that overrides its target is refused before anything is contacted or the
 * secret resolved; a person may override it, and is told in one line.
 */
export function withProfile<F extends ProfileFlags>(
  flags: F,
  profile: ProviderProfile,
  ctx: Pick<RunContext, "globals" | "agent" | "warn">,
): F {
  const home = memoryHome(ctx);
  enforceProfileTarget(flags, profile, home, ctx);
  const pick = <T>(given: T | undefined, saved: T | undefined) => (given !== undefined ? given : saved);
  const ca = profile.ca === undefined ? undefined : path.resolve(home, profile.ca);
  const out: F = {
    ...flags,
    host: pick(flags.host, profile.host),
    port: pick(flags.port, profile.port),
    tls: pick(flags.tls, profile.tls),
    servername: pick(flags.servername, profile.servername),
    ca: pick(flags.ca, ca),
    ehloName: pick(flags.ehloName, profile.ehloName),
    user: pick(flags.user, profile.auth?.user),
    secret: pick(
      flags.secret,
      flags.user !== undefined && flags.user !== profile.auth?.user ? undefined : profile.auth?.secret,
    ),
    authMech: pick(flags.authMech, profile.auth?.mechanism),
    from: pick(flags.from, (flags.to?.length ?? 0) > 0 ? envelopeSender(profile) : undefined),
  };
  for (const key of Object.keys(out) as (keyof F)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/**
 * Resolves a secret reference now, for `purpose` ("password for me@example.com").
 * The value is registered with the run's redactor before this returns; a
 * reference that yields nothing is a usage error before any network I/O.
 */
export async function secretForRun(ref: string, ctx: RunContext, purpose: string): Promise<string> {
  const parsed = parseSecretRef(ref); // throws E_SECRET_REF_INVALID without echoing
  const value = await resolveSecret(parsed, {
    memoryHome: memoryHome(ctx),
    interactive: ctx.interactive,
    protect: (v) => void ctx.protectSecrets([v]),
    purpose,
  });
  if (value === undefined) {
    throw new UsageError(
      `The secret reference ${
        shown(ref)
      } resolved to nothing (the variable, key or command output is unset or empty); set it and re-run`,
    );
  }
  refuseResolvedInReference(ref, value, `for ${purpose}`);
  return value;
}
