/**
 * `smtpilot diagnose`: turns flags into DiagnoseOptions (every usage error
 * before any network I/O), runs the diagnosis, renders it with the chosen
 * reporter, redacts the secret from everything printed, and returns the exit
 * code of the verdict.
 */
import { diagnose } from "../../core/diagnose.ts";
import {
  type AuthOptions,
  DEFAULT_DECLARED_SIZE,
  DEFAULT_TIMEOUT_MS,
  type DiagnoseOptions,
  type TlsMode,
} from "../../core/diagnose-options.ts";
import { systemIo } from "../../core/io.ts";
import { redactDeep, SHORT_SECRET } from "../../core/redact.ts";
import { type DiagnoseReport, exitCodeOf } from "../../core/report.ts";
import type { Reporter } from "../../core/reporter.ts";
import { textReporter } from "../../core/reporters/text.ts";
import { parseSecretRef, resolveSecret } from "../../core/secrets.ts";
import { protectSecrets, writeErr, writeOut } from "../output.ts";
import { loadAllPlugins, reportPluginFailures } from "../plugin-loader.ts";
import { UsageError } from "../usage.ts";
import { ehloNameValue, hasControl, hostValue, readCaFile, resolverAddress } from "../validate.ts";

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
  const redact = protectSecrets([options.auth?.secret]);
  const secret = options.auth?.secret;
  if (secret !== undefined && secret.length < SHORT_SECRET) {
    writeErr(
      `smtpilot: the secret is shorter than ${SHORT_SECRET} characters; ordinary text that contains it is masked in the output\n`,
    );
  }
  let resolver: string | undefined;
  if (flags.resolver !== undefined) resolver = resolverAddress(flags.resolver);
  const registry = await loadAllPlugins(flags.plugin);
  reportPluginFailures(registry, writeErr);
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
  // Ctrl-C: stop the in-process fixture (if any), then exit 130 like a shell would.
  const onSignal = () => {
    void (stopFixture?.() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  try {
    // On a terminal, show which layer is being waited on; nothing of it reaches a pipe or a file.
    const live = process.stderr.isTTY === true && !flags.json;
    const onProgress = live ? (layer: string) => writeErr(`\r\x1b[2Ksmtpilot: checking ${layer}…`) : undefined;
    const report = await diagnose(options, systemIo(resolver), { replyRules: registry.replyRules, onProgress });
    if (live) writeErr("\r\x1b[2K");
    // Redact the data before any reporter escapes it (JSON, HTML…), and the rendered text again.
    writeOut(_render(reporter, redactDeep(report, redact), flags.transcript === true));
    return exitCodeOf(report);
  } finally {
    process.off("SIGINT", onSignal);
    await stopFixture?.();
  }
}

/** Renders with a reporter; a plugin reporter that throws or returns no text falls back to the text one. */
function _render(reporter: Reporter, report: DiagnoseReport, transcript: boolean): string {
  try {
    const text = reporter.render(report, { transcript });
    if (typeof text === "string") return text;
    writeErr(`smtpilot: reporter ${reporter.name} returned no text; using the text reporter\n`);
  } catch (err) {
    writeErr(`smtpilot: reporter ${reporter.name} failed (${(err as Error).message}); using the text reporter\n`);
  }
  return textReporter.render(report, { transcript });
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
  if (flags.user !== undefined && flags.secret === undefined) {
    throw new UsageError(`--user "${flags.user}" needs --secret REF (e.g. --secret env:SMTP_PASSWORD)`);
  }
  if (flags.user !== undefined && hasControl(flags.user)) {
    throw new UsageError("Invalid --user: control characters are not allowed");
  }
  let auth: AuthOptions | undefined;
  if (flags.user !== undefined) {
    const secretRef = flags.secret ?? "";
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
  const ca = flags.ca === undefined ? undefined : readCaFile(flags.ca);
  return {
    host: flags.host === undefined ? "127.0.0.1" : hostValue("--host", flags.host),
    port: flags.port ?? _DEFAULT_PORT[flags.tls],
    tls: flags.tls,
    ...(flags.servername ? { servername: hostValue("--servername", flags.servername) } : {}),
    ...(ca ? { ca } : {}),
    ...(flags.ehloName ? { ehloName: ehloNameValue(flags.ehloName) } : {}),
    ...(auth ? { auth } : {}),
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    to,
    timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS,
    declaredSize: flags.size ?? DEFAULT_DECLARED_SIZE,
  };
}
