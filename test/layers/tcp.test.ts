import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { diagnose } from "../../core/diagnose.ts";
import { failingConnect, fakeResolver, hangingConnect, ioWith, options } from "../helpers/fake-io.ts";

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

test("diagnose() reports tcp.refused for a port nothing listens on", async () => {
  const report = await diagnose(options({ port: await closedPort() }), ioWith({}));
  assert.equal(report.verdict.code, "tcp.refused");
});

test("diagnose() reports tcp.timeout for a filtered port, mentioning port 25 blocking", async () => {
  const report = await diagnose(options({ port: 25, timeoutMs: 300 }), ioWith({ connect: hangingConnect }));
  assert.equal(report.verdict.code, "tcp.timeout");
  assert.match(report.layers[1]?.diagnosis?.cause ?? "", /25/);
});

for (const code of ["EHOSTUNREACH", "ENETUNREACH"]) {
  test(`diagnose() reports tcp.unreachable for ${code}`, async () => {
    const report = await diagnose(options({}), ioWith({ connect: failingConnect(code) }));
    assert.equal(report.verdict.code, "tcp.unreachable");
  });
}

test("tcp layer says which address family worked after another failed", async () => {
  const srv = net.createServer((s) => s.end("220 ok\r\n"));
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  const resolver = fakeResolver({
    "dual.example.test": { addresses: [{ address: "::1", family: 6 }, { address: "127.0.0.1", family: 4 }] },
  });
  // ::1 refuses on this port (nothing listens there), 127.0.0.1 accepts.
  const report = await diagnose(
    options({ host: "dual.example.test", port, tls: "none", timeoutMs: 1000 }),
    ioWith({ resolver }),
  );
  srv.close();
  const tcp = report.layers.find((l) => l.id === "tcp");
  assert.equal(tcp?.status, "pass");
  assert.equal(tcp?.facts.family, "IPv4");
  assert.equal((tcp?.facts.attempts as unknown[]).length, 2);
});
