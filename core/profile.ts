/**
 * ProviderProfile: one named SMTP submission contract — host, port, TLS mode
 * and auth mechanism belong together (465 = implicit TLS, 587 = STARTTLS,
 * 25 = relay). Profiles are validated with valibot wherever they come from
 * (a provider plugin's preset today, `~/smtp/provider-profiles.md` with the
 * profiles feature). A profile holds a secret *reference*, never a secret.
 */
import * as v from "valibot";
import type { DiagnoseOptions } from "./diagnose-options.ts";

/** A secret reference as stored in a profile: where the secret comes from at run time. */
export const SecretRefSchema = v.pipe(
  v.string(),
  v.regex(
    /^(?:env:[A-Za-z_][A-Za-z0-9_]*|dotenv:[^#\s]+#[A-Za-z_][A-Za-z0-9_]*|cmd:.+|prompt)$/,
    "must be a secret reference (env:NAME, dotenv:FILE#NAME, cmd:COMMAND or prompt), never the secret itself",
  ),
);

/** The valibot schema of a provider profile; unknown keys are rejected to catch typos. */
export const ProviderProfileSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be kebab-case, e.g. gmail or work-relay")),
  host: v.pipe(v.string(), v.minLength(1), v.maxLength(253)),
  port: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
  tls: v.picklist(["auto", "starttls", "implicit", "none"]),
  servername: v.optional(v.string()),
  ehloName: v.optional(v.string()),
  auth: v.optional(v.strictObject({
    user: v.pipe(v.string(), v.minLength(1)),
    secret: SecretRefSchema,
    mechanism: v.optional(v.picklist(["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"])),
  })),
  from: v.optional(v.string()),
  notes: v.optional(v.string()),
});

/** A validated provider profile. */
export type ProviderProfile = v.InferOutput<typeof ProviderProfileSchema>;

/** Thrown for an invalid profile; `code` is E_PROFILE_INVALID, the message lists every issue. */
export class ProfileError extends Error {
  readonly code = "E_PROFILE_INVALID";
}

/** Validates unknown input (parsed YAML/JSON, a plugin's preset) into a profile. */
export function parseProfile(input: unknown): ProviderProfile {
  const result = v.safeParse(ProviderProfileSchema, input);
  if (result.success) return result.output;
  const name = typeof (input as { name?: unknown })?.name === "string" ? (input as { name: string }).name : "(unnamed)";
  const issues = result.issues.map((i) => `${v.getDotPath(i) ?? "profile"}: ${i.message}`).join("; ");
  throw new ProfileError(`Invalid profile ${name}: ${issues}`);
}

/**
 * Where the profile's port and TLS mode break the usual contract (465 is
 * implicit TLS, 587 STARTTLS): a hint for the user, not an error, since some
 * providers do use other ports.
 */
export function contractWarnings(p: ProviderProfile): string[] {
  if (p.port === 465 && (p.tls === "starttls" || p.tls === "none")) {
    return [`port 465 normally speaks implicit TLS, not ${p.tls}`];
  }
  if ((p.port === 587 || p.port === 25) && p.tls === "implicit") {
    return [`port ${p.port} normally speaks STARTTLS, not implicit TLS`];
  }
  return [];
}

/** The diagnosis target a profile describes (secrets are resolved separately, at run time). */
export function profileTarget(
  p: ProviderProfile,
): Pick<DiagnoseOptions, "host" | "port" | "tls" | "servername" | "ehloName"> {
  return {
    host: p.host,
    port: p.port,
    tls: p.tls,
    ...(p.servername ? { servername: p.servername } : {}),
    ...(p.ehloName ? { ehloName: p.ehloName } : {}),
  };
}
