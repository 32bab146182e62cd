/**
 * ProviderProfile: one named SMTP submission contract — host, port, TLS mode
 * and auth mechanism belong together (465 = implicit TLS, 587 = STARTTLS,
 * 25 = relay) — plus the sender identities used through it and the last
 * check's verdict. Profiles are validated with valibot wherever they come
 * from (a provider plugin's preset, `~/smtp/provider-profiles.md`). A
 * profile holds a secret *reference*, never a secret.
 */
import * as v from "valibot";
import { isMailboxProblem, parseMailbox } from "./address.ts";
import type { DiagnoseOptions } from "./diagnose-options.ts";
import { SmtpilotError } from "./errors.ts";
import { EXIT_USAGE } from "./exit.ts";
import { OAuthSettingsSchema } from "./oauth/oauth-settings.ts";
import { isSecretRef } from "./secrets.ts";

/** A secret reference as stored in a profile: where the secret comes from at run time. */
export const SecretRefSchema = v.pipe(
  v.string(),
  v.check(
    isSecretRef,
    "must be a secret reference (env:NAME, dotenv:FILE#KEY, cmd:COMMAND, keyring:NAME or prompt), never the secret itself",
  ),
);

/** Mechanisms a profile may pin (the values `--auth-mech` accepts). */
export const PROFILE_MECHANISMS = [
  "PLAIN",
  "LOGIN",
  "SCRAM-SHA-256",
  "SCRAM-SHA-1",
  "CRAM-MD5",
  "XOAUTH2",
  "OAUTHBEARER",
] as const;

/** TLS modes a profile may use. */
export const PROFILE_TLS_MODES = ["auto", "starttls", "implicit", "none"] as const;

const _NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const _HOST =
  /^(?:\[?[0-9a-fA-F:.]+\]?|(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?)$/;
const _DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\.?$/;

/** A profile name: kebab-case, so it works as a file-safe word and a shell word. */
export const ProfileNameSchema = v.pipe(v.string(), v.regex(_NAME, "must be kebab-case, e.g. gmail or work-relay"));

const _Host = v.pipe(v.string(), v.regex(_HOST, "must be a host name or an IP address"));
const _Mailbox = v.pipe(
  v.string(),
  v.check((s) => !isMailboxProblem(parseMailbox(s)), "must be an email address (local@domain)"),
);
const _Iso = v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 timestamp such as 2026-12-01T10:00:00Z"));

/** What `profile check` records: when, the verdict, where it failed and the mechanism that worked. */
export const LastCheckSchema = v.strictObject({
  date: _Iso,
  verdict: v.picklist(["pass", "warn", "fail"]),
  /** How far the check went: `auth` (or `ehlo` without credentials), `envelope` with --to. */
  upTo: v.picklist(["ehlo", "auth", "envelope"]),
  /** The failing layer's code (`auth.invalid-credentials`) when the verdict is fail. */
  code: v.optional(v.string()),
  layer: v.optional(v.string()),
  /** The SASL mechanism that authenticated. */
  mechanism: v.optional(v.string()),
});

/** The valibot schema of a provider profile; unknown keys are rejected to catch typos. */
export const ProviderProfileSchema = v.strictObject({
  name: ProfileNameSchema,
  /** The provider plugin that knows this service (gmail, ses, m365, postfix-relay) or custom. */
  provider: v.optional(v.pipe(v.string(), v.regex(_NAME, "must be a provider name such as gmail or custom"))),
  host: _Host,
  port: v.pipe(
    v.number("must be a number"),
    v.integer("must be a whole number"),
    v.minValue(1, "must be from 1 to 65535"),
    v.maxValue(65535, "must be from 1 to 65535"),
  ),
  tls: v.picklist(PROFILE_TLS_MODES, "must be one of auto, starttls, implicit, none"),
  /** The name the server certificate must match, when it differs from host. */
  servername: v.optional(_Host),
  /** A PEM file of private CA certificates for a private relay. */
  ca: v.optional(v.pipe(v.string(), v.minLength(1))),
  ehloName: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  auth: v.optional(v.strictObject({
    user: v.pipe(v.string(), v.minLength(1), v.maxLength(320)),
    secret: SecretRefSchema,
    mechanism: v.optional(v.picklist(PROFILE_MECHANISMS, `must be one of ${PROFILE_MECHANISMS.join(", ")}`)),
  })),
  /**
   * OAuth 2.0 (core/oauth/): flow, client id, tenant, scopes — nothing secret. The profile's
   * auth secret is then the refresh token (or, app-only, the client secret or certificate key).
   */
  oauth: v.optional(OAuthSettingsSchema),
  /** Header From the profile sends as. */
  from: v.optional(_Mailbox),
  /** Envelope sender (MAIL FROM), when it differs from From. */
  envelopeFrom: v.optional(_Mailbox),
  dkimDomain: v.optional(v.pipe(v.string(), v.regex(_DOMAIN, "must be a domain name"))),
  returnPath: v.optional(_Mailbox),
  notes: v.optional(v.pipe(v.string(), v.maxLength(4000))),
  lastCheck: v.optional(LastCheckSchema),
});

/** A validated provider profile. */
export type ProviderProfile = v.InferOutput<typeof ProviderProfileSchema>;

/** The record of one `profile check`. */
export type LastCheck = v.InferOutput<typeof LastCheckSchema>;

/** Thrown for an invalid profile (exit 2); `code` is E_PROFILE_INVALID, the message lists every issue. */
export class ProfileError extends SmtpilotError {
  constructor(message: string) {
    super("E_PROFILE_INVALID", EXIT_USAGE, message);
  }
}

/** Validates unknown input (parsed YAML/JSON, a plugin's preset) into a profile. */
export function parseProfile(input: unknown): ProviderProfile {
  const result = v.safeParse(ProviderProfileSchema, input);
  if (result.success) return result.output;
  const name = typeof (input as { name?: unknown })?.name === "string" ? (input as { name: string }).name : "(unnamed)";
  // Valibot's default messages repeat the value ("but received …"): it may be a secret, so it is cut.
  const issues = result.issues
    .map((i) => `${v.getDotPath(i) ?? "profile"}: ${i.message.replace(/,? but received [\s\S]*$/, "")}`)
    .join("; ");
  throw new ProfileError(`Invalid profile ${name}: ${issues}`);
}

/**
 * Where the profile's port and TLS mode break the usual contract (465 is
 * implicit TLS, 587 STARTTLS): a hint for the user, not an error, since some
 * providers do use other ports.
 */
export function contractWarnings(p: Pick<ProviderProfile, "port" | "tls">): string[] {
  if (p.port === 465 && (p.tls === "starttls" || p.tls === "none")) {
    return [`port 465 normally speaks implicit TLS, not ${p.tls}`];
  }
  if ((p.port === 587 || p.port === 25) && p.tls === "implicit") {
    return [`port ${p.port} normally speaks STARTTLS, not implicit TLS`];
  }
  return [];
}

/** The envelope sender a profile uses: its envelopeFrom, else its From. */
export function envelopeSender(p: ProviderProfile): string | undefined {
  return p.envelopeFrom ?? p.from;
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
