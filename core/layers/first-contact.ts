/**
 * Before the greeting: does the server speak first, as SMTP servers do? A port
 * that stays silent is often an implicit-TLS port waiting for a ClientHello, or
 * not SMTP at all. Rather than wait out the whole timeout, a short silence
 * triggers side probes (a TLS handshake, a plain read) so a mode mismatch is
 * named within about three seconds. The probes are cancelled as soon as the
 * main connection answers, and never carry credentials.
 */
import { plainSpeaks, type PortProtocol, speaksTls } from "../tls/port-speaks.ts";
import { TIMED_OUT, within } from "../timing.ts";
import type { SmtpConnection } from "../smtp/connection.ts";
import type { LayerContext } from "./context.ts";

/** Silence after which the side probes start. */
export const SNIFF_MS = 1200;
/** Budget of each side probe (never more than the user's --timeout). */
export const PROBE_MS = 1500;

/** What the first contact showed. */
export type FirstContact =
  | { kind: "bytes" }
  | { kind: "closed" }
  /** The port speaks TLS; `reconnect` when the silent connection was closed meanwhile. */
  | { kind: "tls"; reconnect: boolean }
  | { kind: "other"; speaks: PortProtocol }
  | { kind: "silent"; probed: PortProtocol };

/** Waits for the server to speak, probing the port when it does not. */
export async function awaitFirstContact(ctx: LayerContext, conn: SmtpConnection): Promise<FirstContact> {
  const { timeoutMs, port } = ctx.options;
  const deadline = (ctx.state.connectedAt ?? ctx.io.clock.now()) + timeoutMs;
  const left = () => deadline - ctx.io.clock.now();
  const early = await within(conn.activity, Math.min(SNIFF_MS, left()));
  if (early === "bytes") return { kind: "bytes" };

  const address = ctx.state.address?.address ?? ctx.options.host;
  const name = ctx.options.servername ?? ctx.options.host;
  const budget = Math.min(PROBE_MS, timeoutMs);
  const abort = new AbortController();
  const probes = Promise.all([
    speaksTls(ctx.io.connect, address, port, name, ctx.options.ca, budget, abort.signal),
    plainSpeaks(ctx.io.connect, address, port, budget, abort.signal),
  ]);
  // A close without a byte may be an implicit-TLS server's idle timeout: let the probes decide.
  const raced = early === "closed" ? await probes : await Promise.race([conn.activity, probes]);
  if (raced === "bytes") {
    // The banner came: close the probes now, and end this step only once they are closed.
    abort.abort();
    await probes;
    return { kind: "bytes" };
  }
  const [tls, plain] = raced === "closed" ? await probes : raced;
  if (tls || plain === "tls") return { kind: "tls", reconnect: conn.closed };
  if (conn.closed && !conn.gotBytes) return { kind: "closed" };
  if (plain !== "smtp" && plain !== "silent" && plain !== "closed") return { kind: "other", speaks: plain };
  // The side connection saw SMTP (a slow banner) or nothing: keep listening until the deadline.
  const late = await within(conn.activity, left());
  return late === TIMED_OUT ? { kind: "silent", probed: plain } : { kind: late };
}
