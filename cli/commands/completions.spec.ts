/**
 * The definition of `smtpilot completions`: a shell completion script
 * generated from the command definitions.
 */
import type { CommandSpec } from "../command-spec.ts";
import { SHELLS } from "../completions.ts";

/** `smtpilot completions`. */
export const completionsSpec: CommandSpec = {
  name: "completions",
  summary: "Print a shell completion script generated from the command tree",
  effect: "offline",
  args: [{ name: "shell", description: "bash, zsh or fish", required: true, choices: SHELLS }],
  options: [],
  examples: [
    "smtpilot completions bash > /etc/bash_completion.d/smtpilot",
    'smtpilot completions zsh > "${fpath[1]}/_smtpilot"',
    "smtpilot completions fish > ~/.config/fish/completions/smtpilot.fish",
  ],
  notes: "Exit codes: 0 script printed, 2 usage error (unknown shell), 70 internal error (a bug).",
  load: async () => (await import("./completions.ts")).runCompletions,
};
