/**
 * The port sweep: a connectivity probe (core/diagnose.ts with `--tls auto`:
 * no credentials, no mail) on each port of one host, all in parallel — one
 * connection per port, started a little apart, with diagnose's gentle side
 * probes (a TLS ClientHello only after a silence longer than a greeting
 * pause, nothing in plaintext before a banner). Each port is classified
 * from its report: refused, filtered (no answer), unreachable, SMTP in
 * clear (STARTTLS or not), implicit TLS, greets then closes (a 4xx/5xx
 * banner or a hang-up at EHLO), closes without a word, silent, not SMTP.
 */
import { diagnose } from "../diagnose.ts";
import { DEFAULT_DECLARED_SIZE, type DiagnoseOptions } from "../diagnose-options.ts";
import type { DiagnoseIo, HostAddress, Resolver } from "../io.ts";
import type { LayerId } from "../layer.ts";
import type { DiagnoseReport } from "../report.ts";

/** How a port answered. */
export type PortClass =
  | "smtp"
  | "tls"
  | "greets-then-closes"
  | "closes"
  | "silent"
  | "not-smtp"
  | "refused"
  | "filtered"
  | "unreachable"
  | "no-address";

/** One port's result. */
export interface PortResult {
  port: number;
  class: PortClass;
  /** How TLS is reached there: STARTTLS after the banner, implicit, or not at all (SMTP without STARTTLS). */
  tls?: "starttls" | "implicit" | "none";
  /** The connectivity probe passed: SMTP with verified TLS up to EHLO. */
  works: boolean;
  /** The diagnosis code when it did not. */
  code?: string;
  /** The layer that failed. */
  layer?: LayerId;
  /** One line a person reads. */
  summary: string;
  ms: number;
}

/** What the sweep is given. */
export interface SweepRequest {
  host: string;
  ports: readonly number[];
  /** Per-step timeout of each probe (connect, banner…): short, a sweep is a first look. */
  timeoutMs: number;
  ca?: string;
  servername?: string;
  ehloName?: string;
  /** Milliseconds between two connection starts. */
  spacingMs?: number;
}

/** The default ports: submission (STARTTLS), submissions (implicit TLS), relay, and the common alternative. */
export const SWEEP_PORTS: readonly number[] = [587, 465, 25, 2525];

/**
 * How long a sweep waits for a connection: a reachable server answers a SYN
 * within a round trip, and this leaves room for one lost SYN (retransmitted
 * after 1 s); a filtered port is named after this, not after the step timeout.
 */
export const SWEEP_CONNECT_MS = 2000;

/** Default gap between connection starts: a sweep is never a burst. */
const _SPACING_MS = 60;

/**
 * Starts probing every port; each promise settles with that port's result
 * (never rejects for a network finding). The resolver is asked once.
 */
export function startSweep(request: SweepRequest, io: DiagnoseIo): Map<number, Promise<PortResult>> {
  const shared: DiagnoseIo = { ...io, resolver: _cached(io.resolver) };
  const out = new Map<number, Promise<PortResult>>();
  const spacing = request.spacingMs ?? _SPACING_MS;
  [...new Set(request.ports)].forEach((port, i) => {
    out.set(
      port,
      (async () => {
        if (i > 0 && spacing > 0) await new Promise((resolve) => setTimeout(resolve, i * spacing));
        const options: DiagnoseOptions = {
          host: request.host,
          port,
          tls: "auto",
          to: [],
          timeoutMs: request.timeoutMs,
          connectTimeoutMs: Math.min(SWEEP_CONNECT_MS, request.timeoutMs),
          declaredSize: DEFAULT_DECLARED_SIZE,
          probes: "gentle",
          ...(request.ca !== undefined ? { ca: request.ca } : {}),
          ...(request.servername !== undefined ? { servername: request.servername } : {}),
          ...(request.ehloName !== undefined ? { ehloName: request.ehloName } : {}),
        };
        const started = shared.clock.now();
        const report = await diagnose(options, shared);
        return classify(report, Math.round(shared.clock.now() - started));
      })(),
    );
  });
  return out;
}

/** The class of a port from its connectivity probe. */
export function classify(report: DiagnoseReport, ms: number): PortResult {
  const port = report.target.port;
  const v = report.verdict;
  const tlsLayer = report.layers.find((l) => l.id === "tls");
  const mode = tlsLayer?.facts.mode === "implicit" ? "implicit" : "starttls";
  const failed = v.status === "fail" ? { code: v.code ?? "", ...(v.layer ? { layer: v.layer } : {}) } : {};
  const base = { port, ms, works: v.status === "pass", ...failed };
  if (v.status === "pass") {
    return {
      ...base,
      class: mode === "implicit" ? "tls" : "smtp",
      tls: mode,
      summary: mode === "implicit" ? "implicit TLS, verified" : "SMTP, STARTTLS verified",
    };
  }
  const code = v.code ?? "";
  switch (code) {
    case "dns.nxdomain":
    case "dns.no-address":
    case "dns.resolver-failed":
      return { ...base, class: "no-address", summary: "the host name does not resolve" };
    case "tcp.refused":
      return { ...base, class: "refused", summary: "refused (nothing listens)" };
    case "tcp.timeout":
      return { ...base, class: "filtered", summary: "filtered (no answer to connect)" };
    case "tcp.unreachable":
      return { ...base, class: "unreachable", summary: "unreachable (no route)" };
    case "greeting.timeout":
      return { ...base, class: "silent", summary: "connects, then says nothing (not SMTP, not TLS)" };
    case "greeting.not-smtp":
      return {
        ...base,
        class: "not-smtp",
        summary: `speaks ${
          String(report.layers.find((l) => l.id === "greeting")?.facts.portSpeaks ?? "another protocol")
        }, not SMTP`,
      };
    case "greeting.connection-closed":
      return { ...base, class: "closes", summary: "accepts, then closes without a word" };
    case "greeting.rejected":
    case "greeting.busy":
    case "ehlo.connection-dropped":
      return { ...base, class: "greets-then-closes", summary: `greets, then closes (${code})` };
    case "tls.starttls-not-offered":
      return { ...base, class: "smtp", tls: "none", summary: "SMTP in clear, no STARTTLS" };
  }
  if (code.startsWith("tls.") && tlsLayer?.facts.mode === "implicit") {
    return { ...base, class: "tls", tls: "implicit", summary: `implicit TLS, but ${code}` };
  }
  return { ...base, class: "smtp", tls: "starttls", summary: `SMTP, but ${code}` };
}

/** The resolver, asked once per name for the whole sweep. */
function _cached(resolver: Resolver): Resolver {
  const lookups = new Map<string, Promise<HostAddress[]>>();
  return {
    ...resolver,
    lookup: (host) => {
      let found = lookups.get(host);
      if (!found) {
        found = resolver.lookup(host);
        lookups.set(host, found);
      }
      return found;
    },
  };
}
