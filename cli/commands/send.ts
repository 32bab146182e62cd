/**
 * `smtpilot send`: checks the gates, obtains the confirmation bound to the
 * exact plan (a token from preflight, or the code typed by a person — at a
 * terminal, or shown by an MCP client to its user — after an inline
 * preflight), then sends the canary or the list.
 * Every refusal before the first byte is a GateError: exit 4, nothing sent.
 */
import { UsageError } from "../../core/errors.ts";
import { refuse, refuseToken } from "../../core/send/gates.ts";
import { confirmCodeOf, planDigest } from "../../core/send/plan.ts";
import { consumeToken } from "../../core/send/plan-store.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { preflightOf } from "./preflight.ts";
import { checkSendGates } from "./send-gates.ts";
import { renderPreflight } from "./send-render.ts";
import { type SendFlags, type SendSetup, sendSetup, unlockSecret } from "./send-setup.ts";

/** Flags of `smtpilot send`. */
export interface SendCommandFlags extends SendFlags {
  canary?: true;
  confirm?: string;
  connections?: number;
  rate?: string;
  json?: true;
}

/** Runs the command. */
export async function runSend(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as SendCommandFlags;
  if (flags.toList === undefined && !flags.canary) {
    throw new UsageError("A send to --to is a canary: add --canary (a list goes with --to-list FILE)");
  }
  if (flags.canary && flags.connections !== undefined) throw new UsageError("--connections is for a scale send");
  const setup = await sendSetup(flags, ctx);
  await checkSendGates(setup, flags, new Date());
  await confirmPlan(setup, flags, ctx);
  if (setup.mode === "canary") return await (await import("./send-canary.ts")).sendCanary(setup, ctx);
  return await (await import("./send-scale.ts")).sendScale(setup, flags, ctx);
}

/**
 * The confirmation: `--confirm TOKEN` checked and used up atomically against
 * the plan these flags describe; else, on a terminal, an inline preflight
 * and the plan's code typed by the person; else a refusal. Never inferred.
 */
export async function confirmPlan(setup: SendSetup, flags: SendCommandFlags, ctx: RunContext): Promise<void> {
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
  const result = await preflightOf(setup, ctx);
  if (!result.passed) refuse("gate.preflight-failed", `The preflight failed (${result.failures.join(", ")})`);
  const code = confirmCodeOf(digest);
  const count = setup.subject.recipients.count;
  // The person sees everything they approve, unmasked: the recipient, every attachment, the body's start.
  const who = setup.to !== undefined ? setup.to : `${count} recipients from ${setup.list?.file}`;
  const { attachments, excerpt } = setup.draft.contents;
  const pace = setup.mode === "scale"
    ? `, ${flags.connections ?? 1} connection(s), rate ${flags.rate ?? "the profile's default"}`
    : "";
  const summary = [
    renderPreflight(setup, result, undefined, flags).replace(/^Verdict: .*\n?/m, "").trimEnd(),
    "",
    `Attachments: ${
      flags.eml !== undefined
        ? `as in ${flags.eml}`
        : attachments.length === 0
        ? "none"
        : attachments.map((a) => `${a.name} (${a.bytes} bytes)`).join(", ")
    }`,
    `Body begins: ${excerpt || "(empty)"}`,
    "",
    `Send ${
      count === 1 ? "1 live message" : `${count} live messages`
    } to ${who} through profile ${setup.profile.name}` +
    `${pace} (message sha256:${setup.draft.digest.slice(0, 16)}…)?`,
  ].join("\n");
  const typed = await ctx.confirm({ summary, code });
  if (typed?.trim().toUpperCase() !== code) {
    refuse("gate.confirmation-declined", "The confirmation code was not typed");
  }
}
