/**
 * Before the greeting: does the server speak first, as SMTP servers do? A port
 * that stays silent is often an implicit-TLS port waiting for a ClientHello, or
 * a server with a greeting pause (sendmail greet_pause, Exim `delay`), or not
 * SMTP at all. Probing is gentle: a TLS ClientHello goes out on a side
 * connection only after a silence longer than a greeting pause on that port,
 * nothing plaintext is sent before the server's banner (until the whole
 * timeout has passed), the transcript says what was sent and why, and
 * `probes: "off"` sends nothing at all. Probes never carry credentials.
 */
import type { TlsProbe } from "../tls/port-speaks.ts";
import { type PortProtocol, probeTls, protocolOf } from "../tls/port-speaks.ts";
import { TIMED_OUT, within } from "../timing.ts";
import { type SmtpConnection, SmtpReadError } from "../smtp/connection.ts";
import { type LayerContext, probeTarget } from "./context.ts";

/** Silence after which a side probe may start on port 465, whose convention is implicit TLS. */
export const SNIFF_MS = 1200;
/**
 * Silence after which a side probe may start on other ports (except 25):
 * longer than the pre-greeting pauses seen on submission ports (those that
 * pause at all use a second or two; long pauses belong on 25, which waits the
 * whole timeout), and longer than the fixture's slow banner (2.5 s), yet short
 * enough that a STARTTLS client on an implicit-TLS port gets its verdict
 * within 3 s, start-up included.
 */
export const GREETING_PAUSE_MS = 2700;
/** Budget of each side probe (never more than the user's --timeout). */
export const PROBE_MS = 1500;
/** How long the last-resort QUIT on a silent connection waits for any answer. */
export const NUDGE_MS = 1000;

/** What the first contact showed. */
export type FirstContact =
  | { kind: "bytes" }
  | { kind: "closed" }
  /** The port speaks TLS; `reconnect` when the silent connection was closed meanwhile. */
  | { kind: "tls"; reconnect: boolean; probe: TlsProbe }
  | { kind: "other"; speaks: PortProtocol }
  /** Silent for the whole timeout; `probed` is what the probes learned ("off" when none ran). */
  | { kind: "silent"; probed: PortProtocol | "off" };

/**
 * How long the server may stay silent before a side probe sends it a
 * ClientHello. On 465 a ClientHello is what the port waits for. On 25 greeting
 * pauses are normal (postscreen, greet_pause, Exim `delay` against spam
 * bots), so only a silence as long as the whole timeout is probed. Elsewhere,
 * a few seconds (`greetingPauseMs` when the caller set it).
 */
export function patienceMs(port: number, timeoutMs: number, greetingPauseMs = GREETING_PAUSE_MS): number {
  if (port === 465) return Math.min(SNIFF_MS, timeoutMs);
  if (port === 25) return timeoutMs;
  return Math.min(greetingPauseMs, timeoutMs);
}

/** Waits for the server to speak, probing the port when it does not. */
export async function awaitFirstContact(ctx: LayerContext, conn: SmtpConnection): Promise<FirstContact> {
  const { timeoutMs, port } = ctx.options;
  const { clock } = ctx.io;
  const started = ctx.state.connectedAt ?? clock.now();
  const left = () => started + timeoutMs - clock.now();
  const patience = patienceMs(ctx.options.conventionalPort ?? port, timeoutMs, ctx.options.greetingPauseMs);
  const early = await within(conn.activity, Math.min(patience, left()));
  if (early === "bytes") return { kind: "bytes" };
  if (ctx.options.probes === "off") {
    if (early === "closed") return { kind: "closed" };
    const late = await within(conn.activity, left());
    return late === TIMED_OUT ? { kind: "silent", probed: "off" } : { kind: late };
  }

  const silentMs = Math.round(clock.now() - started);
  const why = early === "closed"
    ? `because the server closed our connection after ${silentMs} ms without a word (an implicit-TLS port's idle timeout?)`
    : `after ${silentMs} ms of silence on port ${port}, to learn whether it speaks implicit TLS`;
  const abort = new AbortController();
  const probe = probeTls(
    probeTarget(ctx, PROBE_MS, abort.signal),
    { name: ctx.options.servername ?? ctx.options.host, ca: ctx.options.ca },
    why,
  );
  // A close without a byte may be an implicit-TLS server's idle timeout: let the probe decide.
  const raced = early === "closed" ? await probe : await Promise.race([conn.activity, probe]);
  if (raced === "bytes") {
    // The banner came: close the probe now, and end this step only once it is closed.
    abort.abort();
    await probe;
    return { kind: "bytes" };
  }
  const tls = raced === "closed" ? await probe : raced;
  ctx.state.tlsProbe = tls;
  if (tls.speaksTls) return { kind: "tls", reconnect: conn.closed, probe: tls };
  if (conn.closed && !conn.gotBytes) return { kind: "closed" };
  // Not TLS: a slow banner, or nothing at all. Keep listening until the deadline.
  const late = await within(conn.activity, left());
  if (late !== TIMED_OUT) return { kind: late };
  return await _nudge(ctx, conn);
}

/**
 * The whole timeout passed in silence and the port does not answer TLS: say
 * QUIT once on our own connection, harmless to SMTP, to see whether a server
 * that only answers requests (HTTP) is behind the port.
 */
async function _nudge(ctx: LayerContext, conn: SmtpConnection): Promise<FirstContact> {
  ctx.transcript.add(
    "*",
    `no banner within ${ctx.options.timeoutMs} ms and no TLS: sending QUIT to see whether another protocol answers`,
  );
  conn.send("QUIT");
  try {
    await conn.readReply(NUDGE_MS);
    return { kind: "silent", probed: "smtp" };
  } catch (err) {
    if (!(err instanceof SmtpReadError)) throw err;
    const f = err.failure;
    const heard = f.kind === "protocol" ? f.violation.line : f.kind === "socket" ? "" : f.partial;
    const speaks = heard ? protocolOf(Buffer.from(heard, "latin1")) : undefined;
    if (speaks && speaks !== "smtp") return { kind: "other", speaks };
    return { kind: "silent", probed: speaks ?? (f.kind === "timeout" ? "silent" : "closed") };
  }
}
