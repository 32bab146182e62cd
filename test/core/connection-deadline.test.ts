// SmtpConnection.readReply keeps one deadline timer from one wait to the next (a pipelined send
// waits thousands of times a second). Whatever it kept, each wait still fails at its own deadline,
// and a connection nobody waits on never keeps the process alive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SmtpConnection, SmtpReadError } from "../../core/smtp/connection.ts";
import { Transcript } from "../../core/smtp/transcript.ts";
import { startScriptServer } from "../helpers/script-server.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

test("after many answered waits, a long wait and then a short one still fail at the short one's deadline", {
  timeout: 60_000,
}, async () => {
  // Answers NOOP at once; says nothing to WAIT.
  const srv = await startScriptServer({
    greeting: "220 t\r\n",
    onLine: (l) => (l === "NOOP" ? "250 ok\r\n" : undefined),
  });
  const socket = net.connect(srv.port, "127.0.0.1");
  const conn = new SmtpConnection(socket, new Transcript(() => 0));
  try {
    assert.equal((await conn.readReply(5000)).code, 220);
    for (let i = 0; i < 50; i++) assert.equal((await conn.command("NOOP", 600_000)).code, 250);
    const err = await conn.command("WAIT", 150).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof SmtpReadError, String(err));
    assert.equal(err.failure.kind, "timeout");
    assert.equal(err.failure.kind === "timeout" && err.failure.waitedMs, 150);
  } finally {
    conn.destroy();
    await srv.close();
  }
});

test("a connection whose last wait was answered does not keep the process alive", { timeout: 60_000 }, async (t) => {
  // A child answers one 10-minute wait, lets go of its sockets and must then exit by itself.
  const script = `
    import net from "node:net";
    import { SmtpConnection } from ${JSON.stringify(path.join(root, "core/smtp/connection.ts"))};
    import { Transcript } from ${JSON.stringify(path.join(root, "core/smtp/transcript.ts"))};
    const server = net.createServer((s) => { s.write("220 t\\r\\n"); s.unref(); }).listen(0, "127.0.0.1", async () => {
      const socket = net.connect(server.address().port, "127.0.0.1");
      const conn = new SmtpConnection(socket, new Transcript(() => 0));
      console.log((await conn.readReply(600000)).code);
      socket.unref();
      server.unref();
    });`;
  // The same runtime as this suite (it also runs under deno test).
  const evalArgs = "Deno" in globalThis ? ["eval", script] : ["--input-type=module", "-e", script];
  const child = spawn(process.execPath, evalArgs, { stdio: ["ignore", "pipe", "inherit"] });
  t.after(() => child.kill("SIGKILL")); // a child held by a timer is ended with the test
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  assert.equal(code, 0);
  assert.equal(out.trim(), "220");
});

test("a wait is settled by the events that answer it: a reply completed by a later chunk, then a close", {
  timeout: 60_000,
}, async () => {
  // The server writes what the test tells it to, when it tells it to.
  let peer: net.Socket | undefined;
  const server = net.createServer().listen(0, "127.0.0.1");
  const connected = new Promise<void>((resolve) => {
    server.once("connection", (s: net.Socket) => {
      peer = s;
      resolve();
    });
  });
  await new Promise((resolve) => server.once("listening", resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  const conn = new SmtpConnection(socket, new Transcript(() => 0));
  try {
    await connected;
    const first = conn.readReply(600_000);
    assert.equal(conn.takeReply(), undefined);
    // A second wait at the same time is refused, never taken as the first one's answer.
    await assert.rejects(conn.readReply(1000), /Concurrent readReply/);
    peer?.write("250-first line\r\n250 sec");
    const fragment = new Promise((resolve) => socket.once("data", resolve));
    await fragment; // bytes that complete no reply: the wait goes on
    peer?.write("ond\r\n251 queued\r\n");
    const reply = await first;
    assert.deepEqual([reply.code, reply.lines], [250, ["first line", "second"]]);
    // The reply that came with it is taken at once; the next wait fails when the server closes.
    assert.equal(conn.takeReply()?.code, 251);
    const next = conn.readReply(600_000);
    peer?.end();
    const err = await next.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof SmtpReadError && err.failure.kind === "closed", String(err));
    // Once closed, a wait fails at once, whatever its deadline.
    const again = await conn.readReply(600_000).then(() => undefined, (e: unknown) => e);
    assert.ok(again instanceof SmtpReadError && again.failure.kind === "closed", String(again));
  } finally {
    conn.destroy();
    server.close();
  }
});
