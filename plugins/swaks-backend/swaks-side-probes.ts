/**
 * What smtpilot asks on its own side connections while swaks holds the main
 * one: whether a port swaks shows nothing from speaks after all (swaks
 * prints a reply only once it is complete, so a reply without CRLF, with a
 * non-numeric code or that never ends looks like silence), the built-in
 * client's QUIT nudge for a silent port, and the local address for the
 * default EHLO name. None of them carries a credential.
 */
import dgram from "node:dgram";
import type net from "node:net";
import { isIP } from "node:net";
import { connectWithin, release } from "../../core/io.ts";
import type { LayerResult } from "../../core/layer.ts";
import { type LayerContext, probeTarget } from "../../core/layers/context.ts";
import { NUDGE_MS, patienceMs, PROBE_MS } from "../../core/layers/first-contact.ts";
import { runGreeting } from "../../core/layers/greeting.ts";
import { SmtpConnection } from "../../core/smtp/connection.ts";
import { type PortProtocol, protocolOf } from "../../core/tls/port-speaks.ts";
import { TIMED_OUT, within } from "../../core/timing.ts";
import type { SwaksDriver } from "./swaks-driver.ts";
import type { SwaksTranscript } from "./swaks-transcript.ts";

/**
 * What a side connection heard from a port swaks shows nothing from: the
 * protocol its first bytes look like and, when they came, the built-in
 * greeting layer's result on that connection.
 */
export interface SideHeard {
  speaks: PortProtocol;
  greeting?: LayerResult;
}

/**
 * After the greeting pause, a port swaks shows nothing from is asked on a
 * side connection (listening only): if it speaks there, swaks is blind to
 * what it says, and waiting for swaks' timeout would only end in a wrong
 * "timeout" — swaks is stopped at once. What the port says there is read by
 * the built-in greeting layer, so a reply that breaks SMTP gets the built-in
 * client's verdict whether or not swaks gave up on it first (swaks gives up
 * on a line without end only after 1000 reads, which takes from a second to
 * minutes depending on the machine and the server's pace). Resolves with
 * what the port said, or undefined (it is silent there too, answered swaks
 * meanwhile, or `signal` said the question no longer matters).
 */
export async function watchBlindness(
  ctx: LayerContext,
  driver: SwaksDriver,
  conn: SmtpConnection,
  signal: AbortSignal,
): Promise<SideHeard | undefined> {
  const { options } = ctx;
  if (options.probes === "off") return undefined;
  const stopped = new Promise<"stopped">((resolve) => signal.addEventListener("abort", () => resolve("stopped")));
  const patience = patienceMs(options.conventionalPort ?? options.port, options.timeoutMs, options.greetingPauseMs);
  const first = await within(Promise.race([conn.activity, stopped]), patience);
  if (first !== TIMED_OUT) return undefined;
  const heard = await sideGreeting(ctx, signal);
  if (signal.aborted || conn.gotBytes || ["silent", "closed", "tls"].includes(heard.speaks)) return undefined;
  await driver.stopAll();
  return heard;
}

/**
 * Connects and listens without sending a byte; the first bytes must come
 * within a side probe's budget. Once they came, the built-in greeting layer
 * reads the reply on that connection (up to the step timeout), so a server
 * that streams a line without end is found as the built-in client finds it.
 */
async function sideGreeting(ctx: LayerContext, signal: AbortSignal): Promise<SideHeard> {
  const target = probeTarget(ctx, PROBE_MS, signal);
  let socket: net.Socket;
  try {
    socket = await connectWithin(target.connect, target.address, target.port, target.timeoutMs, signal);
  } catch {
    return { speaks: "closed" };
  }
  target.note?.(
    "side connection: connected and listened without sending anything, to see whether the server says something swaks does not show (swaks prints a reply only once it is complete)",
  );
  const start = ctx.io.clock.now();
  let firstChunk: Buffer | undefined;
  socket.once("data", (chunk: Buffer) => (firstChunk = chunk));
  const side = new SmtpConnection(socket, ctx.transcript);
  // Abandoned: closing the side connection ends any read on it at once.
  const onAbort = () => side.destroy();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const first = await within(side.activity, target.timeoutMs);
    if (first === TIMED_OUT || signal.aborted) return _noted(target.note, { speaks: "silent" });
    if (first === "closed") return _noted(target.note, { speaks: "closed" });
    const speaks = protocolOf(firstChunk ?? Buffer.alloc(0));
    if (speaks === "tls") return _noted(target.note, { speaks });
    const greeting = await runGreeting({ ...ctx, state: { ...ctx.state, conn: side } }, start, { kind: "bytes" });
    return _noted(target.note, { speaks, greeting });
  } finally {
    signal.removeEventListener("abort", onAbort);
    side.destroy();
    await release(socket);
  }
}

function _noted(note: ((text: string) => void) | undefined, h: SideHeard): SideHeard {
  const said = h.speaks === "silent"
    ? "the port said nothing"
    : h.speaks === "closed"
    ? "the port closed the connection without a word"
    : `the port spoke first: ${
      h.speaks === "smtp" ? "an SMTP reply" : h.speaks === "other" ? "an unknown protocol" : h.speaks.toUpperCase()
    }`;
  const read = h.greeting?.diagnosis ? `; read as the built-in client reads it: ${h.greeting.diagnosis.code}` : "";
  note?.(`side connection: ${said}${read}`);
  return h;
}

/** The built-in engine's last resort for a silent port, on a side connection: QUIT, and see who answers. */
export async function sideNudge(
  ctx: LayerContext,
  address: string,
  tx: SwaksTranscript,
): Promise<PortProtocol | undefined> {
  let socket: net.Socket;
  try {
    socket = await connectWithin(ctx.io.connect, address, ctx.options.port, PROBE_MS);
  } catch {
    return undefined;
  }
  tx.note("side connection: sent QUIT to see whether another protocol answers (swaks saw no banner)");
  const heard = await new Promise<Buffer | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), NUDGE_MS);
    socket.once("data", (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(chunk);
    });
    socket.once("error", () => resolve(undefined));
    socket.write("QUIT\r\n");
  });
  await release(socket);
  const speaks = heard ? protocolOf(heard) : undefined;
  return speaks && speaks !== "smtp" ? speaks : undefined;
}

/** The address this machine would use to reach `address` (a UDP "connect" sends nothing). */
export function localAddressFor(address: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIP(address) === 6 ? "udp6" : "udp4");
    const done = (value: string | undefined) => {
      socket.close();
      resolve(value);
    };
    socket.once("error", () => done(undefined));
    try {
      socket.connect(port, address, () => {
        try {
          done(socket.address().address);
        } catch {
          done(undefined);
        }
      });
    } catch {
      done(undefined);
    }
  });
}
