/**
 * `smtpilot mcp`: connects the MCP server to stdin/stdout and serves until
 * the client closes the session or the process is told to stop.
 */
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/server/stdio.d.ts"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Registry } from "../../core/plugin.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { waitForStop } from "../lifecycle.ts";
import { createMcpServer } from "./server.ts";

/** Runs the command. */
export async function runMcp(_input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  let registry: Promise<Registry> | undefined;
  const server = createMcpServer({ globals: ctx.globals, plugins: () => (registry ??= ctx.plugins()) });
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  const stopped = waitForStop();
  const transport = new StdioServerTransport();
  // The client going away (stdin ends) ends the session.
  process.stdin.once("end", () => void server.close());
  await server.connect(transport);
  await Promise.race([closed, stopped]);
  await server.close().catch(() => undefined);
  return { exitCode: 0 };
}
