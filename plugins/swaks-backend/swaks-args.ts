/**
 * smtpilot's diagnose request as swaks options. Every value is passed as
 * `--option=value`, so a value that starts with "-" stays a value; the
 * secret is never among them (it goes to swaks' stdin), and no config file,
 * .netrc or SWAKS_OPT_* variable can add options behind smtpilot's back.
 */
import { isIP } from "node:net";

/** Where swaks stops: after the (second) EHLO, after AUTH, or after the last RCPT — never DATA. */
export type QuitAfter = "EHLO" | "AUTH" | "RCPT";

/** One swaks run, as smtpilot wants it. */
export interface SwaksArgsInput {
  /** The address smtpilot's dns layer resolved (swaks connects to exactly this one). */
  address: string;
  port: number;
  mode: "starttls" | "implicit" | "none";
  /** Name the certificate must match (and SNI when it is not an address). */
  name: string;
  /** File with the private CA (`--ca`), when given: then only it is trusted. */
  caFile?: string;
  ehloName: string;
  timeoutMs: number;
  quitAfter: QuitAfter;
  from?: string;
  to: readonly string[];
  /** One mechanism, chosen by smtpilot: swaks given several would try each, a login attempt per mechanism. */
  auth?: { mechanism: string; user: string };
  /** swaks 20240103+: checks the host name itself given `--tls-target`. */
  nativeHostCheck: boolean;
}

/** SASL mechanisms both smtpilot and swaks speak. */
export const SWAKS_MECHANISMS: readonly string[] = ["PLAIN", "LOGIN", "CRAM-MD5"];

/** The argument list (without the program). */
export function swaksArgs(input: SwaksArgsInput): string[] {
  // `--config` with no file first: no ~/.swaksrc, no __END__ config.
  const args = ["--config", `--server=${input.address}`, `--port=${input.port}`, `--ehlo=${input.ehloName}`];
  // One second more than smtpilot's own step timeout, so smtpilot's timer decides.
  args.push(`--timeout=${Math.ceil(input.timeoutMs / 1000) + 1}s`);
  if (input.mode !== "none") {
    args.push(input.mode === "implicit" ? "--tls-on-connect" : "--tls");
    args.push("--tls-verify", "--tls-get-peer-cert");
    if (input.caFile !== undefined) args.push(`--tls-ca-path=${input.caFile}`);
    if (isIP(input.name) === 0) args.push(`--tls-sni=${input.name}`);
    if (input.nativeHostCheck) args.push(`--tls-target=${input.name}`);
  }
  if (input.auth) {
    args.push(`--auth=${input.auth.mechanism}`, `--auth-user=${input.auth.user}`, "--auth-hide-password");
  }
  if (input.quitAfter === "RCPT") {
    args.push(`--from=${input.from ?? ""}`, `--to=${input.to.join(",")}`);
  }
  args.push(`--quit-after=${input.quitAfter}`);
  return args;
}
