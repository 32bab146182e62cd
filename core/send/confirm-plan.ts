/**
 * The confirmation a live send needs, bound to the exact plan: `--confirm
 * TOKEN` checked and used up atomically against the plan the flags describe;
 * else, when a person can be asked (a terminal, an MCP client that shows its
 * user an elicitation), an inline preflight and the plan's code typed by the
 * person; else a refusal. Never inferred. The profile's secret is resolved
 * only once the confirmation is under way (unlockSecret).
 */
import type { RunContext } from "../run-context.ts";
import { refuse, refuseToken } from "./gates.ts";
import { confirmCodeOf, planDigest } from "./plan.ts";
import { consumeToken } from "./plan-store.ts";
import type { PreflightResult } from "./preflight.ts";
import { type SendCommandFlags, type SendSetup, unlockSecret } from "./send-setup.ts";

/**
 * Confirms the send of `setup` or throws a GateError (exit 4). `summaryOf`
 * renders what the person is asked to approve from the inline preflight: it
 * must show everything that will be sent (the adapter's words, the use
 * case's decision).
 */
export async function confirmPlan(
  setup: SendSetup,
  flags: SendCommandFlags,
  ctx: RunContext,
  summaryOf: (preflight: PreflightResult) => string,
): Promise<void> {
  const digest = planDigest(setup.subject);
  if (flags.confirm !== undefined) {
    const problem = await consumeToken(setup.store, flags.confirm, digest, new Date());
    if (problem) refuseToken(problem);
    await unlockSecret(setup, ctx);
    return;
  }
  if (!ctx.confirm) {
    refuse(
      "gate.no-confirmation",
      ctx.agent
        ? "No confirmation: this MCP client cannot ask its user (no elicitation support); a person can send from a terminal with `smtpilot send` (it asks), or with `smtpilot preflight` and `--confirm TOKEN`"
        : "No confirmation: run `smtpilot preflight` with the same flags and pass its plan token with --confirm, or send from a terminal",
    );
  }
  await unlockSecret(setup, ctx);
  // Loaded only here: the inline preflight's modules (DNS, alignment, the diagnosis engine, bulk rules)
  // are not what a send confirmed by a token needs before its first session.
  const { preflightOf } = await import("./send-preflight.ts");
  const result = await preflightOf(setup, ctx);
  if (!result.passed) refuse("gate.preflight-failed", `The preflight failed (${result.failures.join(", ")})`);
  const code = confirmCodeOf(digest);
  const typed = await ctx.confirm({ summary: summaryOf(result), code });
  if (typed?.trim().toUpperCase() !== code) {
    refuse("gate.confirmation-declined", "The confirmation code was not typed");
  }
}
