/**
 * Finds out what a port actually speaks, on side connections that never carry
 * credentials: used when the server stays silent (it may be waiting for a TLS
 * ClientHello) or when a TLS handshake fails (it may be plaintext SMTP). Each
 * probe says through `note` what it sent and why, for the transcript, and
 * closes its connection before it answers.
 */
import type net from "node:net";
import { Duplex } from "node:stream";
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

/**
 * The TLS alert a handshake error names, e.g. "internal error" for
 * ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR: an alert is a TLS record the server
 * sent, so it proves the port speaks TLS even when the handshake failed.
 */
export function alertOf(code: string | undefined): string | undefined {
  const m = /_ALERT_([A-Z0-9_]+)$/.exec(code ?? "");
  return m ? (m[1] ?? "").toLowerCase().replace(/_/g, " ") : undefined;
}

/** Where a side probe connects, and how it reports. */
export interface ProbeTarget {
  connect: Connector;
  address: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Records a line in the transcript (what was sent on the side connection, why, and what came back). */
  note?: (text: string) => void;
}

/** What a TLS probe on a side connection learned. */
export interface TlsProbe {
  /** The port answered the ClientHello with TLS records (a handshake or an alert). */
  speaksTls: boolean;
  /** How the handshake ended. */
  outcome: "established" | "certificate-refused" | "alert" | "failed" | "timeout" | "no-connection";
  /** The TLS stack's error code when it failed. */
  error?: string;
  /** The alert the server sent, when it sent one. */
  alert?: string;
}

/** Sends a ClientHello on a fresh connection and reports whether TLS records came back. */
export async function probeTls(
  target: ProbeTarget,
  tls: { name: string; ca: string | undefined },
  why: string,
): Promise<TlsProbe> {
  let socket: net.Socket;
  try {
    socket = await connectWithin(target.connect, target.address, target.port, target.timeoutMs, target.signal);
  } catch {
    return { speaksTls: false, outcome: "no-connection" };
  }
  target.note?.(`side connection: sent a TLS ClientHello ${why}; never any credentials, closed right after`);
  // The handshake runs over a pass-through that keeps the first bytes the server sent: any TLS
  // record in answer (ServerHello, or an alert after it) proves the port speaks TLS.
  const sniff = _sniffing(socket);
  const result = await verifiedHandshake(sniff.stream, {
    name: tls.name,
    ca: tls.ca,
    timeoutMs: target.timeoutMs,
    ...(target.signal ? { signal: target.signal } : {}),
  });
  if (result.ok) await release(result.socket, { graceful: true });
  await release(sniff.stream);
  await release(socket);
  const answered = protocolOf(sniff.first());
  let probe: TlsProbe;
  if (result.ok) probe = { speaksTls: true, outcome: "established" };
  else if (result.reason === "certificate") probe = { speaksTls: true, outcome: "certificate-refused" };
  else if (result.reason === "timeout") probe = { speaksTls: answered === "tls", outcome: "timeout" };
  else {
    const alert = alertOf(result.code);
    probe = {
      speaksTls: alert !== undefined || answered === "tls",
      outcome: alert ? "alert" : "failed",
      error: result.code,
      ...(alert ? { alert } : {}),
    };
  }
  if (result.ok || result.reason !== "handshake" || result.code !== "EABORTED") {
    target.note?.(`side connection: ${_answer(probe, answered)}`);
  }
  return probe;
}

/**
 * Connects and listens without sending a byte, to see what the port says
 * first (a plaintext banner after a failed TLS handshake, say). "silent" when
 * nothing came within the time, "closed" when the server hung up first.
 */
export async function listenFirst(target: ProbeTarget, why: string): Promise<PortProtocol> {
  let socket: net.Socket;
  try {
    socket = await connectWithin(target.connect, target.address, target.port, target.timeoutMs, target.signal);
  } catch {
    return "closed";
  }
  target.note?.(`side connection: connected and listened without sending anything ${why}`);
  const heard = await new Promise<PortProtocol>((resolve) => {
    let settled = false;
    const done = (p: PortProtocol) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      target.signal?.removeEventListener("abort", onAbort);
      void release(socket).then(() => resolve(p));
    };
    const onAbort = () => done("silent");
    const limit = setTimeout(() => done("silent"), target.timeoutMs);
    socket.once("data", (chunk: Buffer) => done(protocolOf(chunk)));
    socket.once("error", () => done("closed"));
    socket.once("close", () => done("closed"));
    if (target.signal?.aborted) onAbort();
    target.signal?.addEventListener("abort", onAbort, { once: true });
  });
  target.note?.(`side connection: the port ${_heard(heard)}`);
  return heard;
}

function _answer(probe: TlsProbe, answered: PortProtocol): string {
  switch (probe.outcome) {
    case "established":
    case "certificate-refused":
      return "the port answered in TLS (it sent its certificate)";
    case "alert":
      return `the port answered in TLS, with the alert "${probe.alert}"`;
    case "timeout":
      return probe.speaksTls ? "the port answered in TLS, then stalled" : "no answer to the ClientHello";
    default:
      return probe.speaksTls
        ? `the port answered in TLS, then the handshake failed (${probe.error})`
        : `no TLS in answer (${answered === "other" || answered === "silent" ? probe.error : answered})`;
  }
}

function _heard(p: PortProtocol): string {
  if (p === "silent") return "said nothing";
  if (p === "closed") return "closed the connection without a word";
  return `spoke first: ${p === "smtp" ? "an SMTP banner" : p === "other" ? "an unknown protocol" : p.toUpperCase()}`;
}

/** A pass-through over `socket` that remembers the first bytes received (at most 16). */
function _sniffing(socket: net.Socket): { stream: Duplex; first: () => Buffer } {
  let first = Buffer.alloc(0);
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => {
      socket.end();
      callback();
    },
    destroy: (err, callback) => {
      socket.destroy();
      callback(err);
    },
  });
  socket.on("data", (chunk: Buffer) => {
    if (first.length < 16) first = Buffer.concat([first, chunk]).subarray(0, 16);
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on("end", () => stream.push(null));
  socket.on("error", (err) => stream.destroy(err));
  socket.on("close", () => stream.destroy());
  return { stream, first: () => first };
}
