/**
 * smtpilot as an MCP server: every tool of cli/mcp/tools.ts is a command run
 * through its own definition, returning the command's `--json` document as
 * structured output (declared as the tool's outputSchema); resources are the
 * memory files (read-only) and the code tables. A refusal keeps its exit
 * code (a safety gate is a tool error with code 4); every result passes the
 * run's redaction, names tool arguments rather than flags, is bounded, and
 * its JSON text is escaped by jsonSafe as the CLI's --json output is.
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
import { EXIT_OK, EXIT_USAGE } from "../../core/exit.ts";
import type { Registry } from "../../core/plugin.ts";
import { jsonSafe, shown } from "../../core/printable.ts";
import { redactDeep } from "../../core/redact.ts";
import { errorDocument } from "../cli-adapter.ts";
import { COMMAND_SPECS } from "../commands/index.ts";
import { makeTempDir } from "../lifecycle.ts";
import { redactText } from "../output.ts";
import { VERSION } from "../version.ts";
import { agentWording } from "./agent-text.ts";
import { type CallCollector, mcpContext } from "./context.ts";
import type { FileAccess } from "./file-access.ts";
import { outputSchema, TEXT_DOCUMENT_SCHEMA } from "./output-schemas.ts";
import { readResource, RESOURCES } from "./resources.ts";
import { inputSchema, toCommandInput } from "./schema.ts";
import { commandOf, TOOLS } from "./tools.ts";

/** How the server was started: global options of `smtpilot mcp`. */
export interface McpServerOptions {
  globals: { plugin?: string[]; home?: string };
  /** Loads the plugins once for the server's life. */
  plugins: () => Promise<Registry>;
  /** The folder tool calls may read files from (`smtpilot mcp --files DIR`); none: pasted content only. */
  files?: FileAccess;
}

/**
 * Largest tool result, as the JSON text of its document: a bigger one is
 * refused (`E_RESULT_TOO_LARGE`) instead of sent as one line of hundreds of
 * megabytes the client may not survive.
 */
export const MAX_RESULT_CHARS = 1024 * 1024;

/** What an agent should know before it calls anything. */
const _INSTRUCTIONS = "smtpilot diagnoses and carefully sends outbound email over SMTP. Declare the mode first: " +
  "diagnose from the bottom layer up (the first failing layer is the verdict; never advise DNS changes for a TLS or " +
  "AUTH failure). Credentials come only from profiles the person saved, and go only to each profile's own server. " +
  "Secrets are references only (env:NAME, dotenv:FILE#KEY). Files are read only inside the folder the person gave " +
  "this server; otherwise paste content. Canary before scale: send_canary needs the person's confirmation through " +
  "this client, then verify; a 250 is acceptance, not delivery.";

/** Builds the server (not yet connected to a transport). */
export function createMcpServer(options: McpServerOptions): Server {
  const server = new Server(
    { name: "smtpilot", version: VERSION },
    { capabilities: { tools: {}, resources: {}, logging: {} }, instructions: _INSTRUCTIONS },
  );
  const access = options.files ?? {};
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.map((t) => {
      const spec = commandOf(COMMAND_SPECS, t.command);
      return {
        name: t.name,
        description: agentWording(t.description ?? spec.summary),
        inputSchema: inputSchema(t, spec) as { type: "object" },
        outputSchema: outputSchema(t, spec) as { type: "object" },
        annotations: {
          readOnlyHint: t.readOnly,
          openWorldHint: t.openWorld,
          destructiveHint: t.destructive === true,
        },
      };
    }),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = TOOLS.find((t) => t.name === request.params.name);
    if (!tool) return _error("E_USAGE", 2, `Unknown tool ${shown(request.params.name, 60)} (see tools/list)`);
    const collector: CallCollector = { emitted: [] };
    const progressToken = request.params._meta?.progressToken;
    const ctx = mcpContext({
      server,
      globals: options.globals,
      plugins: options.plugins,
      ...(progressToken !== undefined ? { progressToken } : {}),
      cancelled: extra.signal,
    }, collector);
    let temp: { dir: string; remove(): void } | undefined;
    try {
      const spec = commandOf(COMMAND_SPECS, tool.command);
      const input = toCommandInput(tool, spec, request.params.arguments ?? {}, access);
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
  const given = result.document ?? collector.emitted.find((e) => e.document)?.document;
  // A command that only prints text (redact) still answers with a document: its text.
  const document = given !== undefined ? redact(given) : {
    schema: TEXT_DOCUMENT_SCHEMA,
    text: redactText(result.text ?? collector.emitted.map((e) => e.text ?? "").join("")),
  };
  // Like every --json output: bidi, C1 and invisible characters as \u escapes, so the text shown or read
  // cannot be reordered or hide anything; it parses to the same document.
  const text = jsonSafe(JSON.stringify(document));
  if (text.length > MAX_RESULT_CHARS) {
    return _error(
      "E_RESULT_TOO_LARGE",
      EXIT_USAGE,
      `The result is ${text.length} characters, more than the ${MAX_RESULT_CHARS} a tool returns; ask for less ` +
        "(fewer replies, recipients or sources per call)",
    );
  }
  // A finding (a failing layer, an error finding) is a result; a usage, environment or gate refusal is an error.
  const isError = [2, 3, 4, 70].includes(result.exitCode);
  return {
    content: [{ type: "text", text }],
    structuredContent: document as Record<string, unknown>,
    ...(isError ? { isError: true } : {}),
    _meta: { "smtpilot/exitCode": result.exitCode },
  };
}

/** Longest error message a tool returns (a message names values shortened already; this bounds the rest). */
const _MAX_MESSAGE = 4000;

function _error(code: string, exitCode: number, message: string): CallToolResult {
  const bounded = message.length > _MAX_MESSAGE ? `${message.slice(0, _MAX_MESSAGE)}…` : message;
  const document = errorDocument(code, exitCode, agentWording(redactText(bounded))) as Record<string, unknown>;
  return {
    content: [{ type: "text", text: jsonSafe(JSON.stringify(document)) }],
    structuredContent: document,
    isError: exitCode !== EXIT_OK,
    _meta: { "smtpilot/exitCode": exitCode },
  };
}
