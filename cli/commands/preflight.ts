/**
 * `smtpilot preflight`: runs the gates that can be judged before sending,
 * the diagnosis up to envelope and the alignment table; issues a plan token
 * only when all of it passes, records the dry run in the send log, and
 * prints the `smtpilot.plan/1` document.
 */
import { alignPolicyOf } from "../../core/align/provider-policy.ts";
import { DNS_TIMEOUT_MS, systemDns } from "../../core/domain/dns.ts";
import { EXIT_FINDINGS, EXIT_OK } from "../../core/exit.ts";
import { systemIo } from "../../core/io.ts";
import { redactDeep } from "../../core/redact.ts";
import { exitCodeOf } from "../../core/report.ts";
import { issuePlan, PLAN_SCHEMA } from "../../core/send/plan.ts";
import { storeIssuedPlan } from "../../core/send/plan-store.ts";
import { PREFLIGHT_SAMPLE, type PreflightResult, runPreflight } from "../../core/send/preflight.ts";
import { readRecipients } from "../../core/send/recipients.ts";
import { logStep } from "./send-log.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { checkSendGates } from "./send-gates.ts";
import { type SendFlags, type SendSetup, sendSetup, unlockSecret } from "./send-setup.ts";
import { renderPreflight } from "./send-render.ts";

/** Runs the command. */
export async function runPreflightCommand(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as SendFlags;
  const setup = await sendSetup(flags, ctx);
  await checkSendGates(setup, flags, new Date());
  await unlockSecret(setup, ctx);
  const result = await preflightOf(setup, ctx);
  const now = new Date();
  // An agent never holds a plan token: it would be a way around the person's confirmation.
  // Its send_canary/send_scale call runs this preflight again and asks the person instead.
  const plan = result.passed && !ctx.agent ? issuePlan(setup.subject, now) : undefined;
  if (plan) await storeIssuedPlan(setup.store, plan, now);
  await logStep(setup.store, {
    kind: "preflight",
    profile: setup.profile.name,
    mode: setup.mode,
    ...(setup.to !== undefined ? { recipient: setup.to } : { recipients: setup.subject.recipients.count }),
    from: setup.draft.from.address,
    messageId: setup.draft.messageId,
    digest: setup.draft.digest,
    state: result.passed ? "passed" : "failed",
    ...(result.failures.length > 0 ? { failures: result.failures } : {}),
  }, ctx);
  const document = redactDeep({
    schema: PLAN_SCHEMA,
    mode: "preflight",
    verdict: { status: result.passed ? "pass" : "fail", failures: result.failures },
    plan: plan ?? null,
    ...(ctx.agent && result.passed
      ? {
        confirmation:
          "through send_canary or send_scale: the person confirms in the client; no token is issued to an agent",
      }
      : {}),
    message: {
      from: setup.draft.fromHeader,
      subject: setup.draft.subject,
      digest: setup.draft.digest,
      messageId: setup.draft.messageId,
    },
    diagnosis: result.diagnosis,
    alignment: result.alignment,
  }, setup.redact);
  const exitCode = result.diagnosis.verdict.status === "fail"
    ? exitCodeOf(result.diagnosis)
    : result.passed
    ? EXIT_OK
    : EXIT_FINDINGS;
  return { exitCode, document, text: renderPreflight(setup, result, plan, flags) };
}

/** The preflight checks of a setup (also run by an interactive send before it asks). */
export async function preflightOf(setup: SendSetup, ctx: RunContext): Promise<PreflightResult> {
  const sample: string[] = [];
  if (setup.to !== undefined) sample.push(setup.to);
  else if (setup.list) {
    for await (const r of readRecipients(setup.list.file)) {
      sample.push(r.address);
      if (sample.length >= PREFLIGHT_SAMPLE) break;
    }
  }
  const policy = setup.provider ? alignPolicyOf(setup.provider) : undefined;
  // MAIL FROM declares the real size (SIZE=): a server with a smaller limit refuses it here, not after DATA.
  const size = (await setup.draft.compose([sample[0] ?? setup.envelopeFrom])).length;
  const result = await runPreflight({
    options: { ...setup.options, declaredSize: size },
    rules: setup.rules,
    envelopeFrom: setup.envelopeFrom,
    sample,
    align: {
      from: setup.draft.from.address,
      envelopeFrom: setup.envelopeFrom,
      ...(setup.options.auth ? { authUser: setup.options.auth.user } : {}),
      ...(setup.profile.dkimDomain ? { dkimDomain: setup.profile.dkimDomain } : {}),
      ...(setup.profile.returnPath ? { returnPath: setup.profile.returnPath } : {}),
    },
    ...(policy ? { policy } : {}),
    dns: systemDns(setup.resolver, DNS_TIMEOUT_MS),
    io: systemIo(),
    onProgress: (layer) => ctx.progress(`preflight: checking ${layer}…`),
  });
  ctx.progress("");
  return result;
}
