/**
 * `smtpilot verify`: adapts the verification of a canary send
 * (core/send/verify-send.ts: bounce, IMAP or a person's word, recorded in the
 * send log) and renders it — the `smtpilot.verify/1` document, or the state,
 * the evidence and the receiver's verdicts as text.
 */
import { printable } from "../../core/printable.ts";
import { type VerifyFlags, verifySend } from "../../core/send/verify-send.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";

/** Runs the command. */
export async function runVerify(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const { exitCode, document, messageId, sent, state, evidence, placement, bounced, logFile } = await verifySend(
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
    `Recorded in ${logFile}`,
  ];
  // Folder names and headers come from the IMAP server: printed made safe.
  const text = lines.map((l) => printable(l, 600)).join("\n");
  return { exitCode, document, text: `${text}\n` };
}
