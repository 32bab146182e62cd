// Property: whatever bytes a server sends, a diagnosis ends with a report (never a throw or a
// hang), exactly one failing layer or a pass, and a transcript of bounded size.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import fc from "fast-check";
import { diagnose } from "../../core/diagnose.ts";
import { systemIo } from "../../core/io.ts";
import { MAX_TRANSCRIPT_ENTRIES } from "../../core/smtp/transcript.ts";

let script: { chunks: Uint8Array[]; thenClose: boolean } = { chunks: [], thenClose: true };
const server = net.createServer((socket) => {
  socket.on("error", () => {});
  const { chunks, thenClose } = script;
  for (const c of chunks) socket.write(c);
  if (thenClose) socket.end();
  // Otherwise: answer nothing more and let the client's timeout end it.
});
let port = 0;
before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const smtpish = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 3000 }),
  fc.array(
    fc.constantFrom(
      "220 ok\r\n",
      "220-",
      "250-X\r\n",
      "250 ok\r\n",
      "\r\n",
      "5",
      "xx",
      "\n",
      "421 bye\r\n",
      "\x16\x03\x01",
    ),
    { minLength: 1, maxLength: 40 },
  )
    .map((parts) => new TextEncoder().encode(parts.join(""))),
);

test("diagnose() ends with exactly one verdict for any server byte stream", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(smtpish, { minLength: 1, maxLength: 3 }), fc.boolean(), async (chunks, thenClose) => {
      script = { chunks, thenClose };
      const report = await diagnose({
        host: "127.0.0.1",
        port,
        tls: "none",
        to: [],
        timeoutMs: 600,
        declaredSize: 1000,
      }, systemIo());
      const failedLayers = report.layers.filter((l) => l.status === "fail");
      assert.ok(failedLayers.length <= 1);
      assert.equal(report.verdict.status === "pass", failedLayers.length === 0);
      assert.ok(report.transcript.length <= MAX_TRANSCRIPT_ENTRIES + 1);
      if (failedLayers[0]) assert.match(failedLayers[0].diagnosis?.code ?? "", /^(greeting|ehlo)\.[a-z-]+$/);
    }),
    { numRuns: 40 },
  );
});
