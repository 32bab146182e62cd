/**
 * The human renderings of the send workflow: a preflight's verdict and plan,
 * and a send's outcome — which always says "accepted … not yet delivered",
 * because a 250 is acceptance, never delivery.
 */
import { renderAlignText } from "../../core/align/align-text.ts";
import { maskAddress } from "../../core/memory/index.ts";
import type { Plan } from "../../core/send/plan.ts";
import type { PreflightResult } from "../../core/send/preflight.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import type { SendFlags, SendSetup } from "./send-setup.ts";

/** One line per layer with the failing layer's code, cause and next move. */
export function diagnosisLines(report: DiagnoseReport): string[] {
  const ran = report.layers.filter((l) => l.status !== "skip").map((l) => `${l.id} ${l.status.toUpperCase()}`);
  const out = [`Diagnosis: ${report.verdict.status.toUpperCase()} (${ran.join(", ")})`];
  const failed = report.layers.find((l) => l.status === "fail");
  if (failed?.diagnosis) {
    out.push(`  ${failed.diagnosis.code}: ${failed.diagnosis.summary}`);
    out.push(`  cause: ${failed.diagnosis.cause}`);
    out.push(`  next:  ${failed.diagnosis.next}`);
  }
  return out;
}

/** Who the plan reaches, as a person reads it. */
export function recipientsLine(setup: SendSetup): string {
  return setup.to !== undefined
    ? `${maskAddress(setup.to)} (1 recipient, canary)`
    : `${setup.subject.recipients.count} recipients from ${setup.list?.file}`;
}

/** Renders a preflight. */
export function renderPreflight(
  setup: SendSetup,
  result: PreflightResult,
  plan: Plan | undefined,
  flags: SendFlags,
): string {
  const p = setup.subject.profile;
  const out = [
    "Mode: preflight (credentials, no mail: MAIL FROM and RCPT TO, then RSET, never DATA)",
    `Profile: ${p.name} (${p.host}:${p.port} ${p.tls}, user ${p.user})`,
    "",
    ...diagnosisLines(result.diagnosis),
    "",
    "error" in result.alignment
      ? `Alignment: not checked (${result.alignment.error})`
      : renderAlignText(result.alignment).split("\n").slice(1).join("\n").trimEnd(),
    "",
    `Message: ${JSON.stringify(setup.draft.subject)} from ${setup.draft.fromHeader}, envelope ${setup.envelopeFrom}`,
    `  sha256:${setup.draft.digest}  ${setup.draft.messageId}`,
    `Recipients: ${recipientsLine(setup)}`,
    "",
  ];
  if (!plan) {
    out.push(`Verdict: FAIL (${result.failures.join(", ")}): no plan issued, nothing may be sent.`);
    return `${out.join("\n")}\n`;
  }
  const command = setup.mode === "canary"
    ? `smtpilot send --canary --profile ${p.name} --to ${setup.to}`
    : `smtpilot send --profile ${p.name} --to-list ${flags.toList}`;
  out.push(
    `Verdict: PASS — plan ${plan.mode}, token valid until ${plan.expiresAt}`,
    `Plan token: ${plan.token}`,
    `Next: ${command} [the same message flags] --confirm ${plan.token}`,
  );
  return `${out.join("\n")}\n`;
}
