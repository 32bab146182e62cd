/**
 * `smtpilot diagnose`: turns flags into DiagnoseOptions (every usage error
 * before any network I/O), runs the diagnosis, renders it with the chosen
 * reporter, redacts the secret from everything printed, and returns the exit
 * code of the verdict.
 */
import fs from "node:fs";
import net from "node:net";
import { diagnose } from "../../core/diagnose.ts";
import {
  type AuthOptions,
  DEFAULT_DECLARED_SIZE,
  DEFAULT_TIMEOUT_MS,
  type DiagnoseOptions,
  type TlsMode,
} from "../../core/diagnose-options.ts";
import { systemIo } from "../../core/io.ts";
import { makeRedactor } from "../../core/redact.ts";
import { exitCodeOf } from "../../core/report.ts";
import { textReporter } from "../../core/reporters/text.ts";
import { parseSecretRef, resolveSecret } from "../../core/secrets.ts";
import { loadAllPlugins, reportPluginFailures } from "../plugin-loader.ts";
import { UsageError } from "../usage.ts";

/** The parsed flags of `diagnose`. */
export interface DiagnoseFlags {
  host?: string;
  port?: number;
  tls: TlsMode;
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
  timeout?: number;
  profile?: string;
  fixture?: string;
  transcript?: true;
  json?: true;
  reporter?: string;
  /** User plugin files (global --plugin). */
  plugin?: string[];
}

const _DEFAULT_PORT: Record<TlsMode, number> = { auto: 587, starttls: 587, implicit: 465, none: 25 };

/** Runs the command; resolves to the process exit code. */
export async function runDiagnose(flags: DiagnoseFlags): Promise<number> {
  const options = toOptions(flags);
  let resolver: string | undefined;
  if (flags.resolver !== undefined) resolver = _resolverAddress(flags.resolver);
  const registry = await loadAllPlugins(flags.plugin);
  reportPluginFailures(registry, (line) => process.stderr.write(line));
  const wanted = flags.json ? "json" : flags.reporter ?? "text";
  const reporter = wanted === "text" ? textReporter : registry.reporter(wanted);
  if (!reporter) {
    const known = ["text", ...registry.reporters.keys()].join(", ");
    throw new UsageError(`Unknown --reporter "${wanted}": available are ${known}`);
  }

  let stopFixture: (() => Promise<void>) | undefined;
  if (flags.fixture !== undefined) {
    const { startFixtureTarget } = await import("./fixture-target.ts");
    const target = await startFixtureTarget(flags.fixture);
    Object.assign(options, { host: target.host, port: target.port, ca: options.ca ?? target.caPem });
    stopFixture = target.close;
  }
  const onSignal = () => {
    void stopFixture?.().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  try {
    // On a terminal, show which layer is being waited on; nothing of it reaches a pipe or a file.
    const live = process.stderr.isTTY === true && !flags.json;
    const onProgress = live
      ? (layer: string) => process.stderr.write(`\r\x1b[2Ksmtpilot: checking ${layer}…`)
      : undefined;
    const report = await diagnose(options, systemIo(resolver), { replyRules: registry.replyRules, onProgress });
    if (live) process.stderr.write("\r\x1b[2K");
    const redact = makeRedactor([options.auth?.secret]);
    process.stdout.write(redact(reporter.render(report, { transcript: flags.transcript === true })));
    return exitCodeOf(report);
  } finally {
    process.off("SIGINT", onSignal);
    await stopFixture?.();
  }
}

/** Validates flags into options; throws UsageError naming the flag and value. */
export function toOptions(flags: DiagnoseFlags): DiagnoseOptions {
  if (flags.profile !== undefined) {
    throw new UsageError(
      `Profiles are not available yet (--profile "${flags.profile}"); pass --host/--port/--user/--secret instead`,
    );
  }
  if (flags.fixture !== undefined && (flags.host !== undefined || flags.port !== undefined)) {
    throw new UsageError("--fixture chooses the host and port itself; drop --host/--port");
  }
  if (flags.fixture === undefined && (flags.host === undefined || flags.host.trim() === "")) {
    throw new UsageError("Missing --host: the SMTP server to diagnose (or --fixture NAME for the built-in one)");
  }
  const to = flags.to ?? [];
  if ((flags.from === undefined) !== (to.length === 0)) {
    throw new UsageError(
      flags.from === undefined ? "--to needs --from (the envelope sender to test)" : "--from needs at least one --to",
    );
  }
  for (const addr of [flags.from, ...to]) {
    if (addr !== undefined && (addr.length > 320 || /[\s<>]/.test(addr))) {
      throw new UsageError(`Invalid address "${addr}": no spaces or angle brackets, at most 320 characters`);
    }
  }
  if (flags.secret !== undefined && flags.user === undefined) {
    throw new UsageError("--secret needs --user (the account name to authenticate as)");
  }
  let auth: AuthOptions | undefined;
  if (flags.user !== undefined) {
    const secretRef = flags.secret ?? "(none given)";
    let secret: string | undefined;
    if (flags.secret !== undefined) {
      try {
        secret = resolveSecret(parseSecretRef(flags.secret));
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    auth = { user: flags.user, secret, secretRef, ...(flags.authMech ? { mechanism: flags.authMech } : {}) };
  }
  let ca: string | undefined;
  if (flags.ca !== undefined) {
    try {
      ca = fs.readFileSync(flags.ca, "utf8");
    } catch (err) {
      throw new UsageError(
        `Cannot read --ca "${flags.ca}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
      throw new UsageError(`--ca "${flags.ca}" holds no PEM certificate`);
    }
  }
  return {
    host: flags.host?.trim() ?? "127.0.0.1",
    port: flags.port ?? _DEFAULT_PORT[flags.tls],
    tls: flags.tls,
    ...(flags.servername ? { servername: flags.servername } : {}),
    ...(ca ? { ca } : {}),
    ...(flags.ehloName ? { ehloName: flags.ehloName } : {}),
    ...(auth ? { auth } : {}),
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    to,
    timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS,
    declaredSize: flags.size ?? DEFAULT_DECLARED_SIZE,
  };
}

/** Checks `IP[:PORT]` (IPv6 as `[::1]:5353`) and returns it in the form dns.setServers takes. */
function _resolverAddress(value: string): string {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)|([0-9a-fA-F:]+))(?::(\d{1,5}))?$/.exec(value.trim());
  const ip = m?.[1] ?? m?.[2] ?? m?.[3];
  const port = m?.[4] === undefined ? undefined : Number(m[4]);
  if (!ip || net.isIP(ip) === 0 || (port !== undefined && (port < 1 || port > 65535)) || (m?.[3] && m[4])) {
    throw new UsageError(`Invalid --resolver "${value}": expected IP or IP:PORT, e.g. 1.1.1.1 or [2606:4700::1111]:53`);
  }
  if (port === undefined) return ip;
  return net.isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}
