// Servers that misbehave in ways the fixture does not play, each found in review.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { diagnose } from "../../core/diagnose.ts";
import { systemIo } from "../../core/io.ts";
import { SmtpConnection } from "../../core/smtp/connection.ts";
import { Transcript } from "../../core/smtp/transcript.ts";
import { spawnCli } from "../helpers/cli.ts";
import { options } from "../helpers/fake-io.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { startScriptServer } from "../helpers/script-server.ts";

test("replies nobody asked for are a protocol error, never the answer to a later command", async () => {
  const srv = await startScriptServer({
    greeting: "220 mx.test\r\n",
    onLine: (line) => (/^EHLO/i.test(line) ? "250-mx.test\r\n250 SIZE 100\r\n250 ok\r\n250 ok\r\n" : undefined),
  });
  try {
    const report = await diagnose(
      options({ port: srv.port, tls: "none", from: "a@b.test", to: ["c@d.test"], timeoutMs: 1000 }),
      systemIo(),
    );
    assert.equal(report.verdict.status, "fail");
    assert.equal(report.verdict.code, "envelope.protocol-error");
    assert.equal(report.layers.find((l) => l.id === "envelope")?.facts.violation, "unsolicited-reply");
  } finally {
    await srv.close();
  }
});

test("SmtpConnection refuses to send a command containing CR or LF", () => {
  const socket = new net.Socket();
  const conn = new SmtpConnection(socket, new Transcript(() => 0));
  assert.throws(() => conn.send("EHLO x\r\nDATA"), (err: Error & { code?: string }) => err.code === "E_SMTP_INJECTION");
  socket.destroy();
});

/** Serves a few lines of implicit-TLS SMTP on an accepted socket: banner once secure, EHLO, QUIT. */
function implicitSmtp(socket: net.Socket, leaf: { keyPem: string; certPem: string }): void {
  const secure = new tls.TLSSocket(socket, { isServer: true, key: leaf.keyPem, cert: leaf.certPem });
  secure.on("error", () => {});
  secure.once("secure", () => secure.write("220 mx.test ESMTP\r\n"));
  secure.on("data", (d) => {
    if (/^EHLO/i.test(d.toString())) secure.write("250-mx.test\r\n250 SIZE 1000\r\n");
    if (/^QUIT/i.test(d.toString())) secure.end("221 bye\r\n");
  });
}

