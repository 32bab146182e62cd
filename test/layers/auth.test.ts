import { test } from "node:test";
import assert from "node:assert/strict";
import type net from "node:net";
import tls from "node:tls";
import { diagnose } from "../../core/diagnose.ts";
import { systemIo } from "../../core/io.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { options } from "../helpers/fake-io.ts";

/** An implicit-TLS server that greets and answers EHLO, then never answers AUTH (a hung auth backend). */
async function silentAtAuth(): Promise<{ port: number; caPem: string; close(): void }> {
  const { ca, leaf } = loopbackCert();
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.certPem }, (socket) => {
    socket.on("error", () => {});
    socket.write("220 mx.test ESMTP\r\n");
    socket.on("data", (chunk) => {
      if (/^EHLO/i.test(chunk.toString())) socket.write("250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as net.AddressInfo).port, caPem: ca.certPem, close: () => server.close() };
}

test("diagnose() reports auth.timeout when AUTH gets no answer", async () => {
  const srv = await silentAtAuth();
  try {
    const report = await diagnose(
      options({
        port: srv.port,
        tls: "implicit",
        ca: srv.caPem,
        // Each step's limit: the TLS handshake before AUTH must fit in it on a busy machine too.
        timeoutMs: 2000,
        auth: { user: "u", secret: "s3cret-value", secretRef: "env:X" },
      }),
      systemIo(),
    );
    assert.equal(report.verdict.code, "auth.timeout");
    assert.equal(report.layers.find((l) => l.id === "auth")?.facts.mechanism, "PLAIN");
  } finally {
    srv.close();
  }
});
