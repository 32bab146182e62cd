import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { diagnose } from "../../core/diagnose.ts";
import { systemIo } from "../../core/io.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { options } from "../helpers/fake-io.ts";

/** A server that does EHLO and STARTTLS correctly, then hangs up at the EHLO over TLS (Postfix without its SASL backend). */
async function dropsAfterStartTls(): Promise<{ port: number; caPem: string; close(): void }> {
  const { ca, leaf } = loopbackCert();
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.write("220 mx.test ESMTP\r\n");
    socket.on("data", function onPlain(chunk) {
      const line = chunk.toString();
      if (/^EHLO/i.test(line)) socket.write("250-mx.test\r\n250 STARTTLS\r\n");
      if (/^STARTTLS/i.test(line)) {
        socket.off("data", onPlain);
        socket.write("220 2.0.0 Ready to start TLS\r\n", () => {
          const secure = new tls.TLSSocket(socket, { isServer: true, key: leaf.keyPem, cert: leaf.certPem });
          secure.on("error", () => {});
          secure.on("data", () => secure.destroy());
        });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as net.AddressInfo).port, caPem: ca.certPem, close: () => server.close() };
}

test("diagnose() reports ehlo.connection-dropped after STARTTLS as a server-side fault", async () => {
  const srv = await dropsAfterStartTls();
  try {
    const report = await diagnose(options({ port: srv.port, ca: srv.caPem, timeoutMs: 2000 }), systemIo());
    assert.equal(report.verdict.code, "ehlo.connection-dropped");
    const ehlo = report.layers.find((l) => l.id === "ehlo");
    assert.equal(ehlo?.facts.afterStartTls, true);
    assert.equal(report.layers.find((l) => l.id === "tls")?.status, "pass");
  } finally {
    srv.close();
  }
});
