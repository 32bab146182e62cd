/**
 * `smtpilot completions SHELL`: prints the completion script for the whole
 * command tree, with value lists resolved now (fixture scenarios…).
 */
import { FIXTURE_SCENARIOS } from "../../fixtures/scenarios.ts";
import type { CommandInput, CommandResult, ValueHint } from "../command-spec.ts";
import { renderCompletions, SHELLS } from "../completions.ts";
import { buildProgram, completionHints } from "../program.ts";
import { COMMANDS } from "./index.ts";

/** Value lists that are known only when the script is generated. */
const _DYNAMIC: Record<string, () => readonly string[]> = {
  "fixture-scenarios": () => FIXTURE_SCENARIOS.map((s) => s.name),
};

/** Runs the command. */
export function runCompletions(input: CommandInput): Promise<CommandResult> {
  const shell = SHELLS.find((s) => s === input.args[0]) ?? "bash";
  const hints: Record<string, Exclude<ValueHint, { dynamic: string }>> = {};
  for (const [flag, hint] of Object.entries(completionHints(COMMANDS))) {
    hints[flag] = typeof hint === "object" && "dynamic" in hint ? _DYNAMIC[hint.dynamic]?.() ?? [] : hint;
  }
  return Promise.resolve({ exitCode: 0, text: renderCompletions(shell, buildProgram(COMMANDS), hints) });
}
