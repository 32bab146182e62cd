/**
 * `smtpilot status`: the memory folder at a glance — settings, profiles with
 * their last check, and every warning — gathered without stopping at the
 * first problem, since status is where a person looks when something is off.
 */
import { EXIT_ENVIRONMENT, EXIT_OK } from "../../core/exit.ts";
import { inspectMemory } from "../../core/memory/inspect.ts";
import { MemoryMissingError } from "../../core/memory/memory-error.ts";
import { sanitize } from "../../core/printable.ts";
import { retirementWarnings } from "../../core/oauth/retirement.ts";
import { providerFor } from "../../core/provider.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { STATUS_SCHEMA } from "../../core/schemas.ts";

/** Runs the command. */
export async function runStatus(_input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const store = memoryOf(ctx);
  const info = await inspectMemory(store);
  if (!info.exists) {
    throw new MemoryMissingError(`There is no memory folder at ${store.home}: run smtpilot init (or pass --home DIR)`);
  }
  const providers = (await ctx.plugins()).providers;
  const retiring = info.profiles.flatMap((p) => retirementWarnings(p, providerFor(providers, p)));
  const profiles = info.profiles.map((p) => ({
    name: p.name,
    provider: p.provider ?? "custom",
    host: p.host,
    port: p.port,
    tls: p.tls,
    ...(p.auth ? { user: p.auth.user, secret: p.auth.secret } : {}),
    ...(p.oauth ? { oauth: { flow: p.oauth.flow, clientId: p.oauth.clientId, tenant: p.oauth.tenant ?? null } } : {}),
    lastCheck: p.lastCheck ?? null,
  }));
  const document = {
    schema: STATUS_SCHEMA,
    home: info.home,
    files: info.files,
    memory: info.settings ?? null,
    profiles,
    sendLogEntries: info.sendLogEntries ?? null,
    deliverability: info.deliverability ?? [],
    warnings: [...info.warnings, ...retiring.map((w) => ({ code: w.code, message: w.message }))],
  };
  const s = info.settings;
  const list = (xs: readonly string[] | undefined) => (xs && xs.length > 0 ? xs.join(", ") : "none");
  const lines = [
    `Memory folder: ${info.home}${s ? ` (${s.status})` : ""}`,
    ...(s
      ? [
        `Approved providers: ${list(s.approvedProviders)}`,
        `Canary recipients: ${list(s.canaries.map((c) => c.address))}`,
        `Sender domains: ${list(s.senderDomains)}`,
        `Safety: canaries fresh for ${s.safety.canaryFreshnessHours} h, at most ${s.safety.maxRecipientsPerBatch} recipients a batch, ` +
        `${s.safety.sendRatePerMinute}/min by default, recipients ${
          s.safety.maskRecipientsInLogs ? "masked" : "shown"
        } in the log`,
        ...(s.plugins.length ? [`Plugins: ${s.plugins.join(", ")}`] : []),
      ]
      : []),
    "",
    profiles.length === 0 ? "Profiles: none (smtpilot profile add NAME)" : "Profiles:",
    ...profiles.map((p) =>
      `  ${p.name.padEnd(16)} ${p.provider.padEnd(14)} ${p.host}:${p.port} ${p.tls.padEnd(8)} ${
        p.lastCheck
          ? `${p.lastCheck.verdict.toUpperCase()} ${p.lastCheck.date.slice(0, 10)}${
            p.lastCheck.code ? ` ${p.lastCheck.code}` : ""
          }`
          : "never checked"
      }`
    ),
    ...(info.sendLogEntries !== undefined ? ["", `Send log: ${info.sendLogEntries} entries`] : []),
    ...(info.deliverability?.length
      ? [
        "",
        "Last canary read, per profile and sending domain (deliverability-notes.md):",
        ...info.deliverability.map((n) =>
          `  ${n.profile} · ${n.domain} · ${n.at.slice(0, 10)}: ${n.summary}${
            n.failing.length ? ` — failing: ${n.failing.join(", ")}` : ""
          }`
        ),
      ]
      : []),
    ...(document.warnings.length
      ? ["", "Warnings:", ...document.warnings.map((w) => `  ${w.code}: ${w.message}`)]
      : []),
  ];
  // A memory file that is missing or does not parse is a problem for every later command: say so in the code.
  const broken = info.warnings.some((w) => w.code === "memory.file-invalid" || w.code === "memory.file-missing");
  // Every line through sanitize: the memory files are edited by hand.
  return { exitCode: broken ? EXIT_ENVIRONMENT : EXIT_OK, document, text: `${lines.map(sanitize).join("\n")}\n` };
}
