/**
 * smtpilot's MCP server driven in-process by the SDK's own client (on the
 * send bed's memory folder, test/send/send-fixture.ts, unless told another):
 * a connected client whose test person answers the confirmation the server
 * asks for.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { filesFolder } from "../../cli/mcp/file-access.ts";
import { createMcpServer } from "../../cli/mcp/server.ts";
import { b } from "../send/send-fixture.ts";

/** What the test person answers to an elicitation. */
export type Answer = { action: "accept" | "decline" | "cancel"; content?: Record<string, string> };
/** The answer a test person gives to an elicitation: from its message, as a person would read it. */
export type Person = (message: string) => Answer;

/**
 * A connected client; `person` answers elicitations (none: the client does
 * not support them); `files`: the folder the server may read files in (as
 * `smtpilot mcp --files DIR`; none by default); `home`: the memory folder
 * (the send bed's by default).
 */
export async function connect(person?: Person, files?: string, home: string = b().home): Promise<Client> {
  const server = createMcpServer({
    globals: { home },
    plugins: () => loadAllPlugins([]),
    files: filesFolder(files),
  });
  const client = new Client({ name: "test", version: "1" }, { capabilities: person ? { elicitation: {} } : {} });
  if (person) client.setRequestHandler(ElicitRequestSchema, (req) => person(String(req.params.message)));
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(c)]);
  return client;
}

/** The confirmation code an elicitation's message asks the person to type. */
export const codeIn = (message: string) => /type the confirmation code ([A-Z2-7]{6})/.exec(message)?.[1] ?? "";

/** The person who reads the plan and types its code. */
export const confirmingPerson: Person = (m) => ({ action: "accept", content: { code: codeIn(m) } });
