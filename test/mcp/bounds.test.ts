// deno-lint-ignore-file no-explicit-any
// Every input and output of `smtpilot mcp` is bounded, and a refusal never ends the session: an oversized
// line, a nesting two million deep, a line that is not JSON, too many replies, a result of hundreds of
// megabytes — each gets a clear refusal and the next request is served. Confirmations fail closed: a client
// that can only open URLs, an accept without the code, or a failing client are refusals (exit 4), not crashes.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { createMcpServer } from "../../cli/mcp/server.ts";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { b, CANARY, useSendBed } from "../send/send-fixture.ts";
import { RawSession } from "./raw-session.ts";

useSendBed();

/** A small request that must still be served after each refusal. */
async function stillServes(s: RawSession, id: number): Promise<void> {
  const r = await s.request(id, "tools/call", { name: "explain", arguments: { reply: ["550 5.1.1 user unknown"] } });
  assert.equal(r.result?.structuredContent?.schema, "smtpilot.explain/1", JSON.stringify(r).slice(0, 300));
}

test("oversized, deeply nested and non-JSON lines are refused and the session goes on", async (t) => {
  const s = new RawSession(path.join(makeTestDir("smtpilot-bounds-"), "home"));
  t.after(() => void s.child.kill());
  const init = await s.request(1, "initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  });
  assert.equal(init.result.serverInfo.name, "smtpilot");
  s.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  await stillServes(s, 2);

  // 11 MiB on one line, the id last (as the SDK's clients write it).
  const big = "x".repeat(11 * 1024 * 1024);
  s.write(
    `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"explain","arguments":{"reply":["550 ${big}"]}},"id":3}`,
  );
  assert.equal((await s.answer(3)).error?.code, -32600);
  await stillServes(s, 4);

  // Two million levels of nesting.
  const depth = 2_000_000;
  s.write(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":${"[".repeat(depth)}${"]".repeat(depth)}}`);
  assert.equal((await s.answer(5)).error?.code, -32600);
  await stillServes(s, 6);

  // Not JSON at all: a parse error without an id.
  s.write("this is not json {");
  assert.equal((await s.anonymous()).error?.code, -32700);
  await stillServes(s, 7);

  // 100 000 replies: refused by the input bound, as a tool error.
  const many = await s.request(8, "tools/call", {
    name: "explain",
    arguments: { reply: Array.from({ length: 100_000 }, () => "550 5.1.1 user unknown") },
  });
  assert.equal(many.result?.isError, true, JSON.stringify(many).slice(0, 500));
  assert.equal(many.result?.structuredContent?.error?.code, "E_USAGE");
  // Within every input bound, but the result would be far larger than a tool returns.
  const long = await s.request(9, "tools/call", {
    name: "explain",
    arguments: { reply: Array.from({ length: 1000 }, (_v, i) => `550 5.1.1 <u${i}@example.com> ${"y".repeat(7000)}`) },
  });
  assert.equal(long.result?.isError, true, JSON.stringify(long).slice(0, 500));
  assert.equal(long.result?.structuredContent?.error?.code, "E_RESULT_TOO_LARGE");
  await stillServes(s, 10);
  assert.ok(s.longestLine < 2 * 1024 * 1024, `a line of ${s.longestLine} characters was sent`);

  s.child.stdin.end();
  assert.equal(await s.exited, 0);
});

/** A client whose elicitation capability and answers the test chooses. */
async function connect(capabilities: Record<string, unknown>, answer?: () => unknown): Promise<Client> {
  process.env.PW = FIXTURE_DEMO_SECRET;
  const server = createMcpServer({ globals: { home: b().home }, plugins: () => loadAllPlugins([]) });
  const client = new Client({ name: "t", version: "1" }, { capabilities });
  if (answer) client.setRequestHandler(ElicitRequestSchema, answer as any);
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(c)]);
  return client;
}

const SEND = {
  profile: "lab",
  to: [CANARY],
  subject: "Bounds check",
  text: "Hello from the bounds test.",
  resolver: "127.0.0.1:9",
};

test("a confirmation that cannot be given or is not given is a refusal (exit 4), never an internal error", async () => {
  const cases: [string, Record<string, unknown>, (() => unknown) | undefined, string][] = [
    ["URL-only elicitation", { elicitation: { url: {} } }, undefined, "gate.no-confirmation"],
    ["accept with {}", { elicitation: {} }, () => ({ action: "accept", content: {} }), "gate.confirmation-declined"],
    ["accept without content", { elicitation: {} }, () => ({ action: "accept" }), "gate.confirmation-declined"],
    [
      "a number for the code",
      { elicitation: {} },
      () => ({ action: "accept", content: { code: 7 } }),
      "gate.confirmation-declined",
    ],
    ["a failing client", { elicitation: {} }, () => {
      throw new Error("the client's form broke");
    }, "gate.confirmation-declined"],
  ];
  for (const [what, capabilities, answer, code] of cases) {
    const client = await connect(capabilities, answer);
    const stored = b().stored().length;
    const r = await client.callTool({ name: "send_canary", arguments: SEND });
    assert.equal((r._meta as any)["smtpilot/exitCode"], 4, `${what}: ${JSON.stringify(r.structuredContent)}`);
    assert.equal((r.structuredContent as any).error.code, code, what);
    assert.equal(b().stored().length, stored, `${what}: a message was sent`);
    // The session goes on.
    const next = await client.callTool({ name: "canary_list", arguments: {} });
    assert.equal((next.structuredContent as any).schema, "smtpilot.canaries/1");
    await client.close();
  }
});
