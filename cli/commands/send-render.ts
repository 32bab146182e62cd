/**
 * The human renderings of the send workflow (its use cases are in
 * core/send/): a preflight's verdict and plan, what a person is asked to
 * confirm, and a send's outcome — which always says "accepted … not yet
 * delivered", because a 250 is acceptance, never delivery.
 */
import { renderAlignText } from "../../core/align/align-text.ts";
import { maskAddress } from "../../core/memory/index.ts";
import type { Plan } from "../../core/send/plan.ts";
import type { PreflightResult } from "../../core/send/preflight.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import type { CanarySent } from "../../core/send/send-canary.ts";
import type { ScaleSent } from "../../core/send/send-scale.ts";
import type { BulkReadiness } from "../../core/deliverability/bulk-rules.ts";
import { PROVIDER_TITLES } from "../../core/deliverability/provider-rules.ts";
import type { SendCommandFlags, SendFlags, SendSetup } from "../../core/send/send-setup.ts";
import { expectedSeconds, formatDuration, formatRate, type Pace, rateOf } from "../../core/send/send-pace.ts";

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
  if (setup.to !== undefined) return `${maskAddress(setup.to)} (1 recipient, canary)`;
  const dups = setup.list?.scan.duplicates ?? 0;
  return `${setup.subject.recipients.count} recipients from ${setup.list?.file}` +
    (dups > 0 ? ` (${dups} duplicate line(s) folded: one message per mailbox)` : "");
}

/** What the server answered to each recipient the preflight tried at RCPT, masked. */
export function probedLines(result: PreflightResult): string[] {
  if (result.probed.length === 0) return [];
  const refused = result.probed.filter((p) => p.status === "refused");
  return [
    `  tried at RCPT: ${
      result.probed.map((p) => `${maskAddress(p.address)} ${p.status}${p.code ? ` (${p.code})` : ""}`).join(", ")
    }`,
    ...(refused.length > 0 && result.passed
      ? [
        `  ${refused.length} refused recipient(s) stay in the plan: the server refuses them again at RCPT during the send, before any message goes to them`,
      ]
      : []),
  ];
}

/** Everything a preflight found, before its verdict: the session, the alignment, the message and the recipients. */
function _preflightBody(setup: SendSetup, result: PreflightResult): string[] {
  const p = setup.subject.profile;
  return [
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
    ...(setup.mode === "scale" ? probedLines(result) : []),
    ...(result.earlier
      ? [
        `  ${result.earlier} of them already received this message (or may have: sent, no answer recorded) in an earlier run: the send skips them`,
      ]
      : []),
    ...(result.bulk ? bulkLines(result.bulk) : []),
  ];
}

/** The list by provider and the bulk-sender rules checked: a refusal and a warning name the rule, its date and source. */
export function bulkLines(bulk: BulkReadiness): string[] {
  const over = bulk.thresholds.filter((t) => t.bulk);
  return [
    `By provider (MX): ${bulk.countsLine || "no recipients"}`,
    over.length === 0
      ? `  below every bulk threshold (${
        bulk.thresholds.map((t) => `${PROVIDER_TITLES[t.provider]} ${t.perDay}/day`).join(", ")
      }): the bulk-sender rules were not checked`
      : `  above the bulk threshold of ${
        over.map((t) => `${PROVIDER_TITLES[t.provider]} (${t.recipients} recipients, ${t.perDay}/day)`).join(", ")
      }:`,
    ...bulk.checks.filter((c) => c.status !== "pass").map((c) =>
      `  ${
        c.status === "fail" ? "REFUSED" : "warning"
      } ${c.rule} (since ${c.since}): ${c.evidence}\n      source: ${c.source}`
    ),
    ...(over.length > 0 ? [`  ${bulk.checks.filter((c) => c.status === "pass").length} rule(s) met`] : []),
  ];
}

