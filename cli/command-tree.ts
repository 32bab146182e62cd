/**
 * Every command smtpilot has, in the order `--help` lists them: the commands
 * of cli/commands/, then `mcp` (its adapter in cli/mcp/ serves those
 * commands as tools) and `completions` (its script covers this whole tree).
 * Part of the entry (with main.ts and smtpilot.ts): the only place that sees
 * every room, so nothing below it imports the tree it belongs to.
 */
import type { CommandTree } from "./command-spec.ts";
import { completionsSpec } from "./commands/completions.spec.ts";
import { COMMAND_SPECS } from "./commands/index.ts";
import { mcpSpec } from "./mcp/mcp.spec.ts";

/** The command tree. */
export const COMMANDS: CommandTree = [...COMMAND_SPECS, mcpSpec, completionsSpec(() => COMMANDS)];
