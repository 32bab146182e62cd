/**
 * What the layers of one diagnosis share: the request, the injected I/O, the
 * reply knowledge and the session state each layer leaves for the next.
 */
import type net from "node:net";
import type { DiagnoseOptions } from "../diagnose-options.ts";
import type { DiagnoseIo, HostAddress } from "../io.ts";
import type { ReplyRule } from "../knowledge/reply-rule.ts";
import type { Capabilities } from "../smtp/capabilities.ts";
import type { SmtpConnection } from "../smtp/connection.ts";
import type { Transcript } from "../smtp/transcript.ts";
import type { ProbeTarget, TlsProbe } from "../tls/port-speaks.ts";

/** State handed from layer to layer during one session. */
export interface SessionState {
  addresses: HostAddress[];
  /** The address that accepted the TCP connection. */
  address?: HostAddress;
  /** The TCP socket before any SMTP or TLS was spoken on it. */
  rawSocket?: net.Socket;
  /** Monotonic time the TCP connection was established. */
  connectedAt?: number;
  conn?: SmtpConnection;
  /** The TLS mode in effect (auto resolved). */
  tls: "starttls" | "implicit" | "none" | "unknown";
  /** True only after a handshake whose certificate verified. */
  tlsVerified: boolean;
  ehloName?: string;
  /** The domain the server named in its 220 banner. */
  greetingName?: string;
  capsBefore?: Capabilities;
  capsAfter?: Capabilities;
  usedHelo: boolean;
  /** What a side probe learned about a silent port, when one ran. */
  tlsProbe?: TlsProbe;
}

/** Everything a layer may use. */
export interface LayerContext {
  options: DiagnoseOptions;
  io: DiagnoseIo;
  transcript: Transcript;
  /** Plugin rules first, consulted before the core table. */
  rules: readonly ReplyRule[];
  state: SessionState;
}

/** The capabilities in force now (after STARTTLS when it happened). */
export function currentCapabilities(ctx: LayerContext): Capabilities | undefined {
  return ctx.state.capsAfter ?? ctx.state.capsBefore;
}

/** Milliseconds since `start` on the injected clock, rounded. */
export function since(ctx: LayerContext, start: number): number {
  return Math.round(ctx.io.clock.now() - start);
}

/**
 * Where side probes of this diagnosis connect (the address that accepted the
 * TCP connection), each within `budgetMs`, noting in the transcript what they do.
 */
export function probeTarget(ctx: LayerContext, budgetMs: number, signal?: AbortSignal): ProbeTarget {
  return {
    connect: ctx.io.connect,
    address: ctx.state.address?.address ?? ctx.options.host,
    port: ctx.options.port,
    timeoutMs: Math.min(budgetMs, ctx.options.timeoutMs),
    ...(signal ? { signal } : {}),
    note: (text) => ctx.transcript.add("*", text),
  };
}
