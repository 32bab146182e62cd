/**
 * What the user asked a diagnosis to do, after the CLI (or a caller) has
 * parsed flags and resolved the secret. The mode follows from it before any
 * network I/O: credentials make an auth probe, none a connectivity probe.
 */

import type { Diagnosis } from "./layer.ts";
import type { ProviderOAuth } from "./oauth/provider-oauth.ts";

/** How TLS is reached: detected, STARTTLS, implicit (port 465 style) or not at all. */
export type TlsMode = "auto" | "starttls" | "implicit" | "none";

/** The mode of a diagnosis, first line of every report. */
export type ProbeMode = "connectivity-probe" | "auth-probe";

/**
 * Side connections a diagnosis may open to learn what a port speaks:
 * `gentle` (default) sends a TLS ClientHello only after a silence longer than
 * a greeting pause on that port, never plaintext before a banner, and says in
 * the transcript what it sent and why; `off` opens none (a silent port then
 * ends in greeting.timeout without knowing whether it speaks TLS).
 */
export type SideProbes = "gentle" | "off";

/** Credentials of an auth probe. The secret stays in memory only and is redacted from all output. */
export interface AuthOptions {
  user: string;
  /** The resolved secret, or undefined when the reference pointed at nothing (→ auth.no-secret). */
  secret: string | undefined;
  /** Where the secret came from, e.g. `env:SMTP_PASSWORD`, for the report. */
  secretRef: string;
  /** Forced SASL mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER). */
  mechanism?: string;
  /** The provider's identity platform: a token is checked against it (audience, scope, role) before it is sent. */
  oauth?: ProviderOAuth;
  /** Why no token could be had (an OAuth profile's refresh failed): the auth layer reports this diagnosis. */
  failure?: Diagnosis;
  /** What the token endpoint and the token said (expiry, scopes, account) — never the token. */
  token?: Record<string, unknown>;
}

/** A full diagnosis request. */
export interface DiagnoseOptions {
  host: string;
  port: number;
  tls: TlsMode;
  /** Name the certificate must match and SNI; defaults to `host`. */
  servername?: string;
  /** Trusted private CA certificates (PEM contents of `--ca`). */
  ca?: string;
  ehloName?: string;
  auth?: AuthOptions;
  from?: string;
  to: string[];
  /** Per-step timeout in milliseconds. */
  timeoutMs: number;
  /** Timeout of the TCP connection alone, when it should be shorter than the steps (default: timeoutMs). */
  connectTimeoutMs?: number;
  /** Message size declared with MAIL FROM SIZE= when the server offers SIZE. */
  declaredSize: number;
  /** Side probes allowed (default `gentle`). */
  probes?: SideProbes;
  /**
   * The well-known port this one stands in for, when the caller knows (the
   * fixture's implicit-TLS scenarios listen on random ports but behave like
   * 465): it sets how long a silent port is given before a side probe.
   */
  conventionalPort?: number;
  /**
   * Silence after which a side probe may start on ports other than 25 and
   * 465 (default GREETING_PAUSE_MS, core/layers/first-contact.ts): for a
   * caller that knows the server pauses longer before its banner, and for
   * tests, so a pause they configure is not raced by a busy machine's clock.
   */
  greetingPauseMs?: number;
}

/** Default per-step timeout: long enough for a slow greylisting server, short for a human. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default declared message size: a typical text message with a small attachment. */
export const DEFAULT_DECLARED_SIZE = 10_240;

/** The mode a request implies. */
export function probeMode(options: DiagnoseOptions): ProbeMode {
  return options.auth ? "auth-probe" : "connectivity-probe";
}