test("--tls auto finds an implicit-TLS port that closes silent connections early", async () => {
  const { ca, leaf } = loopbackCert();
  // Like a TLS terminator with a short idle timeout: no ClientHello within 300 ms, goodbye. A
  // ClientHello in time gets a handshake with no time limit, however slow a busy machine makes it.
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    const idle = setTimeout(() => socket.destroy(), 300);
    socket.once("data", (hello) => {
      clearTimeout(idle);
      socket.pause();
      socket.unshift(hello);
      implicitSmtp(socket, leaf);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const port = (server.address() as net.AddressInfo).port;
    const report = await diagnose(options({ port, ca: ca.certPem, timeoutMs: 10_000 }), systemIo());
    assert.equal(report.verdict.status, "pass", JSON.stringify(report.layers.filter((l) => l.status === "fail")));
    assert.deepEqual(report.layers.slice(2, 4).map((l) => l.id), ["tls", "greeting"]);
  } finally {
    server.close();
  }
});

test("--tls implicit against a plaintext server with a slow banner is a mode mismatch", async () => {
  // Slow enough that the client's ClientHello is out first: the banner answers it.
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => socket.write("220 mx.test ESMTP\r\n"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const port = (server.address() as net.AddressInfo).port;
    const report = await diagnose(options({ port, tls: "implicit", timeoutMs: 10_000 }), systemIo());
    assert.equal(report.verdict.code, "tls.mode-mismatch");
  } finally {
    server.close();
  }
});

test("a bracketed IPv6 literal is accepted as --host", async () => {
  const { toOptions } = await import("../../core/diagnose-flags.ts");
  assert.equal(toOptions({ host: "[::1]", tls: "auto" }).host, "::1");
});

test("Ctrl-C ends a diagnosis that is waiting, with exit code 130", async () => {
  // The diagnosis is waiting once its connection is in: the signal handlers are installed
  // before any command runs (cli/lifecycle.ts), so Ctrl-C from then on must end it.
  let connected: () => void = () => {};
  const connection = new Promise<void>((resolve) => (connected = resolve));
  const silent = net.createServer((s) => {
    s.on("error", () => {});
    connected();
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const port = (silent.address() as net.AddressInfo).port;
  const child = spawnCli([
    "diagnose",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--tls",
    "none",
    "--timeout",
    "60",
  ]);
  child.stdin.end();
  child.stdout.resume();
  child.stderr.resume();
  const code = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  try {
    await Promise.race([connection, code.then((c) => assert.fail(`the CLI ended (${c}) before it connected`))]);
    child.kill("SIGINT");
    // The exit code says which of the two ended it: 130 is the signal's; the 60 s step timeout ends in
    // greeting.timeout (the greeting layer's exit code, 12), and a CLI without a handler dies of the
    // signal (no exit code at all).
    assert.equal(await code, 130);
  } finally {
    child.kill("SIGKILL");
    silent.close();
  }
});

test("a 421 shutdown notice waiting before a command is the answer to it, not a protocol error", async () => {
  const srv = await startScriptServer({
    greeting: "220 mx.test\r\n",
    onLine: (line, socket) => {
      if (!/^EHLO/i.test(line)) return undefined;
      socket.end("250-mx.test\r\n250 SIZE 100\r\n421 4.4.2 mx.test Error: timeout exceeded\r\n");
      return undefined;
    },
  });
  try {
    const report = await diagnose(
      options({ port: srv.port, tls: "none", from: "a@b.test", to: ["c@d.test"], timeoutMs: 1000 }),
      systemIo(),
    );
    assert.equal(report.verdict.layer, "envelope");
    assert.notEqual(report.verdict.code, "envelope.protocol-error");
  } finally {
    await srv.close();
  }
});

test("--tls auto retries once when the silent connection drops during the implicit handshake", async () => {
  const { ca, leaf } = loopbackCert();
  let connections = 0;
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    if (++connections === 1) {
      // The first (main) connection dies as the ClientHello arrives, as an idle timeout would.
      socket.once("data", () => socket.resetAndDestroy());
      return;
    }
    implicitSmtp(socket, leaf);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const port = (server.address() as net.AddressInfo).port;
    const report = await diagnose(options({ port, ca: ca.certPem, timeoutMs: 4000 }), systemIo());
    assert.equal(report.verdict.status, "pass", JSON.stringify(report.layers.filter((l) => l.status === "fail")));
    assert.ok(report.transcript.some((e) => e.text.includes("retrying once")));
  } finally {
    server.close();
  }
});

test("an IPv6 literal host works end to end, with an IPv6 EHLO literal", async (t) => {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.write("220 mx.test ESMTP\r\n");
    socket.on("data", (d) => {
      received.push(d.toString());
      if (/^EHLO/i.test(d.toString())) socket.write("250-mx.test\r\n250 SIZE 1000\r\n");
      if (/^QUIT/i.test(d.toString())) socket.end("221 bye\r\n");
    });
  });
  try {
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "::1", resolve));
  } catch {
    t.skip("no IPv6 loopback on this machine");
    return;
  }
  try {
    const port = (server.address() as net.AddressInfo).port;
    const report = await diagnose(options({ host: "::1", port, tls: "none", timeoutMs: 2000 }), systemIo());
    assert.equal(report.verdict.status, "pass");
    assert.equal(report.layers.find((l) => l.id === "tcp")?.facts.family, "IPv6");
    if (!/\./.test(report.layers.find((l) => l.id === "ehlo")?.facts.ehloName as string)) {
      assert.ok(received.some((line) => line.startsWith("EHLO [IPv6:::1]")), received.join("|"));
    }
  } finally {
    server.close();
  }
});
