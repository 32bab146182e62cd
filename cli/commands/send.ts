/**
 * `smtpilot send`: adapts the send workflow of core/send/ — the setup, the
 * gates, the confirmation bound to the exact plan (a token from preflight, or
 * the code typed by a person — at a terminal, or shown by an MCP client to
 * its user — after an inline preflight), then the canary or the list — and
 * renders each outcome. Every refusal before the first byte is a GateError:
 * exit 4, nothing sent.
 */
import { UsageError } from "../../core/errors.ts";
import { confirmPlan } from "../../core/send/confirm-plan.ts";
import { checkSendGates } from "../../core/send/send-gates.ts";
import { closeSetup, type SendCommandFlags, sendSetup } from "../../core/send/send-setup.ts";
import { rateOf } from "../../core/send/send-pace.ts";
import { markTime } from "../../core/run-timing.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { confirmSummary, renderCanary, renderScale } from "./send-render.ts";

/** Runs the command. */
export async function runSend(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as SendCommandFlags;
  if (flags.toList === undefined && !flags.canary) {
    throw new UsageError("A send to --to is a canary: add --canary (a list goes with --to-list FILE)");
  }
  if (flags.canary && flags.connections !== undefined) throw new UsageError("--connections is for a scale send");
  // A list is copied as it is scanned: the send goes to exactly what the plan digests (closed below).
  const setup = await sendSetup(flags, ctx, { snapshot: true });
  markTime("send-setup");
  try {
    await checkSendGates(setup, flags, new Date());
    markTime("send-gates");
    // A malformed --rate is a usage error before the token is used up or the person is asked.
    const pace = setup.mode === "scale" ? rateOf(setup, flags) : undefined;
    await confirmPlan(setup, flags, ctx, (preflight) => confirmSummary(setup, preflight, flags));
    markTime("send-confirmed");
    if (setup.mode === "canary") {
      const sent = await (await import("../../core/send/send-canary.ts")).sendCanary(setup, ctx);
      return { exitCode: sent.exitCode, document: sent.document, text: renderCanary(setup, sent) };
    }
    const sent = await (await import("../../core/send/send-scale.ts")).sendScale(
      setup,
      pace ?? rateOf(setup, flags),
      flags,
      ctx,
    );
    return { exitCode: sent.exitCode, document: sent.document, text: renderScale(sent) };
  } finally {
    closeSetup(setup);
  }
}
