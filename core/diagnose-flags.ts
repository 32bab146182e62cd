/**
 * The flags of a diagnosis as a person types them (`smtpilot diagnose`,
 * `recipes`, a profile's connection for `preflight` and `send`), and their
 * validation into DiagnoseOptions: every usage error before any network
 * I/O, each naming the flag and the value. The secret reference is checked
 * here and resolved by the caller, at use.
 */
import {
  type AuthOptions,
  DEFAULT_DECLARED_SIZE,
  DEFAULT_TIMEOUT_MS,
  type DiagnoseOptions,
  type SideProbes,
  type TlsMode,
} from "./diagnose-options.ts";
import { UsageError } from "./errors.ts";
import { hasControl, shown } from "./printable.ts";
import { parseSecretRef } from "./secrets.ts";
import { ehloNameValue, hostValue, mailboxValue, readCaFile } from "./validate.ts";

/** The parsed flags of `diagnose`. */
export interface DiagnoseFlags {
  host?: string;
  port?: number;
  /** Absent when not typed, so a profile's mode can apply (default auto). */
  tls?: TlsMode;
  servername?: string;
  ca?: string;
  ehloName?: string;
  user?: string;
  secret?: string;
  authMech?: string;
  from?: string;
  to?: string[];
  size?: number;
  resolver?: string;
  probes?: SideProbes;
  timeout?: number;
  profile?: string;
  fixture?: string;
  transcript?: true;
  json?: true;
  reporter?: string;
  /** `--backend NAME`: a probe backend from a plugin (`swaks`), or `builtin`. */
  backend?: string;
  /** `--swaks PATH`: the program of the swaks backend. */
  swaks?: string;
  /** `--recipes`: after a failure, the commands to check the failing layer (and the one below) by hand. */
  recipes?: true;
}

const _DEFAULT_PORT: Record<TlsMode, number> = { auto: 587, starttls: 587, implicit: 465, none: 25 };

/**
 * Validates flags into options; throws UsageError naming the flag and value.
 * The secret reference is checked here and resolved by the caller, at use.
 */
export function toOptions(flags: DiagnoseFlags): DiagnoseOptions {
  const tls = flags.tls ?? "auto";
  if (flags.fixture !== undefined && (flags.host !== undefined || flags.port !== undefined)) {
    throw new UsageError("--fixture chooses the host and port itself; drop --host/--port");
  }
  if (flags.fixture === undefined && (flags.host === undefined || flags.host.trim() === "")) {
    throw new UsageError("Missing --host: the SMTP server to diagnose (or --fixture NAME for the built-in one)");
  }
  const to = (flags.to ?? []).map((a) => mailboxValue("--to", a).address);
  const from = flags.from === undefined ? undefined : mailboxValue("--from", flags.from).address;
  if ((from === undefined) !== (to.length === 0)) {
    throw new UsageError(
      from === undefined ? "--to needs --from (the envelope sender to test)" : "--from needs at least one --to",
    );
  }
  if (flags.secret !== undefined && flags.user === undefined) {
    throw new UsageError("--secret needs --user (the account name to authenticate as)");
  }
  if (flags.user !== undefined && flags.secret === undefined) {
    throw new UsageError(`--user ${shown(flags.user)} needs --secret REF (e.g. --secret env:SMTP_PASSWORD)`);
  }
  if (flags.user !== undefined && (hasControl(flags.user) || flags.user.trim() === "")) {
    throw new UsageError("Invalid --user: empty, or holds control characters");
  }
  let auth: AuthOptions | undefined;
  if (flags.user !== undefined && flags.secret !== undefined) {
    auth = {
      user: flags.user,
      secret: _checkRef(flags.secret),
      secretRef: flags.secret,
      ...(flags.authMech ? { mechanism: flags.authMech } : {}),
    };
  }
  const ca = flags.ca === undefined ? undefined : readCaFile(flags.ca);
  return {
    host: flags.host === undefined ? "127.0.0.1" : hostValue("--host", flags.host),
    port: flags.port ?? _DEFAULT_PORT[tls],
    tls,
    ...(flags.servername ? { servername: hostValue("--servername", flags.servername) } : {}),
    ...(ca ? { ca } : {}),
    ...(flags.ehloName ? { ehloName: ehloNameValue(flags.ehloName) } : {}),
    ...(auth ? { auth } : {}),
    ...(from !== undefined ? { from } : {}),
    to,
    timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS,
    declaredSize: flags.size ?? DEFAULT_DECLARED_SIZE,
    probes: flags.probes ?? "gentle",
  };
}

/** Checks the reference's form now (usage error, value never echoed); it is resolved at use. */
function _checkRef(ref: string): undefined {
  parseSecretRef(ref);
  return undefined;
}
