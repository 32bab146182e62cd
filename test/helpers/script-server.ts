/**
 * A tiny scripted SMTP-ish server for edge cases the fixture does not play:
 * a greeting, then one handler per received line. Plain or implicit TLS.
 */
import net from "node:net";
import tls from "node:tls";

/** Per-connection script. */
export interface Script {
  greeting?: string;
  /** Answers one line; return a string to write, or undefined to stay silent. */
  onLine?: (line: string, socket: net.Socket) => string | undefined;
  /** Implicit TLS with this key pair. */
  tls?: { key: string; cert: string };
}

/** A running scripted server. */
export interface ScriptServer {
  port: number;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with a random port. */
export async function startScriptServer(script: Script): Promise<ScriptServer> {
  const sockets = new Set<net.Socket>();
  const handle = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    if (script.greeting !== undefined) socket.write(script.greeting);
    let buf = "";
    socket.on("data", (chunk: Buffer) => {
      buf += chunk.toString("latin1");
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl).replace(/\r$/, "");
        buf = buf.slice(nl + 1);
        const answer = script.onLine?.(line, socket);
        if (answer !== undefined && !socket.destroyed) socket.write(answer);
      }
    });
  };
  const server = script.tls ? tls.createServer(script.tls, handle) : net.createServer(handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
