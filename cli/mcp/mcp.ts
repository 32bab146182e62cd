/**
 * `smtpilot mcp`: connects the MCP server to stdin/stdout through the
 * bounded transport and serves until the client closes the session or the
 * process is told to stop.
 */
import type { Registry } from "../../core/plugin.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { waitForStop } from "../lifecycle.ts";
import { filesFolder } from "./file-access.ts";
import { createMcpServer } from "./server.ts";
import { BoundedStdioTransport } from "./stdio-transport.ts";

/** Runs the command. */
export async function runMcp(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  // A folder that does not exist is the person's mistake to hear about now, before any client connects.
  const files = filesFolder(input.options.files as string | undefined);
  let registry: Promise<Registry> | undefined;
  const server = createMcpServer({ globals: ctx.globals, plugins: () => (registry ??= ctx.plugins()), files });
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  const stopped = waitForStop();
  // The transport ends the session when stdin ends (the client went away).
  await server.connect(new BoundedStdioTransport());
  await Promise.race([closed, stopped]);
  await server.close().catch(() => undefined);
  return { exitCode: 0 };
}
