/**
 * Layer tcp: a TCP connection opens within the timeout. Tells refused (nothing
 * listens), timed out (filtered) and unreachable (no route) apart, and says
 * which address family worked.
 */
import { connectWithin, type HostAddress } from "../io.ts";
import { type Diagnosis, failed, type LayerResult, passed } from "../layer.ts";
import { type LayerContext, since } from "./context.ts";

/** At most this many addresses are tried, so a long A/AAAA list cannot multiply the wait. */
const _MAX_ATTEMPTS = 4;

interface _Attempt {
  address: string;
  family: string;
  result: "connected" | "refused" | "timeout" | "unreachable" | "error";
  error?: string;
  ms: number;
}

/** Runs the tcp layer; on success the raw socket is in the session state. */
export async function runTcp(ctx: LayerContext): Promise<LayerResult> {
  const start = ctx.io.clock.now();
  const { port } = ctx.options;
  // A first look (the doctor's sweep) may give the connection less time than the steps after it.
  const timeoutMs = ctx.options.connectTimeoutMs ?? ctx.options.timeoutMs;
  const attempts: _Attempt[] = [];
  for (const addr of ctx.state.addresses.slice(0, _MAX_ATTEMPTS)) {
    const t0 = ctx.io.clock.now();
    try {
      const socket = await connectWithin(ctx.io.connect, addr.address, port, timeoutMs);
      attempts.push({ address: addr.address, family: _family(addr), result: "connected", ms: since(ctx, t0) });
      ctx.state.rawSocket = socket;
      ctx.state.address = addr;
      ctx.state.connectedAt = ctx.io.clock.now();
      return passed("tcp", since(ctx, start), {
        address: addr.address,
        port,
        family: _family(addr),
        attempts,
        summary: `connected to ${_hostPort(addr, port)} over ${_family(addr)}`,
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "EUNKNOWN";
      attempts.push({
        address: addr.address,
        family: _family(addr),
        result: _result(code),
        error: code,
        ms: since(ctx, t0),
      });
    }
  }
  return failed("tcp", since(ctx, start), { port, attempts, timeoutMs }, _diagnosis(attempts, port, timeoutMs));
}

function _result(code: string): _Attempt["result"] {
  if (code === "ECONNREFUSED") return "refused";
  if (code === "ETIMEDOUT") return "timeout";
  if (["EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ENETDOWN", "EHOSTDOWN"].includes(code)) return "unreachable";
  return "error";
}

function _diagnosis(attempts: _Attempt[], port: number, timeoutMs: number): Diagnosis {
  const where = attempts.map((a) => a.address).join(", ");
  // A refusal is the most precise signal: something answered and said "nothing listens here".
  if (attempts.some((a) => a.result === "refused")) {
    return {
      code: "tcp.refused",
      summary: `Connection refused on port ${port} (${where})`,
      cause: `The host answered but nothing accepts connections on port ${port}.`,
      next: "Check the port (587 STARTTLS, 465 implicit TLS, 25 relay) and that the mail service is running.",
    };
  }
  if (attempts.length > 0 && attempts.every((a) => a.result === "timeout")) {
    const port25 = port === 25 ? " Many ISPs, cloud providers and office networks block outbound port 25." : "";
    return {
      code: "tcp.timeout",
      summary: `No answer to the connection on port ${port} within ${timeoutMs} ms (${where})`,
      cause: `Packets to port ${port} are silently dropped by a firewall on the way or at the host.${port25}`,
      next: port === 25
        ? "Use the submission port 587 (or 465) with authentication, or ask your network/provider to open outbound 25."
        : "Check firewalls between you and the server (security groups, corporate egress rules) for this port.",
    };
  }
  return {
    code: "tcp.unreachable",
    summary: `No route to ${where} port ${port} (${attempts.map((a) => a.error).join(", ")})`,
    cause:
      "The network reports the host unreachable: no route, the interface is down, or the address family is not available here.",
    next: "Check this machine's network and routing (an IPv6-only address without IPv6 connectivity is common).",
  };
}

function _family(a: HostAddress): string {
  return a.family === 6 ? "IPv6" : "IPv4";
}

function _hostPort(a: HostAddress, port: number): string {
  return a.family === 6 ? `[${a.address}]:${port}` : `${a.address}:${port}`;
}
