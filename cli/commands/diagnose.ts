/**
 * `smtpilot diagnose`: turns flags into DiagnoseOptions (core/diagnose-flags.ts,
 * every usage error before any network I/O), resolves the secret up front,
 * runs the diagnosis, redacts the report as data and renders it with the
 * chosen reporter.
 */
import { diagnose } from "../../core/diagnose.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { type DiagnoseFlags, toOptions } from "../../core/diagnose-flags.ts";
import { UsageError } from "../../core/errors.ts";
import { systemIo } from "../../core/io.ts";
import type { ReplyRule } from "../../core/knowledge/reply-rule.ts";
import { shown } from "../../core/printable.ts";
import { providerFor, rulesForTarget } from "../../core/provider.ts";
import { redactDeep, SHORT_SECRET } from "../../core/redact.ts";
import { type DiagnoseReport, exitCodeOf } from "../../core/report.ts";
import type { Reporter } from "../../core/reporter.ts";
import type { LayerId } from "../../core/layer.ts";
import { BUILTIN_BACKEND, type ProbeBackend } from "../../core/plugin.ts";
import { withRecipes } from "./recipes.ts";
import { textReporter } from "../../core/reporters/text.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf, withProfile } from "../../core/memory/run-memory.ts";
import { resolveCredential } from "../../core/oauth/run-credential.ts";
import { markTime, recordSpans } from "../run-timing.ts";
import { resolverAddress } from "../../core/validate.ts";

/** Runs the command. */
export async function runDiagnose(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const given = input.options as unknown as DiagnoseFlags;
  // --profile NAME: the saved values, under whatever the command line says.
  const profile = given.profile === undefined ? undefined : await memoryOf(ctx).profile(given.profile);
  const flags = profile ? withProfile({ ...given, profile: undefined }, profile, ctx) : given;
  const options = toOptions(flags);
  const resolver = flags.resolver === undefined ? undefined : resolverAddress(flags.resolver);
  const registry = await ctx.plugins();
  const reporter = _reporter(flags, ctx.json, registry.reporters);
  // A provider's own knowledge explains a reply first (the profile's provider, or the host's).
  const provider = providerFor(registry.providers, { provider: profile?.provider, host: options.host });
  // An OAuth profile gets a fresh access token here (its token endpoint named first); others resolve the reference.
  if (options.auth) await resolveCredential(ctx, options.auth, profile, provider);
  if (options.auth && !options.auth.oauth && provider?.oauth) options.auth.oauth = provider.oauth;
  const redact = ctx.protectSecrets([options.auth?.secret]);
  const secret = options.auth?.secret;
  if (secret !== undefined && secret.length < SHORT_SECRET) {
    ctx.warn(`the secret is shorter than ${SHORT_SECRET} characters; ordinary text that contains it is masked`);
  }
  const rules = rulesForTarget(provider, registry.replyRules, { port: options.port, authenticated: !!options.auth });

  if (flags.fixture !== undefined) {
    const { startFixtureTarget } = await import("./fixture-target.ts");
    const target = await startFixtureTarget(flags.fixture);
    const unregister = ctx.onCleanup(target.close);
    Object.assign(options, {
      host: target.host,
      port: target.port,
      ca: options.ca ?? target.caPem,
      ...(target.conventionalPort ? { conventionalPort: target.conventionalPort } : {}),
    });
    try {
      return await _run(options, resolver, rules, reporter, flags, ctx, redact);
    } finally {
      unregister();
      await target.close();
    }
  }
  return await _run(options, resolver, rules, reporter, flags, ctx, redact);
}

async function _run(
  options: DiagnoseOptions,
  resolver: string | undefined,
  replyRules: readonly ReplyRule[],
  reporter: Reporter | undefined,
  flags: DiagnoseFlags,
  ctx: RunContext,
  redact: (text: string) => string,
): Promise<CommandResult> {
  const backend = _backend(flags, (await ctx.plugins()).probeBackends);
  const onProgress = (layer: LayerId) => ctx.progress(`checking ${layer}…`);
  markTime("engine");
  const report = backend
    ? await backend.diagnose({
      options,
      io: systemIo(resolver),
      replyRules,
      onProgress,
      ...(flags.swaks !== undefined ? { program: flags.swaks } : {}),
    })
    : await diagnose(options, systemIo(resolver), { replyRules, onProgress });
  markTime("engine-done");
  recordSpans(report.layers.map((l) => [l.id, l.ms]));
  ctx.progress("");
  const document = renderableReport(report, redact);
  const text = reporter ? renderWith(reporter, document, flags.transcript === true, ctx, redact) : undefined;
  if (flags.recipes) return withRecipes({ exitCode: exitCodeOf(report), document, text }, document, flags, options);
  return { exitCode: exitCodeOf(report), document, text };
}

/** The probe backend `--backend` (or `--swaks`) names; undefined for smtpilot's own client. */
function _backend(flags: DiagnoseFlags, backends: ReadonlyMap<string, ProbeBackend>): ProbeBackend | undefined {
  const name = flags.backend ?? (flags.swaks !== undefined ? "swaks" : BUILTIN_BACKEND);
  if (flags.swaks !== undefined && name !== "swaks") {
    throw new UsageError(`--swaks PATH goes with --backend swaks, not --backend ${shown(name)}`);
  }
  if (name === BUILTIN_BACKEND) return undefined;
  const found = backends.get(name);
  if (!found) {
    throw new UsageError(
      `Unknown --backend ${shown(name)}: available are ${[BUILTIN_BACKEND, ...backends.keys()].join(", ")}`,
    );
  }
  return found;
}

/**
 * The report as it may leave the process: every string value passed through
 * the redactor, vocabulary fields (schema, status, codes) untouched. The
 * document is redacted as data and never again as text, so it stays valid
 * JSON with its structure intact whatever the secret is.
 */
export function renderableReport(report: DiagnoseReport, redact: (text: string) => string): DiagnoseReport {
  return redactDeep(report, redact);
}

/** The reporter for --reporter (undefined with --json: the document is printed). */
function _reporter(flags: DiagnoseFlags, json: boolean, plugins: ReadonlyMap<string, Reporter>): Reporter | undefined {
  if (json) return undefined;
  const wanted = flags.reporter ?? "text";
  if (wanted === "text") return textReporter;
  const found = plugins.get(wanted);
  if (!found) {
    throw new UsageError(
      `Unknown --reporter ${shown(wanted)}: available are ${["text", ...plugins.keys()].join(", ")}`,
    );
  }
  return found;
}

/** Renders with a reporter; a plugin reporter that throws or returns no text falls back to the text one. */
export function renderWith(
  reporter: Reporter,
  report: DiagnoseReport,
  transcript: boolean,
  ctx: RunContext,
  redact: (text: string) => string,
): string {
  try {
    const text = reporter.render(report, { transcript });
    if (typeof text === "string") return text;
    ctx.warn(`reporter ${shown(reporter.name)} returned no text; using the text reporter`);
  } catch (err) {
    const why = redact(String((err as Error)?.message ?? err));
    ctx.warn(`reporter ${shown(reporter.name)} failed (${shown(why, 200)}); using the text reporter`);
  }
  return textReporter.render(report, { transcript });
}
