// The tls layer against servers whose TLS fails on their side: an alert in answer to the
// ClientHello (OpenSMTPD 6.8 with OpenSSL 3 answers every handshake with "internal error"),
// a server that resets anything newer than TLS 1.1, and certificate wording with --ca.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { diagnose } from "../../core/diagnose.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { type DiagnoseIo, systemIo } from "../../core/io.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { selfSignedCert } from "../../fixtures/index.ts";
import { type ChildServerSpec, startChildServer } from "../helpers/child-server.ts";
import { options } from "../helpers/fake-io.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { startScriptServer } from "../helpers/script-server.ts";

const tlsLayer = (r: DiagnoseReport) => r.layers.find((l) => l.id === "tls");
/** The diagnosis' own time, without the child server's start. */
const _took = (r: DiagnoseReport) => r.layers.reduce((sum, l) => sum + l.ms, 0);

/** The step timeout of these runs: an answer "within seconds" is one that did not wait for it. */
const TIMEOUT_MS = 10_000;

async function run(spec: ChildServerSpec, over: Partial<DiagnoseOptions>): Promise<DiagnoseReport> {
  const child = await startChildServer(spec);
  try {
    return await diagnose(options({ port: child.port, timeoutMs: TIMEOUT_MS, ...over }), systemIo());
  } finally {
    await child.close();
  }
}

describe("a port that answers the ClientHello with a fatal TLS alert (internal error)", () => {
  const spec: ChildServerSpec = { kind: "alert", alert: 80 };

  for (const mode of ["auto", "implicit"] as const) {
    test(`--tls ${mode} reports tls.handshake-failed naming the alert, within seconds`, async () => {
      const report = await run(spec, { tls: mode });
      assert.equal(report.verdict.code, "tls.handshake-failed");
      assert.equal(tlsLayer(report)?.facts.serverAlert, "internal error");
      assert.ok(_took(report) < TIMEOUT_MS, `took ${_took(report)} ms`);
    });
  }

  test("--tls starttls reports tls.mode-mismatch (the port speaks TLS), within seconds", async () => {
    const report = await run(spec, { tls: "starttls" });
    assert.equal(report.verdict.code, "tls.mode-mismatch");
    assert.deepEqual(tlsLayer(report)?.facts.portProbe, { outcome: "alert", alert: "internal error" });
    assert.ok(_took(report) < TIMEOUT_MS, `took ${_took(report)} ms`);
  });

  test("a handshake_failure alert is also proof of TLS, not greeting.timeout", async () => {
    const report = await run({ kind: "alert", alert: 40 }, { tls: "auto" });
    assert.equal(report.verdict.code, "tls.handshake-failed");
    assert.equal(tlsLayer(report)?.facts.serverAlert, "handshake failure");
  });
});

describe("a server that resets every handshake newer than TLS 1.1", () => {
  const { ca, leaf } = loopbackCert();
  for (const starttls of [false, true]) {
    const mode = starttls ? "starttls" : "implicit";
    test(`${mode}: tls.handshake-failed about the TLS version (legacyTls), not a certificate fault`, async () => {
      const report = await run(
        { kind: "legacy-reset", key: leaf.keyPem, cert: leaf.certPem, starttls },
        { tls: mode, ca: ca.certPem },
      );
      assert.equal(report.verdict.code, "tls.handshake-failed");
      assert.match(String(tlsLayer(report)?.facts.legacyTls), /^TLSv1(\.1)?$/);
    });
  }

  test("with side probes off the reset stays tls.connection-dropped (the version is not asked)", async () => {
    const report = await run(
      { kind: "legacy-reset", key: leaf.keyPem, cert: leaf.certPem },
      { tls: "implicit", ca: ca.certPem, probes: "off" },
    );
    assert.equal(report.verdict.code, "tls.connection-dropped");
    assert.equal(tlsLayer(report)?.facts.legacyTls, undefined);
  });
});

