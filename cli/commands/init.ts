/**
 * `smtpilot init`: creates what is missing of the memory folder and says
 * what it created, kept and tightened.
 */
import { initMemory } from "../../core/memory/init.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryHome } from "../../core/memory/run-memory.ts";
import { INIT_SCHEMA } from "../../core/schemas.ts";

/** Runs the command. */
export async function runInit(_input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const result = await initMemory(memoryHome(ctx));
  const lines = [
    `Memory folder: ${result.home}${result.createdFolder ? " (created, mode 0700)" : ""}`,
    ...result.created.map((f) => `  created  ${f} (mode 0600)`),
    ...result.existing.map((f) => `  kept     ${f}`),
    ...result.tightened.map((f) => `  narrowed ${f === "." ? "the folder" : f} to owner-only permissions`),
    "",
    result.created.length > 0
      ? "Next: smtpilot profile add NAME (e.g. smtpilot profile add work --provider gmail --user me@gmail.com --secret env:GMAIL_APP_PASSWORD)"
      : "Nothing to create; smtpilot status shows what the memory holds.",
  ];
  return { exitCode: 0, document: { schema: INIT_SCHEMA, ...result }, text: `${lines.join("\n")}\n` };
}
