/**
 * The definition of `smtpilot mcp`: the MCP server on stdio, for agents. It
 * lives with the MCP adapter it serves (not in cli/commands/, whose commands
 * that adapter offers as tools); cli/command-tree.ts adds it to the tree.
 */
import type { CommandSpec } from "../command-spec.ts";

/** `smtpilot mcp`. */
export const mcpSpec: CommandSpec = {
  name: "mcp",
  summary: "Serve smtpilot's commands as MCP tools on stdio, for agents (live sends confirmed by the person)",
  effect: "serve",
  options: [
    {
      flags: "--files <dir>",
      description: "the one folder tool calls may read files from (recipient lists, messages, attachments, CAs, " +
        "bounces); without it, tools take pasted content only",
      complete: "dir",
    },
  ],
  examples: [
    "smtpilot mcp",
    "smtpilot mcp --files ~/mail-work",
    "smtpilot --home ~/smtp mcp",
    `# in an MCP client's configuration: { "command": "smtpilot", "args": ["mcp", "--files", "/home/me/mail-work"] }`,
  ],
  notes: "Speaks the Model Context Protocol on stdin/stdout until the client closes it (logs go to stderr).\n" +
    "A saved profile's login goes only to that profile's own server; a file outside --files is never read.\n" +
    "See docs/agents.md. Exit codes: 0 the client closed the session, 2 usage error, 70 internal error.",
  load: async () => (await import("./mcp.ts")).runMcp,
};
