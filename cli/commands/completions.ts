/**
 * `smtpilot completions SHELL`: prints the completion script for the whole
 * command tree. Value lists fixed at build time (fixture scenarios) are
 * written into the script; lists the user changes (profile names) are asked
 * of smtpilot when Tab is pressed.
 */
import { FIXTURE_SCENARIOS } from "../../fixtures/scenarios.ts";
import {
  type CommandInput,
  type CommandResult,
  type CommandTree,
  isGroup,
  type ValueHint as SpecHint,
} from "../command-spec.ts";
import { renderCompletions, SHELLS, type ValueHint } from "../completions.ts";
import { buildProgram, completionHints } from "../program.ts";

/** Dynamic hints: a list known when the script is generated, or a command asked at completion time. */
const _DYNAMIC: Record<string, () => ValueHint> = {
  "fixture-scenarios": () => FIXTURE_SCENARIOS.map((s) => s.name),
  "profile-names": () => ({ command: "profile list --names" }),
};

function _hint(hint: SpecHint): ValueHint {
  return typeof hint === "object" && "dynamic" in hint ? _DYNAMIC[hint.dynamic]?.() ?? [] : hint;
}

/** Runs the command for the commands of `tree`. */
export function runCompletions(tree: CommandTree, input: CommandInput): Promise<CommandResult> {
  const shell = SHELLS.find((s) => s === input.args[0]) ?? "bash";
  const hints: Record<string, ValueHint> = {};
  for (const [flag, hint] of Object.entries(completionHints(tree))) hints[flag] = _hint(hint);
  const args: Record<string, ValueHint> = {};
  for (const spec of tree) {
    for (
      const [path, cmd] of isGroup(spec)
        ? spec.commands.map((c) => [`${spec.name} ${c.name}`, c] as const)
        : [[spec.name, spec] as const]
    ) {
      const first = cmd.args?.[0];
      const hint = first?.complete ?? first?.choices;
      if (hint) args[path] = _hint(hint);
    }
  }
  return Promise.resolve({ exitCode: 0, text: renderCompletions(shell, buildProgram(tree), hints, args) });
}