/** Renders a preflight. */
export function renderPreflight(
  setup: SendSetup,
  result: PreflightResult,
  plan: Plan | undefined,
  flags: SendFlags,
): string {
  const p = setup.subject.profile;
  const out = [..._preflightBody(setup, result), ""];
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

/** The pace of a scale send and how long the list should take, before the person confirms it. */
export function paceLine(count: number, pace: Pace, connections: number): string {
  const expected = expectedSeconds(count, pace.perSecond);
  return `Pace: ${formatRate(pace.perSecond)} (${pace.source}), ${connections} connection(s): ` +
    (expected === undefined
      ? "as fast as the server accepts"
      : `about ${formatDuration(expected)} for ${count} message(s)`);
}

/**
 * What a person approves before a live send, unmasked: the preflight (what
 * passed — never a verdict line: only a passing preflight is ever shown
 * here), the recipient (or the list, its count and the ones the server
 * refused), every attachment, the body's start, the pace and how long it
 * should take, and the message digest.
 */
export function confirmSummary(setup: SendSetup, result: PreflightResult, flags: SendCommandFlags): string {
  // Those an earlier run of this message reached are skipped: the person approves the messages that may still go.
  const earlier = result.earlier ?? 0;
  const count = setup.subject.recipients.count - earlier;
  const who = setup.to !== undefined
    ? setup.to
    : `${setup.subject.recipients.count} recipients from ${setup.list?.file}${
      earlier > 0 ? ` (${earlier} already reached: skipped)` : ""
    }`;
  const { attachments, excerpt } = setup.draft.contents;
  const connections = flags.connections ?? 1;
  return [
    ..._preflightBody(setup, result),
    "",
    `Attachments: ${
      flags.eml !== undefined
        ? `as in ${flags.eml}`
        : attachments.length === 0
        ? "none"
        : attachments.map((a) => `${a.name} (${a.bytes} bytes)`).join(", ")
    }`,
    `Body begins: ${excerpt || "(empty)"}`,
    ...(setup.mode === "scale" ? [paceLine(count, rateOf(setup, flags), connections)] : []),
    "",
    `Send ${
      count === 1 ? "1 live message" : `${count} live messages`
    } to ${who} through profile ${setup.profile.name}` +
    `${setup.mode === "scale" ? `, ${connections} connection(s)` : ""} (message sha256:${
      setup.draft.digest.slice(0, 16)
    }…)?`,
  ].join("\n");
}

/** Renders a canary send: accepted (queued, not yet delivered, and what to run next), refused, or never sent. */
export function renderCanary(setup: SendSetup, sent: CanarySent): string {
  const { outcome, server, code, report } = sent;
  const text = outcome?.accepted
    ? `Accepted by ${server || setup.options.host}, queued as ${
      outcome.queueId ?? "(no id in the reply)"
    } — not yet delivered.\n  ${outcome.reply}\n  Message-ID ${setup.draft.messageId}\nNext: smtpilot verify --last (or smtpilot verify ${setup.draft.messageId} --placement inbox|spam|missing)\n`
    : outcome
    ? `Refused: ${outcome.recipients[0]?.diagnosis?.summary ?? outcome.reply}\n  code: ${code}\n  cause: ${
      outcome.recipients[0]?.diagnosis?.cause ?? outcome.diagnosis?.cause ?? ""
    }\n  next:  ${outcome.recipients[0]?.diagnosis?.next ?? outcome.diagnosis?.next ?? ""}\n`
    : `${diagnosisLines(report).join("\n")}\nNothing was sent.\n`;
  return `Mode: canary send (one live message to an approved recipient)\n${text}`;
}

/** Renders a scale send: the counts, the codes, what is unknown, why it stopped, and its journal. */
export function renderScale(sent: ScaleSent): string {
  const { result, seconds, journalFile } = sent;
  const lines = [
    "Mode: scale send (live messages to a list)",
    `Accepted by the server (queued, not yet delivered): ${result.accepted} of ${result.total}` +
    (result.skipped ? ` (+${result.skipped} settled by an earlier run)` : "") +
    (result.earlier
      ? ` (+${result.earlier} reached by an earlier run of this message under another plan: skipped)`
      : ""),
    `Refused: ${result.rejected}   deferred (retried by a rerun): ${result.deferred}   in ${seconds.toFixed(1)} s`,
    ...Object.entries(result.codes).map(([code, n]) => `  ${code}: ${n}`),
    ...(result.unknown.length
      ? [
        `Unknown (sent before an interruption, no answer recorded; never resent): ${result.unknown.length} — list indices in ${journalFile}`,
      ]
      : []),
    ...(result.stopped
      ? [
        `Stopped: ${result.stopped.reason}${
          result.stopped.code ? ` (${result.stopped.code})` : ""
        }; to resume, run preflight again with the same flags and send with its new token (the journal skips what is settled)`,
      ]
      : []),
    ...(result.failedSession ? diagnosisLines(result.failedSession) : []),
    `Journal: ${journalFile}`,
  ];
  return `${lines.join("\n")}\n`;
}
