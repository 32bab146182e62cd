/**
 * Small misbehaving servers run in a child process, so a test can count the
 * handles its own process holds (process.getActiveResourcesInfo) without the
 * server's sockets in the way, and can play a listener that never accepts.
 * The child reports what it saw (bytes before its banner, lines) on stdout as
 * JSON lines.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** What the child plays. */
export type ChildServerSpec =
  /** Listens with a backlog of 1 and never accepts: once the queue is full, SYNs go unanswered (a filtered port). */
  | { kind: "backlog" }
  /** Accepts and never says a word. */
  | { kind: "silent" }
  /** Plaintext SMTP: the 220 banner after `delayMs`, EHLO and QUIT answered. */
  | { kind: "banner"; delayMs: number }
  /** Implicit TLS SMTP with this key pair. */
  | { kind: "tls"; key: string; cert: string }
  /** Answers the first bytes (a ClientHello) with a fatal TLS alert record, then closes. */
  | { kind: "alert"; alert: number }
  /**
   * A server that only speaks TLS 1.0/1.1: it resets a modern ClientHello
   * (client_version TLS 1.2) and completes a legacy one, as old appliances do.
   */
  | { kind: "legacy-reset"; key: string; cert: string; starttls?: boolean };

/** One thing the child saw. */
export interface ChildEvent {
  event: string;
  data?: string;
  conn?: number;
}

/** A running child server. */
export interface ChildServer {
  port: number;
  /**
   * Events the child reported so far, each with its connection number: `connection`,
   * `prebanner` (hex of bytes received before the banner, or at all on a silent server), `line`.
   */
  events(): ChildEvent[];
  close(): Promise<void>;
}

const _CHILD = String.raw`
const net = require("node:net");
const tls = require("node:tls");
const spec = JSON.parse(process.argv[1]);
const say = (event, data, conn) => process.stdout.write(JSON.stringify({ event, data, conn }) + "\n");
let connections = 0;
function smtp(socket, delayMs) {
  const conn = ++connections;
  say("connection", undefined, conn);
  let greeted = false;
  socket.on("error", () => {});
  socket.on("data", (d) => {
    if (!greeted) say("prebanner", d.toString("hex").slice(0, 64), conn);
    for (const line of d.toString("latin1").split(/\r?\n/).filter(Boolean)) {
      if (!greeted) continue;
      say("line", line, conn);
      if (/^EHLO/i.test(line)) socket.write("250-mx.test\r\n250-SIZE 1000\r\n250 8BITMIME\r\n");
      else if (/^QUIT/i.test(line)) socket.end("221 bye\r\n");
      else socket.write("250 ok\r\n");
    }
  });
  setTimeout(() => { greeted = true; if (!socket.destroyed) socket.write("220 mx.test ESMTP\r\n"); }, delayMs);
}
let server;
if (spec.kind === "backlog") {
  server = net.createServer();
  server.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
    say("port", String(server.address().port));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
} else {
  let legacyPort = 0;
  let legacy;
  if (spec.kind === "legacy-reset") {
    legacy = tls.createServer({ key: spec.key, cert: spec.cert, minVersion: "TLSv1", maxVersion: "TLSv1.1",
      ciphers: "DEFAULT@SECLEVEL=0" }, (s) => { s.on("error", () => {}); s.write("220 old.test ESMTP\r\n"); });
    legacy.on("tlsClientError", () => {});
    legacy.listen(0, "127.0.0.1", () => { legacyPort = legacy.address().port; });
  }
  const handle = (socket) => {
    socket.on("error", () => {});
    if (spec.kind === "banner") return smtp(socket, spec.delayMs);
    const conn = ++connections;
    say("connection", undefined, conn);
    if (spec.kind === "silent") {
      socket.on("data", (d) => say("prebanner", d.toString("hex").slice(0, 64), conn));
      return;
    }
    if (spec.kind === "alert") {
      socket.once("data", () => socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, spec.alert])));
      return;
    }
    if (spec.kind === "legacy-reset") {
      const legacyHandshake = () => socket.once("data", (hello) => {
        // Record header (5) + handshake header (4), then client_version.
        if (hello[9] === 3 && hello[10] >= 3) return socket.resetAndDestroy();
        const up = net.connect(legacyPort, "127.0.0.1");
        up.on("error", () => socket.destroy());
        up.write(hello);
        socket.pipe(up);
        up.pipe(socket);
      });
      if (!spec.starttls) return legacyHandshake();
      socket.write("220 old.test ESMTP\r\n");
      const onLine = (d) => {
        const line = d.toString("latin1");
        if (/^EHLO/i.test(line)) socket.write("250-old.test\r\n250 STARTTLS\r\n");
        else if (/^STARTTLS/i.test(line)) {
          socket.off("data", onLine);
          socket.write("220 go ahead\r\n");
          legacyHandshake();
        } else socket.write("250 ok\r\n");
      };
      socket.on("data", onLine);
    }
  };
  if (spec.kind === "tls") {
    server = tls.createServer({ key: spec.key, cert: spec.cert }, (s) => smtp(s, 0));
    server.on("tlsClientError", () => {});
  } else {
    server = net.createServer(handle);
  }
  const announce = () => server.listen(0, "127.0.0.1", () => say("port", String(server.address().port)));
  // legacy-reset relays to its legacy listener: the port is announced once that one listens too.
  if (legacy && !legacy.listening) legacy.once("listening", announce);
  else announce();
}
`;

/** Starts a child server and waits for its port. */
export async function startChildServer(spec: ChildServerSpec): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ["-e", _CHILD, JSON.stringify(spec)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const events: ChildEvent[] = [];
  let buffer = "";
  let onPort: (port: number) => void = () => {};
  const port = new Promise<number>((resolve, reject) => {
    onPort = resolve;
    child.once("exit", (code) => reject(new Error(`child server exited (${code}) before listening`)));
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const event = JSON.parse(buffer.slice(0, nl)) as ChildEvent;
      buffer = buffer.slice(nl + 1);
      if (event.event === "port") onPort(Number(event.data));
      else events.push(event);
    }
  });
  return {
    port: await port,
    events: () => [...events],
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
