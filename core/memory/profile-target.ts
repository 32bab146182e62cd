/**
 * The rule that binds a saved profile's credentials to that profile's own
 * server: its host, port, TLS mode, certificate name, trusted CA and pinned
 * SASL mechanism (principle 3: they are one contract). A run that names a
 * profile and also gives any of those differently would authenticate
 * somewhere — or somehow — the person who saved the profile never chose.
 *
 * A program acting for a person (the MCP server) may not do that at all: the
 * call is refused before anything is contacted and before the secret is
 * resolved. A person on the command line may (pointing a profile at a test
 * relay is a real need), and the run says so in one line, naming the fields.
 *
 * What is deliberately not part of the contract: the EHLO name (it is what
 * smtpilot says, not where the login goes), envelope addresses, timeouts and
 * the DNS server. DNS is never a trust anchor here: credentials only travel
 * over TLS verified against the profile's server name and CA, so a resolver
 * that lies can redirect the connection but not obtain the login.
 */
import fs from "node:fs";
import path from "node:path";
import { GateError } from "../errors.ts";
import { shown } from "../printable.ts";
import type { ProviderProfile } from "../profile.ts";
import type { RunContext } from "../run-context.ts";

/** The connection fields a profile's credentials are bound to. */
export const CREDENTIAL_TARGET_FIELDS = ["host", "port", "tls", "servername", "ca", "authMech"] as const;

/** One of the fields a profile's credentials are bound to. */
export type CredentialTargetField = typeof CREDENTIAL_TARGET_FIELDS[number];

/** The gate code of an agent's call that points a profile's credentials elsewhere. */
export const PROFILE_TARGET_GATE = "gate.profile-target-override";

/** What a run gives for the target fields and the login (by diagnose's attribute names). */
export interface TargetFlags {
  host?: string;
  port?: number;
  tls?: string;
  servername?: string;
  ca?: string;
  authMech?: string;
  user?: string;
  secret?: string;
}

/**
 * The target fields `flags` gives differently from the profile's own
 * values, when the profile's secret would be used (the profile has one and
 * the run names neither another user nor its own secret). Values equal to
 * the profile's (the same host in another case, the port its mode implies,
 * the same CA file by another path) are not overrides.
 */
export function credentialTargetOverrides(
  flags: TargetFlags,
  profile: ProviderProfile,
  home: string,
): CredentialTargetField[] {
  const auth = profile.auth;
  if (auth?.secret === undefined) return [];
  if (flags.secret !== undefined || (flags.user !== undefined && flags.user !== auth.user)) return [];
  const saved: Record<CredentialTargetField, string | undefined> = {
    host: _name(profile.host),
    port: String(profile.port),
    tls: profile.tls,
    servername: _name(profile.servername ?? profile.host),
    ca: profile.ca === undefined ? undefined : _file(path.resolve(home, profile.ca)),
    authMech: auth.mechanism?.toUpperCase(),
  };
  const given: Record<CredentialTargetField, string | undefined> = {
    host: flags.host === undefined ? undefined : _name(flags.host),
    port: flags.port === undefined ? undefined : String(flags.port),
    tls: flags.tls,
    servername: flags.servername === undefined ? undefined : _name(flags.servername),
    ca: flags.ca === undefined ? undefined : _file(path.resolve(flags.ca)),
    authMech: flags.authMech?.toUpperCase(),
  };
  return CREDENTIAL_TARGET_FIELDS.filter((f) => given[f] !== undefined && given[f] !== saved[f]);
}

/**
 * Applies the rule for one run: an agent's call that overrides a target
 * field of a profile with a secret is refused (GateError, exit 4, nothing
 * contacted); a person's run goes ahead with one warning naming the fields.
 */
export function enforceProfileTarget(
  flags: TargetFlags,
  profile: ProviderProfile,
  home: string,
  ctx: Pick<RunContext, "agent" | "warn">,
): void {
  const fields = credentialTargetOverrides(flags, profile, home);
  if (fields.length === 0) return;
  if (ctx.agent) {
    throw new GateError(
      `Refused: ${fields.join(", ")} would take profile ${profile.name}'s login to another server or form than the ` +
        `one saved with it (${PROFILE_TARGET_GATE}); nothing was contacted. Name the profile alone, or give a ` +
        "target without a profile (no credentials)",
      PROFILE_TARGET_GATE,
    );
  }
  const named = fields.map((f) => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ");
  const where = `${flags.host ?? profile.host}:${flags.port ?? profile.port}`;
  ctx.warn(
    `${named} override profile ${profile.name}'s own: its login (user ${shown(profile.auth?.user ?? "")}) goes to ${
      shown(where)
    }, not to the server saved with it`,
  );
}

/** A host or certificate name as compared: trimmed, lower case, no trailing dot or IPv6 brackets. */
function _name(value: string): string {
  return value.trim().toLowerCase().replace(/\.$/, "").replace(/^\[(.*)\]$/, "$1");
}

/** A file as compared: its real path when it exists (links and `..` resolved), else the path as given. */
function _file(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}