describe("certificate trust wording", () => {
  /** A STARTTLS server presenting `key`/`cert`. */
  async function starttlsWith(pair: { keyPem: string; certPem: string }, ca?: string) {
    const srv = await startScriptServer({
      greeting: "220 mx.test ESMTP\r\n",
      onLine: (line, socket) => {
        if (/^EHLO/i.test(line)) return "250-mx.test\r\n250 STARTTLS\r\n";
        if (!/^STARTTLS/i.test(line)) return "250 ok\r\n";
        socket.write("220 go ahead\r\n");
        const secure = new tls.TLSSocket(socket, { isServer: true, key: pair.keyPem, cert: pair.certPem });
        secure.on("error", () => {});
        return undefined;
      },
    });
    try {
      return await diagnose(options({ port: srv.port, tls: "starttls", ...(ca ? { ca } : {}) }), systemIo());
    } finally {
      await srv.close();
    }
  }

  test("a self-signed certificate with --ca given is diagnosed as self-signed, not as another CA's", async () => {
    const { ca } = loopbackCert();
    const selfSigned = selfSignedCert({
      commonName: "localhost",
      sans: { dns: ["localhost"], ip: ["127.0.0.1"] },
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const own = await starttlsWith(selfSigned, ca.certPem);
    const otherCa = await starttlsWith(loopbackCert().leaf, ca.certPem);
    assert.equal(own.verdict.code, "tls.cert-untrusted");
    assert.equal(otherCa.verdict.code, "tls.cert-untrusted");
    assert.equal((tlsLayer(own)?.facts.certificate as { selfSigned: boolean }).selfSigned, true);
    assert.equal((tlsLayer(otherCa)?.facts.certificate as { selfSigned: boolean }).selfSigned, false);
    assert.notEqual(tlsLayer(own)?.diagnosis?.cause, tlsLayer(otherCa)?.diagnosis?.cause);
    assert.notEqual(tlsLayer(own)?.diagnosis?.summary, tlsLayer(otherCa)?.diagnosis?.summary);
  });
});

test("--tls auto: the silence before detecting implicit TLS is the tls layer's time (layers add up to the wall time)", async () => {
  // The test owns the diagnosis' clock: it stands still except at the connections, where it jumps
  // by a known amount — the main one's inside the tcp layer, the side probe's inside the silence
  // before the detection. Every jump must land in exactly one layer, so the layers' times add up
  // to the clock's whole run exactly, however long a busy machine takes between the jumps. The
  // silence itself is real: the side probe connects only after the greeting pause.
  const { ca, leaf } = loopbackCert();
  const child = await startChildServer({ kind: "tls", key: leaf.keyPem, cert: leaf.certPem });
  // Well under the timeout: the deadlines read this clock too.
  const [tcpJump, silenceJump] = [100, 3000];
  let now = 0;
  const connectedAt: number[] = [];
  const io = systemIo();
  const stepped: DiagnoseIo = {
    ...io,
    clock: { now: () => now, date: () => new Date() },
    connect: (address, port, signal) => {
      connectedAt.push(performance.now());
      now += connectedAt.length === 1 ? tcpJump : connectedAt.length === 2 ? silenceJump : 0;
      return io.connect(address, port, signal);
    },
  };
  try {
    const report = await diagnose(options({ port: child.port, ca: ca.certPem, timeoutMs: 10_000 }), stepped);
    assert.equal(report.verdict.status, "pass", JSON.stringify(report.verdict));
    assert.equal(connectedAt.length, 2, "the main connection and one side probe");
    const tls = tlsLayer(report);
    assert.equal(tls?.facts.detectedBy, "side-probe");
    assert.equal(tls?.facts.detectedAfterMs, silenceJump, "the detection came after the side probe's silence");
    assert.ok(Number(tls?.ms) >= silenceJump, `the silence is in the tls layer: ${JSON.stringify(report.layers)}`);
    const sum = report.layers.reduce((n, l) => n + l.ms, 0);
    assert.equal(sum, now, `layers ${JSON.stringify(report.layers.map((l) => [l.id, l.ms]))}, clock ${now}`);
    // Gentle probing: the ClientHello went out only after a real silence of a greeting pause.
    assert.ok(Number(connectedAt[1]) - Number(connectedAt[0]) >= 1000, "side probe before the greeting pause");
  } finally {
    await child.close();
  }
});
