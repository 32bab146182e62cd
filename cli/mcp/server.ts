/**
 * smtpilot as an MCP server: every tool of cli/mcp/tools.ts is a command run
 * through its own definition, returning the command's `--json` document as
 * structured output; resources are the memory files (read-only) and the
 * code tables. A refusal keeps its exit code (a safety gate is a tool error
 * with code 4); every result passes the run's redaction.
 */
import fs from "node:fs";
import path from "node:path";
// Deno cannot find the SDK's types through its wildcard "exports"; these directives point at them (tsc ignores them).
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/server/index.d.ts"
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/types.d.ts"
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { exitCodeOfError } from "../../core/errors.ts";
import { EXIT_OK } from "../../core/exit.ts";
import type { Registry } from "../../core/plugin.ts";
import { redactDeep } from "../../core/redact.ts";
import { errorDocument } from "../cli-adapter.ts";
import { COMMAND_SPECS } from "../commands/index.ts";
import { makeTempDir } from "../lifecycle.ts";
import { redactText } from "../output.ts";
import { VERSION } from "../version.ts";
import { type CallCollector, mcpContext } from "./context.ts";
import { readResource, RESOURCES } from "./resources.ts";
import { inputSchema, toCommandInput } from "./schema.ts";
import { commandOf, TOOLS } from "./tools.ts";

/** How the server was started: global options of `smtpilot mcp`. */
export interface McpServerOptions {
  globals: { plugin?: string[]; home?: string };
  /** Loads the plugins once for the server's life. */
  plugins: () => Promise<Registry>;
}

/** What an agent should know before it calls anything. */
const _INSTRUCTIONS = "smtpilot diagnoses and carefully sends outbound email over SMTP. Declare the mode first: " +
  "diagnose from the bottom layer up (the first failing layer is the verdict; never advise DNS changes for a TLS or " +
  "AUTH failure). Secrets are references only (env:NAME, dotenv:FILE#KEY, cmd:COMMAND). Canary before scale: " +
  "send_canary needs the person's confirmation through this client, then verify; a 250 is acceptance, not delivery.";

/** Builds the server (not yet connected to a transport). */
export function createMcpServer(options: McpServerOptions): Server {
  const server = new Server(
    { name: "smtpilot", version: VERSION },
    { capabilities: { tools: {}, resources: {}, logging: {} }, instructions: _INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.map((t) => {
      const spec = commandOf(COMMAND_SPECS, t.command);
      return {
        name: t.name,
        description: t.description ?? spec.summary,
        inputSchema: inputSchema(t, spec) as { type: "object" },
        annotations: {
          readOnlyHint: t.readOnly,
          openWorldHint: t.openWorld,
          destructiveHint: t.destructive === true,
        },
      };
    }),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = TOOLS.find((t) => t.name === request.params.name);
    if (!tool) return _error("E_USAGE", 2, `Unknown tool ${request.params.name.slice(0, 60)}`);
    const collector: CallCollector = { emitted: [] };
    const progressToken = request.params._meta?.progressToken;
    const ctx = mcpContext({
      server,
      globals: options.globals,
      plugins: options.plugins,
      ...(progressToken !== undefined ? { progressToken } : {}),
    }, collector);
    let temp: { dir: string; remove(): void } | undefined;
    try {
      const spec = commandOf(COMMAND_SPECS, tool.command);
      const input = toCommandInput(tool, spec, request.params.arguments ?? {});
      if (input.content !== undefined && tool.textInput) {
        // Pasted text becomes a private file the command reads as it reads any other.
        temp = makeTempDir("smtpilot-mcp-");
        const file = path.join(temp.dir, "input.txt");
        fs.writeFileSync(file, input.content, { mode: 0o600 });
        const at = (spec.args ?? []).findIndex((a) => a.name === tool.textInput?.arg);
        input.args[at] = spec.args?.[at]?.variadic ? [file] : file;
      }
      const result = await (await spec.load())(input, ctx);
      return _result(result, collector);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return _error(
        typeof e?.code === "string" ? e.code : "E_INTERNAL",
        exitCodeOfError(err),
        String(e?.message ?? err),
      );
    } finally {
      temp?.remove();
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: RESOURCES }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => ({
    contents: [readResource(request.params.uri, options.globals)],
  }));
  return server;
}

/** A finished command as a tool result: its document as structured output, its exit code in _meta. */
function _result(
  result: { exitCode: number; document?: unknown; text?: string },
  collector: CallCollector,
): CallToolResult {
  const redact = (x: unknown) => redactDeep(x, redactText);
  const text = result.text ?? collector.emitted.map((e) => e.text ?? "").join("");
  const document = redact(result.document ?? collector.emitted.find((e) => e.document)?.document);
  // A finding (a failing layer, an error finding) is a result; a usage, environment or gate refusal is an error.
  const isError = [2, 3, 4, 70].includes(result.exitCode);
  return {
    content: [{ type: "text", text: document !== undefined ? JSON.stringify(document, null, 2) : redactText(text) }],
    ...(document !== undefined && typeof document === "object"
      ? { structuredContent: document as Record<string, unknown> }
      : {}),
    ...(isError ? { isError: true } : {}),
    _meta: { "smtpilot/exitCode": result.exitCode },
  };
}

function _error(code: string, exitCode: number, message: string): CallToolResult {
  const document = errorDocument(code, exitCode, redactText(message)) as Record<string, unknown>;
  return {
    content: [{ type: "text", text: JSON.stringify(document, null, 2) }],
    structuredContent: document,
    isError: exitCode !== EXIT_OK,
    _meta: { "smtpilot/exitCode": exitCode },
  };
}
