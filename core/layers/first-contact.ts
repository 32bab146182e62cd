/**
 * Before the greeting: does the server speak first, as SMTP servers do? A port
 * that stays silent is often an implicit-TLS port waiting for a ClientHello, or
 * not SMTP at all. Rather than wait out the whole timeout, a short silence
 * triggers side probes (a TLS handshake, a plain read) so a mode mismatch is
 * named within about three seconds.
 */
import { plainSpeaks, type PortProtocol, speaksTls } from "../tls/port-speaks.ts";
import { TIMED_OUT, within } from "../timing.ts";
import type { SmtpConnection } from "../smtp/connection.ts";
import type { LayerContext } from "./context.ts";

/** Silence after which the side probes start. */
export const SNIFF_MS = 1200;
/** Budget of each side probe. */
export const PROBE_MS = 1500;

/** What the first contact showed. */
export type FirstContact =
  | { kind: "bytes" }
  | { kind: "closed" }
  | { kind: "tls" }
  | { kind: "other"; speaks: PortProtocol }
  | { kind: "silent"; probed: PortProtocol };

/** Waits for the server to speak, probing the port when it does not. */
export async function awaitFirstContact(ctx: LayerContext, conn: SmtpConnection): Promise<FirstContact> {
  const { timeoutMs, port } = ctx.options;
  const deadline = (ctx.state.connectedAt ?? ctx.io.clock.now()) + timeoutMs;
  const left = () => deadline - ctx.io.clock.now();
  const early = await within(conn.activity, Math.min(SNIFF_MS, left()));
  if (early !== TIMED_OUT) return { kind: early };

  const address = ctx.state.address?.address ?? ctx.options.host;
  const name = ctx.options.servername ?? ctx.options.host;
  const probes = Promise.all([
    speaksTls(ctx.io.connect, address, port, name, ctx.options.ca, PROBE_MS),
    plainSpeaks(ctx.io.connect, address, port, PROBE_MS),
  ]);
  const raced = await Promise.race([conn.activity, probes]);
  if (typeof raced === "string") return { kind: raced };
  const [tls, plain] = raced;
  if (tls || plain === "tls") return { kind: "tls" };
  if (plain !== "smtp" && plain !== "silent" && plain !== "closed") return { kind: "other", speaks: plain };
  // The side connection saw SMTP (a slow banner) or nothing: keep listening until the deadline.
  const late = await within(conn.activity, left());
  return late === TIMED_OUT ? { kind: "silent", probed: plain } : { kind: late };
}
