/**
 * `smtpilot preflight`: adapts the preflight use case (core/send/send-preflight.ts:
 * the gates, the diagnosis up to envelope, the alignment table, a plan token
 * only when all of it passes, the dry run in the send log) and renders it —
 * the `smtpilot.plan/1` document, or the text with the plan token and the
 * send command that uses it.
 */
import { preflightSend } from "../../core/send/send-preflight.ts";
import type { SendFlags } from "../../core/send/send-setup.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { renderPreflight } from "./send-render.ts";

/** Runs the command. */
export async function runPreflightCommand(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as SendFlags;
  const { exitCode, document, setup, result, plan } = await preflightSend(flags, ctx);
  return { exitCode, document, text: renderPreflight(setup, result, plan, flags) };
}
