/**
 * `smtpilot profile check NAME`: the diagnosis of a saved profile — up to
 * auth, or up to envelope with `--to` (MAIL FROM is the profile's sender),
 * never DATA — recorded in the profile: verdict, date, where it failed and
 * the mechanism that worked. The diagnosis is exactly `diagnose --profile`.
 */
import type { DiagnoseReport } from "../../core/report.ts";
import type { LastCheck } from "../../core/profile.ts";
import { retirementWarnings } from "../../core/oauth/retirement.ts";
import { providerFor } from "../../core/provider.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { runDiagnose } from "./diagnose.ts";
import { PROFILE_CHECK_SCHEMA } from "../../core/schemas.ts";

/** Runs the command. */
export async function runProfileCheck(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const name = String(input.args[0]);
  const store = memoryOf(ctx);
  const profile = await store.profile(name);
  const o = input.options as { to?: string[]; resolver?: string; timeout?: number; transcript?: true };
  const result = await runDiagnose({
    args: [],
    options: {
      profile: name,
      ...(o.to?.length ? { to: o.to } : {}),
      ...(o.resolver !== undefined ? { resolver: o.resolver } : {}),
      ...(o.timeout !== undefined ? { timeout: o.timeout } : {}),
      ...(o.transcript ? { transcript: true } : {}),
    },
  }, ctx);
  const report = result.document as DiagnoseReport;
  const auth = report.layers.find((l) => l.id === "auth");
  const lastCheck: LastCheck = {
    date: new Date().toISOString(),
    verdict: report.verdict.status === "fail"
      ? "fail"
      : report.layers.some((l) => l.status === "warn")
      ? "warn"
      : "pass",
    upTo: o.to?.length ? "envelope" : profile.auth ? "auth" : "ehlo",
    ...(report.verdict.code ? { code: report.verdict.code } : {}),
    ...(report.verdict.layer ? { layer: report.verdict.layer } : {}),
    ...(auth && auth.status !== "fail" && typeof auth.facts.mechanism === "string"
      ? { mechanism: auth.facts.mechanism }
      : {}),
  };
  await store.recordCheck(name, lastCheck);
  const provider = providerFor((await ctx.plugins()).providers, profile);
  const warnings = retirementWarnings(profile, provider);
  const recorded = `Recorded in ${store.path("profiles")}: ${lastCheck.verdict.toUpperCase()} on ${lastCheck.date}` +
    `${lastCheck.mechanism ? ` (mechanism ${lastCheck.mechanism})` : ""}\n`;
  return {
    exitCode: result.exitCode,
    document: { schema: PROFILE_CHECK_SCHEMA, profile: name, lastCheck, warnings, report },
    ...(result.text !== undefined
      ? {
        text: `${result.text}${result.text.endsWith("\n") ? "" : "\n"}${recorded}` +
          warnings.map((w) => `Warning: ${w.code}: ${w.message}\n`).join(""),
      }
      : {}),
  };
}
