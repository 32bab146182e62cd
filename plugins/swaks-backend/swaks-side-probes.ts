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
import { type LayerContext, probeTarget } from "../../core/layers/context.ts";
import { NUDGE_MS, patienceMs, PROBE_MS } from "../../core/layers/first-contact.ts";
import type { SmtpConnection } from "../../core/smtp/connection.ts";
import { listenFirst, type PortProtocol, protocolOf } from "../../core/tls/port-speaks.ts";
import { TIMED_OUT, within } from "../../core/timing.ts";
import type { SwaksDriver } from "./swaks-driver.ts";
import type { SwaksTranscript } from "./swaks-transcript.ts";

/**
 * After the greeting pause, a port swaks shows nothing from is asked on a
 * side connection (listening only): if it speaks there, swaks is blind to
 * what it says, and waiting for swaks' timeout would only end in a wrong
 * "timeout" — swaks is stopped at once. Resolves with what the port said, or
 * undefined (it is silent there too, answered swaks meanwhile, or `signal`
 * said the question no longer matters).
 */
export async function watchBlindness(
  ctx: LayerContext,
  driver: SwaksDriver,
  conn: SmtpConnection,
  signal: AbortSignal,
): Promise<PortProtocol | undefined> {
  const { options } = ctx;
  if (options.probes === "off") return undefined;
  const stopped = new Promise<"stopped">((resolve) => signal.addEventListener("abort", () => resolve("stopped")));
  const first = await within(Promise.race([conn.activity, stopped]), patienceMs(options.port, options.timeoutMs));
  if (first !== TIMED_OUT) return undefined;
  const heard = await listenFirst(
    probeTarget(ctx, PROBE_MS, signal),
    "to see whether the server says something swaks does not show (swaks prints a reply only once it is complete)",
  );
  if (signal.aborted || conn.gotBytes || ["silent", "closed", "tls"].includes(heard)) return undefined;
  await driver.stopAll();
  return heard;
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
