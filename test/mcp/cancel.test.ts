// An agent cancelling send_scale (MCP notifications/cancelled) interrupts the list send as Ctrl-C
// does on the command line: it stops taking recipients, finishes what is in flight, logs its summary
// as stopped and releases the plan's lock — it does not go on to the end of the list unseen.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { waitUntil } from "../helpers/wait-until.ts";
import { b, listFile, useSendBed, verifiedCanary } from "../send/send-fixture.ts";
import { confirmingPerson, connect } from "./mcp-client.ts";
import { useNxDns } from "./nx-dns.ts";

useSendBed();
const nxDns = useNxDns();
before(() => void (process.env.PW = FIXTURE_DEMO_SECRET));

const MESSAGE = { subject: "Canary check", text: "Hello from the send workflow test." };

test("cancelling send_scale stops the list send: in-flight finished, summary logged as stopped, lock released", async () => {
  await verifiedCanary();
  const recipients = Array.from({ length: 10 }, (_, i) => `m${i}@smtpilot.test`);
  const list = listFile("mcp-cancelled.txt", recipients);
  const logFile = path.join(b().home, "send-log.md");
  const scalesBefore = fs.readFileSync(logFile, "utf8").split("kind: scale").length;
  const before = b().stored().length;
  const held = b().hold();
  const client = await connect(confirmingPerson, b().dir);
  const cancel = new AbortController();
  const call = client.callTool(
    { name: "send_scale", arguments: { profile: "lab", toList: list, ...MESSAGE, rate: "none", resolver: nxDns() } },
    undefined,
    { signal: cancel.signal },
  );
  // Mid-send: the first message sits between its final dot and the server's answer.
  await Promise.race([
    held.reached,
    call.then((r) => assert.fail(`send_scale ended before its first message: ${JSON.stringify(r)}`)),
  ]);
  cancel.abort();
  held.release();
  await assert.rejects(call, "the client's call ends as cancelled");

  // The run ends on its own: its summary reaches the send log.
  const lastScale = () => {
    const log = fs.readFileSync(logFile, "utf8");
    return log.split("kind: scale").length > scalesBefore ? log.slice(log.lastIndexOf("kind: scale")) : undefined;
  };
  // The entry is appended before the lock is released: the run has ended once both are so.
  const journal = path.join(b().home, "journal");
  const leftBehind = () => fs.readdirSync(journal).filter((f) => f.endsWith(".lock") || f.endsWith(".list"));
  await waitUntil(() => lastScale() !== undefined && leftBehind().length === 0, {
    what: "the cancelled send's entry in send-log.md and its lock released",
  });
  assert.match(lastScale()!, /state: stopped/);
  const stored = b().stored().length - before;
  assert.ok(stored >= 1 && stored < recipients.length, `stopped mid-list (${stored} of ${recipients.length} sent)`);
  assert.match(lastScale()!, new RegExp(`accepted: ${stored}\\b`));
  await client.close();
});

test("a call cancelled while the person is asked withdraws the question: a late answer confirms nothing", async () => {
  const { mcpContext } = await import("../../cli/mcp/context.ts");
  const asked = Promise.withResolvers<void>();
  const late = Promise.withResolvers<void>();
  let withdrawn = false;
  // A client that shows the form, and whose person types the right code only after the call was cancelled.
  const server = {
    getClientCapabilities: () => ({ elicitation: { form: {} } }),
    elicitInput: async (_params: unknown, options?: { signal?: AbortSignal }) => {
      options?.signal?.addEventListener("abort", () => void (withdrawn = true));
      asked.resolve();
      await late.promise;
      return { action: "accept", content: { code: "ABCDEF" } };
    },
  };
  const cancel = new AbortController();
  const ctx = mcpContext(
    {
      server: server as never,
      globals: {},
      plugins: () => Promise.reject(new Error("unused")),
      cancelled: cancel.signal,
    },
    { emitted: [] },
  );
  const answer = ctx.confirm?.({ summary: "Send 1 live message", code: "ABCDEF" });
  await asked.promise;
  cancel.abort();
  late.resolve();
  assert.equal(await answer, undefined, "no confirmation after the call was cancelled");
  assert.equal(withdrawn, true, "the client was told the question is withdrawn");
});
