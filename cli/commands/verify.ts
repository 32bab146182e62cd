/**
 * `smtpilot verify`: adapts the verification of a canary send
 * (core/send/verify-send.ts: bounce, IMAP or a person's word, recorded in the
 * send log) and renders it — the `smtpilot.verify/1` document, or the state,
 * the evidence and the receiver's verdicts as text.
 */
import { printable } from "../../core/printable.ts";
import { type VerifyFlags, verifySend } from "../../core/send/verify-send.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import type { Checklist } from "../../core/deliverability/checklist.ts";
import { PROVIDER_TITLES } from "../../core/deliverability/provider-rules.ts";

/** Runs the command. */
export async function runVerify(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const { exitCode, document, messageId, sent, state, evidence, placement, bounced, logFile, checklist } =
    await verifySend(
      input.args[0] as string | undefined,
      input.options as VerifyFlags,
      ctx,
    );
  const auth = placement?.authResults;
  const lines = [
    `Mode: verification (${evidence.source === "imap" ? "reads the canary mailbox over IMAP, read-only" : "offline"})`,
    `Message ${messageId}, accepted ${String(sent.at).slice(0, 19)}Z${sent.queueId ? ` as ${sent.queueId}` : ""}`,
    `State: ${state}${placement?.folder ? ` (folder ${placement.folder})` : ""}`,
    ...(placement?.placement === "missing" ? [`  searched: ${placement.searched.join(", ")}`] : []),
    ...(auth
      ? [`  receiver's verdicts: spf=${auth.spf ?? "?"} dkim=${auth.dkim ?? "?"} dmarc=${auth.dmarc ?? "?"}`]
      : []),
    ...(bounced
      ? bounced.evidence.recipients.map((r) =>
        `  ${r.address}: ${r.status ?? ""} ${r.reason}${r.hard ? " (hard)" : ""}`
      )
      : []),
    ...(checklist ? _checklistLines(checklist) : []),
    `Recorded in ${logFile}`,
  ];
  // Folder names and headers come from the IMAP server: printed made safe.
  const text = lines.map((l) => printable(l, 600)).join("\n");
  return { exitCode, document, text: `${text}\n` };
}

/** The checklist as text: one line per check with its first piece of evidence, then each provider's rules. */
function _checklistLines(checklist: Checklist): string[] {
  const width = Math.max(...checklist.lines.map((l) => l.code.length));
  return [
    "Checklist (from the received copy):",
    ...checklist.lines.flatMap((l) => [
      `  ${l.status.padEnd(4)}  ${l.code.padEnd(width)}  ${l.summary}`,
      ...l.evidence.slice(0, 1).map((e) => `        ${" ".repeat(width)}  ${e}`),
    ]),
    "Provider requirements this path meets:",
    ...checklist.providers.map((p) =>
      `  ${PROVIDER_TITLES[p.provider]}: ${p.met.length} met${
        p.missed.length ? `, missed ${p.missed.join(", ")}` : ""
      }${p.unknown.length ? `, not shown by the copy ${p.unknown.join(", ")}` : ""}`
    ),
  ];
}
