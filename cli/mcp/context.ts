/**
 * The RunContext of a tool call: the result is always the JSON document;
 * nobody sits at a terminal; progress goes out as MCP progress notifications
 * and warnings as log messages (stdout belongs to the protocol); the caller
 * is an agent, so confirmations go to the person through the client's
 * elicitation — when the client supports it, and never otherwise; the
 * client cancelling a call interrupts it as Ctrl-C does a command.
 */
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/server/index.d.ts"
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Registry } from "../../core/plugin.ts";
import type { CommandResult, ConfirmRequest, RunContext } from "../command-spec.ts";
import { onCleanup } from "../lifecycle.ts";
import { protectSecrets, redactText } from "../output.ts";
import { agentWording } from "./agent-text.ts";

/** What one tool call collects besides its returned result. */
export interface CallCollector {
  /** Results the command emitted as it went (redact streams its output). */
  emitted: Omit<CommandResult, "exitCode">[];
}

/** The pieces of the server a call context needs. */
export interface McpCallEnvironment {
  server: Server;
  globals: { plugin?: string[]; home?: string };
  plugins: () => Promise<Registry>;
  progressToken?: string | number;
  /** Aborted when the client cancels the call (notifications/cancelled). */
  cancelled?: AbortSignal;
}

/** Builds the context of one tool call. */
export function mcpContext(env: McpCallEnvironment, collector: CallCollector): RunContext {
  const { server, cancelled } = env;
  let step = 0;
  // Only a form shows the plan and takes the typed code; a client that can only open URLs cannot confirm.
  const canAsk = server.getClientCapabilities()?.elicitation?.form !== undefined;
  return {
    globals: env.globals,
    json: true,
    interactive: false,
    agent: true,
    plugins: env.plugins,
    progress: (text) => {
      if (env.progressToken === undefined || text === "") return;
      void server.notification({
        method: "notifications/progress",
        params: { progressToken: env.progressToken, progress: ++step, message: redactText(_bounded(text)) },
      }).catch(() => {});
    },
    warn: (text) => {
      void server.sendLoggingMessage({
        level: "warning",
        logger: "smtpilot",
        data: agentWording(redactText(_bounded(text))),
      })
        .catch(() => {});
    },
    protectSecrets,
    onCleanup,
    emit: (result) => void collector.emitted.push(result),
    ...(cancelled ? { onInterrupt: (fn: (exitCode: number) => void) => _onCancel(cancelled, fn) } : {}),
    ...(canAsk ? { confirm: (request: ConfirmRequest) => _elicit(server, request, cancelled) } : {}),
  };
}

/**
 * The client cancelling the call is the agent's Ctrl-C: a run that can stop
 * cleanly (a list send) stops taking recipients, finishes what is in flight,
 * and logs its summary; the exit code is an interrupt's (130). Without this
 * a cancelled send went on to the end of the list, unseen.
 */
function _onCancel(signal: AbortSignal, fn: (exitCode: number) => void): () => void {
  const cancel = () => fn(130);
  if (signal.aborted) {
    cancel();
    return () => {};
  }
  signal.addEventListener("abort", cancel, { once: true });
  return () => signal.removeEventListener("abort", cancel);
}

/** Longest warning or progress message sent to the client. */
const _MAX_LOG = 2000;

function _bounded(text: string): string {
  return text.length > _MAX_LOG ? `${text.slice(0, _MAX_LOG)}…` : text;
}

/**
 * Shows the person the full plan and asks for its code. The code is only in
 * what the client shows its user, never in a tool result the agent reads.
 * An answer that is not a typed code — a decline, an accept without it, an
 * answer the schema refuses, a client that fails, an answer after the call
 * was cancelled — is no confirmation.
 */
async function _elicit(
  server: Server,
  request: ConfirmRequest,
  cancelled: AbortSignal | undefined,
): Promise<string | undefined> {
  // A call cancelled while the person is asked withdraws the question (the client is told): no late "yes" counts.
  const answer = await server.elicitInput({
    message: `${request.summary}\n\nTo go ahead, type the confirmation code ${request.code}. Anything else cancels.`,
    requestedSchema: {
      type: "object",
      properties: {
        code: { type: "string", title: "Confirmation code", description: "The code shown above" },
      },
      required: ["code"],
    },
  }, cancelled ? { signal: cancelled } : undefined).catch(() => undefined);
  if (answer === undefined || cancelled?.aborted) return undefined;
  if (answer.action !== "accept") return undefined;
  const code = answer.content?.code;
  return typeof code === "string" ? code : undefined;
}
