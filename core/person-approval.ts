/**
 * When a program acts for a person (the MCP server), some actions are the
 * person's alone: approving a canary recipient, saving or replacing a profile
 * that names a host and a secret reference. The person sees the whole change
 * and types a code derived from it; an answer for another change never fits.
 */
import { createHash } from "node:crypto";
import { refuse } from "./send/gates.ts";
import { confirmCodeOf } from "./send/plan.ts";
import type { RunContext } from "./run-context.ts";

/**
 * Asks the person to approve `summary` (which must show everything that
 * changes); `key` identifies the exact change. Refuses (exit 4) when no
 * person can be asked or the code is not typed.
 */
export async function approveByPerson(ctx: RunContext, summary: string, key: string): Promise<void> {
  if (!ctx.confirm) {
    refuse("gate.no-confirmation", "This change needs the person's confirmation, and this client cannot ask");
  }
  const code = confirmCodeOf(createHash("sha256").update(key).digest("hex"));
  const typed = await ctx.confirm({ summary, code });
  if (typed?.trim().toUpperCase() !== code) refuse("gate.confirmation-declined", "The change was not approved");
}
