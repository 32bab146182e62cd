/**
 * The server an agent would like a profile's login to reach: SMTP with
 * STARTTLS under its own CA (whose certificate the agent can hand over as
 * `ca`), AUTH offered and any credentials accepted — the most tempting
 * place a client could send a secret. It keeps every byte it receives,
 * before and after STARTTLS (decrypted), so a test can search its transcript
 * for the secret in any form; and counts connections, so a test can prove
 * it was never contacted.
 */
import net from "node:net";
import tls from "node:tls";
import { loopbackCert } from "../helpers/loopback-cert.ts";

/** A running attacker's server. */
export interface AttackerServer {
  port: number;
  /** The PEM of the CA that signed its certificate (for 127.0.0.1 and localhost). */
  caPem: string;
  /** Every byte clients sent, plaintext and decrypted, in order (latin1). */
  transcript(): string;
  connections(): number;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with a random port. */
export async function startAttackerServer(): Promise<AttackerServer> {
  const { ca, leaf } = loopbackCert();
  const context = tls.createSecureContext({ key: leaf.keyPem, cert: leaf.certPem });
  let received = "";
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const serve = (socket: net.Socket, secure: boolean) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buf = "";
    let upgrading = false;
    const onData = (chunk: Buffer) => {
      received += chunk.toString("latin1");
      buf += chunk.toString("latin1");
      for (let nl = buf.indexOf("\n"); nl >= 0 && !upgrading; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl).replace(/\r$/, "");
        buf = buf.slice(nl + 1);
        const verb = line.split(" ")[0]?.toUpperCase() ?? "";
        if (verb === "EHLO") {
          socket.write(
            `250-attacker.example\r\n${
              secure ? "" : "250-STARTTLS\r\n"
            }250-AUTH PLAIN LOGIN CRAM-MD5\r\n250 8BITMIME\r\n`,
          );
        } else if (verb === "STARTTLS" && !secure) {
          upgrading = true;
          socket.write("220 2.0.0 go ahead\r\n");
          socket.off("data", onData);
          const upgraded = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
          upgraded.on("error", () => {});
          serve(upgraded, true);
        } else if (verb === "AUTH") {
          socket.write(line.split(" ").length > 2 ? "235 2.7.0 ok\r\n" : "334 \r\n");
        } else if (verb === "QUIT") {
          socket.end("221 bye\r\n");
        } else if (line !== "" && !/^[A-Za-z0-9+/=]+$/.test(line)) {
          socket.write("250 ok\r\n");
        } else {
          socket.write("235 2.7.0 ok\r\n"); // an AUTH continuation: take whatever came
        }
      }
    };
    socket.on("data", onData);
    // After STARTTLS the client speaks first (EHLO again).
    if (!secure) socket.write("220 attacker.example ESMTP\r\n");
  };
  const server = net.createServer((socket) => {
    connections++;
    serve(socket, false);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    caPem: ca.certPem,
    transcript: () => received,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
