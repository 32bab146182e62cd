/**
 * The definition of `smtpilot completions`: a shell completion script
 * generated from the command definitions. The script covers the whole tree —
 * this command included — which only the entry (cli/command-tree.ts)
 * assembles: the tree is handed in, never imported, so no command module
 * reaches back up to the list of commands.
 */
import type { CommandSpec, CommandTree } from "../command-spec.ts";
import { SHELLS } from "../completions.ts";

/** `smtpilot completions`, completing the commands of `tree` (asked for when it runs). */
export const completionsSpec = (tree: () => CommandTree): CommandSpec => ({
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
  load: async () => {
    const { runCompletions } = await import("./completions.ts");
    return (input) => runCompletions(tree(), input);
  },
});
