/**
 * Finds out what a port actually speaks, on side connections that never carry
 * credentials: used when the server stays silent (it may be waiting for a TLS
 * ClientHello) or when a TLS handshake fails (it may be plaintext SMTP).
 */
import type net from "node:net";
import { type Connector, connectWithin, release } from "../io.ts";
import { verifiedHandshake } from "./handshake.ts";

/** What the bytes on a port look like. */
export type PortProtocol = "tls" | "smtp" | "http" | "ssh" | "pop3" | "imap" | "other" | "silent" | "closed";

/** Classifies the first bytes a peer sent. */
export function protocolOf(first: Buffer): PortProtocol {
  if (first.length >= 2 && (first[0] === 0x16 || first[0] === 0x15) && first[1] === 0x03) return "tls";
  const text = first.subarray(0, 16).toString("latin1");
  if (/^\d{3}(?:[ -]|\r?\n|$)/.test(text)) return "smtp";
  if (text.startsWith("HTTP/")) return "http";
  if (text.startsWith("SSH-")) return "ssh";
  if (text.startsWith("+OK") || text.startsWith("-ERR")) return "pop3";
  if (text.startsWith("* OK") || text.startsWith("* BYE")) return "imap";
  return "other";
}

/** True when a TLS handshake on a fresh connection gets a certificate back (verified or not). */
export async function speaksTls(
  connect: Connector,
  address: string,
  port: number,
  name: string,
  ca: string | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  let socket;
  try {
    socket = await connectWithin(connect, address, port, timeoutMs, signal);
  } catch {
    return false;
  }
  if (signal?.aborted) {
    await release(socket);
    return false;
  }
  // Once the answer is no longer needed, close at once: a server with a greeting pause logs every probe.
  const result = await verifiedHandshake(socket, { name, ca, timeoutMs, ...(signal ? { signal } : {}) });
  if (result.ok) await release(result.socket);
  await release(socket);
  return result.ok || result.reason === "certificate";
}

/**
 * Opens a plain connection and reads what the peer says first; if it says
 * nothing for a moment, sends `QUIT` (harmless to SMTP) so that a server
 * which only answers requests (HTTP) shows itself.
 */
export async function plainSpeaks(
  connect: Connector,
  address: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PortProtocol> {
  let socket: net.Socket;
  try {
    socket = await connectWithin(connect, address, port, timeoutMs, signal);
  } catch {
    return "closed";
  }
  return await new Promise<PortProtocol>((resolve) => {
    let settled = false;
    const done = (p: PortProtocol) => {
      if (settled) return;
      settled = true;
      clearTimeout(nudge);
      clearTimeout(limit);
      void release(socket).then(() => resolve(p));
    };
    const nudge = setTimeout(() => socket.write("QUIT\r\n"), Math.min(500, timeoutMs / 3));
    const limit = setTimeout(() => done("silent"), timeoutMs);
    socket.once("data", (chunk: Buffer) => done(protocolOf(chunk)));
    socket.once("error", () => done("closed"));
    socket.once("close", () => done("closed"));
    if (signal?.aborted) done("silent");
    signal?.addEventListener("abort", () => done("silent"), { once: true });
  });
}
