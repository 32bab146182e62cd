/**
 * Secret references: where a password or token comes from at run time. The
 * value lives in memory only; it is never written to disk, printed or logged.
 * Today: `env:NAME`. Planned: `dotenv:FILE#NAME`, `cmd:COMMAND`, `prompt`.
 */

/** A parsed reference. */
export type SecretRef = { kind: "env"; name: string };

/** Thrown for a malformed reference; `code` is E_SECRET_REF_INVALID. */
export class SecretRefError extends Error {
  readonly code = "E_SECRET_REF_INVALID";
}

/** Parses `env:NAME`; rejects anything else with the value and the accepted forms. */
export function parseSecretRef(text: string): SecretRef {
  const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (m?.[1]) return { kind: "env", name: m[1] };
  // Never echo the value: it may be the password itself, typed where a reference belongs.
  const scheme = /^(env|dotenv|cmd|prompt):/.exec(text)?.[1];
  throw new SecretRefError(
    `Invalid secret reference${
      scheme ? ` of kind "${scheme}:"` : ""
    }: expected env:NAME (e.g. env:SMTP_PASSWORD); the value is not shown`,
  );
}

/** Reads the secret now; undefined when the variable is unset or empty. */
export function resolveSecret(
  ref: SecretRef,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const value = env[ref.name];
  return value === undefined || value === "" ? undefined : value;
}
