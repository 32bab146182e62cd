// Item 4 of issue 6: when diagnose() resolves, nothing it opened is left behind — no socket
// still connecting, no side-probe connection, no timer — so the process can exit at once.
// The servers run in a child process so that every handle counted here is the client's.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { diagnose } from "../../core/diagnose.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { connectWithin, systemIo } from "../../core/io.ts";
import { GREETING_PAUSE_MS } from "../../core/layers/first-contact.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { type ChildServerSpec, startChildServer } from "../helpers/child-server.ts";
import { options } from "../helpers/fake-io.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";

/** Active resources by type, e.g. { TCPSocketWrap: 2, Timeout: 1 }. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** Resources present now that were not present in `before`. */
function leftOver(before: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [type, n] of resources()) {
    const more = n - (before.get(type) ?? 0);
    if (more > 0) extra.push(`${type} x${more}`);
  }
  return extra;
}

/** Runs a diagnosis and asserts that it leaves no resource behind. */
async function diagnoseClean(opts: DiagnoseOptions): Promise<DiagnoseReport> {
  const before = resources();
  const report = await diagnose(opts, systemIo());
  // Node's own TLS teardown queues one Immediate, which runs in this same turn of the event loop
  // and holds nothing; anything still there after it would keep the process alive.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(leftOver(before), [], `left behind after ${report.verdict.code ?? "pass"}`);
  return report;
}

async function withChild<T>(spec: ChildServerSpec, run: (port: number) => Promise<T>): Promise<T> {
  const child = await startChildServer(spec);
  try {
    return await run(child.port);
  } finally {
    await child.close();
  }
}

/** Fills a never-accepting listener's queue so that the next SYN is dropped, like a firewall would. */
async function fillBacklog(port: number): Promise<net.Socket[]> {
  const fillers: net.Socket[] = [];
  for (;;) {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => {});
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      // Decided after the loop's I/O phase: a connect that completed while this process was
      // starved by a busy machine is seen as connected, not taken for a dropped SYN.
      const timer = setTimeout(() => setImmediate(() => resolve(false)), 300);
      socket.once("connect", () => (clearTimeout(timer), resolve(true)));
    });
    if (!connected) return fillers;
    if (fillers.length > 64) throw new Error("the listener's queue never filled");
  }
}

test("connectWithin destroys the socket still connecting when its time is up", async () => {
  await withChild({ kind: "backlog" }, async (port) => {
    const fillers = await fillBacklog(port);
    try {
      const before = resources();
      await assert.rejects(
        connectWithin(systemIo().connect, "127.0.0.1", port, 300),
        (err: NodeJS.ErrnoException) => err.code === "ETIMEDOUT",
      );
      assert.deepEqual(leftOver(before), []);
    } finally {
      for (const s of fillers) s.destroy();
    }
  });
});

test("diagnose() reports tcp.timeout for a port whose SYNs go unanswered and leaves no handle", async () => {
  await withChild({ kind: "backlog" }, async (port) => {
    const fillers = await fillBacklog(port);
    try {
      const report = await diagnoseClean(options({ port, timeoutMs: 400 }));
      assert.equal(report.verdict.code, "tcp.timeout");
    } finally {
      for (const s of fillers) s.destroy();
    }
  });
});

test("side probes of a silent port leave no handle (greeting.timeout)", async () => {
  await withChild({ kind: "silent" }, async (port) => {
    const report = await diagnoseClean(options({ port, timeoutMs: 2000 }));
    assert.equal(report.verdict.code, "greeting.timeout");
  });
});

test("side probes abandoned because the banner came late leave no handle", async () => {
  // The banner comes after the probe patience (GREETING_PAUSE_MS) but before the probe's answer.
  await withChild({ kind: "banner", delayMs: GREETING_PAUSE_MS + 300 }, async (port) => {
    const report = await diagnoseClean(options({ port, tls: "none", timeoutMs: 10_000 }));
    assert.equal(report.verdict.status, "pass", JSON.stringify(report.verdict));
  });
});

test("--tls auto detecting implicit TLS leaves no handle", async () => {
  const { ca, leaf } = loopbackCert();
  await withChild({ kind: "tls", key: leaf.keyPem, cert: leaf.certPem }, async (port) => {
    const report = await diagnoseClean(options({ port, ca: ca.certPem, timeoutMs: 10_000 }));
    assert.equal(report.verdict.status, "pass", JSON.stringify(report.verdict));
  });
});

test("--tls implicit against plaintext (side probe confirming the banner) leaves no handle", async () => {
  await withChild({ kind: "banner", delayMs: 0 }, async (port) => {
    const report = await diagnoseClean(options({ port, tls: "implicit", timeoutMs: 2000 }));
    assert.equal(report.verdict.code, "tls.mode-mismatch");
  });
});

test("a TLS alert in answer to the ClientHello leaves no handle", async () => {
  await withChild({ kind: "alert", alert: 80 }, async (port) => {
    const report = await diagnoseClean(options({ port, tls: "implicit", timeoutMs: 2000 }));
    assert.equal(report.verdict.layer, "tls");
  });
});

test("the old-TLS question on a side connection leaves no handle", async () => {
  const { ca, leaf } = loopbackCert();
  await withChild({ kind: "legacy-reset", key: leaf.keyPem, cert: leaf.certPem }, async (port) => {
    const report = await diagnoseClean(options({ port, tls: "implicit", ca: ca.certPem, timeoutMs: 2000 }));
    assert.equal(report.verdict.code, "tls.handshake-failed");
  });
});

test("a side probe answered with a TLS alert under --tls auto leaves no handle", async () => {
  await withChild({ kind: "alert", alert: 80 }, async (port) => {
    const report = await diagnoseClean(options({ port, timeoutMs: 10_000 }));
    assert.equal(report.verdict.code, "tls.handshake-failed");
  });
});
