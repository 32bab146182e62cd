/**
 * The I/O a diagnosis performs, injected so tests can replace it with fake
 * zones, refusing ports or silent networks: a resolver, a TCP connector and a
 * clock. `systemIo()` gives the real ones.
 */
import dns from "node:dns";
import net from "node:net";
import type { Duplex } from "node:stream";
import { monotonicMs, within } from "./timing.ts";

/** A resolved address of the target host. */
export interface HostAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Name resolution with the shape of `dns.promises`: `lookup` answers like the
 * operating system (hosts file included), `resolveCname` walks the CNAME chain.
 */
export interface Resolver {
  lookup(host: string): Promise<HostAddress[]>;
  resolveCname(host: string): Promise<string[]>;
  /** The DNS server asked, when one was chosen (`--resolver`); absent for the system's resolver. */
  server?: string;
}

/**
 * Opens a TCP connection; rejects with the socket error (`ECONNREFUSED`,
 * `EHOSTUNREACH`…). When `signal` aborts before the connection is up, the
 * connector destroys the pending socket and rejects: a SYN nobody answers
 * must not keep a handle alive until the kernel gives up (minutes).
 */
export type Connector = (address: string, port: number, signal?: AbortSignal) => Promise<net.Socket>;

/** Monotonic milliseconds, and the wall clock used to judge certificate dates. */
export interface Clock {
  now(): number;
  date(): Date;
}

/** Everything a diagnosis may touch. */
export interface DiagnoseIo {
  resolver: Resolver;
  connect: Connector;
  clock: Clock;
}

/** The operating system's resolver, or a DNS server given with `--resolver IP[:PORT]`. */
export function systemResolver(server?: string): Resolver {
  if (server === undefined) {
    return {
      lookup: async (host) => {
        try {
          const found = await dns.promises.lookup(host, { all: true, order: "verbatim" });
          return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
        } catch (err) {
          // getaddrinfo says ENOTFOUND both for "no such name" and "no address": ask DNS which.
          if ((err as NodeJS.ErrnoException).code === "ENOTFOUND") await _refineNotFound(host);
          throw err;
        }
      },
      resolveCname: (host) => dns.promises.resolveCname(host),
    };
  }
  const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([server]);
  return {
    lookup: async (host) => {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
      const found: HostAddress[] = [];
      if (v6.status === "fulfilled") found.push(...v6.value.map((address) => ({ address, family: 6 as const })));
      if (v4.status === "fulfilled") found.push(...v4.value.map((address) => ({ address, family: 4 as const })));
      if (found.length > 0) return found;
      // Both failed or were empty: surface the more meaningful error (NXDOMAIN beats NODATA).
      const errors = [v4, v6].flatMap((r) => (r.status === "rejected" ? [r.reason as NodeJS.ErrnoException] : []));
      throw errors.find((e) => e.code === "ENOTFOUND") ?? errors[0] ??
        Object.assign(new Error(`No address found for ${host}`), { code: "ENODATA" });
    },
    resolveCname: (host) => resolver.resolveCname(host),
    server,
  };
}

/** Plain `net.connect`, resolved once connected; an abort destroys the socket still connecting. */
export const systemConnect: Connector = (address, port, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(_aborted(address, port));
    // SMTP is request/response with small writes: without TCP_NODELAY, Nagle's algorithm holds the
    // first command after the TLS handshake until the server's delayed ACK (~40 ms on Linux).
    const socket = net.connect({ host: address, port, noDelay: true });
    const onAbort = () => {
      socket.off("error", onError);
      // Settle once the handle is really gone, so the caller's step ends with nothing left open.
      void release(socket).then(() => reject(_aborted(address, port)));
    };
    const onError = (err: Error) => {
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(err);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("error", onError);
    socket.once("connect", () => {
      signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      resolve(socket);
    });
  });

/**
 * Destroys a socket (or any stream over one), or ends it gracefully, and resolves once it has closed:
 * `destroy()` alone leaves the handle open until a later turn of the event
 * loop, and a step that ends before that would leave it behind.
 */
export async function release(socket: Duplex, options: { graceful?: boolean } = {}): Promise<void> {
  socket.on("error", () => {});
  if (!socket.closed) {
    await new Promise<void>((resolve) => {
      socket.once("close", () => {
        clearTimeout(grace);
        resolve();
      });
      // Graceful: end our side (a TLS close_notify, then FIN) and give the peer a moment to close
      // its side, so the server logs a clean end instead of "TLS connection non-properly terminated".
      const grace = options.graceful && socket.writable && !socket.destroyed
        ? setTimeout(() => socket.destroy(), _GRACEFUL_CLOSE_MS)
        : undefined;
      if (grace) socket.end();
      else socket.destroy();
    });
  }
  // A TLS socket reports 'close' when its TLS layer is closed; the TCP handle beneath closes in the
  // event loop's next close phase. Two turns later it is gone.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** How long a graceful release waits for the peer to close its side. */
const _GRACEFUL_CLOSE_MS = 300;

/** A monotonic clock in milliseconds (`monotonicMs`) and `new Date()`. */
export const systemClock: Clock = { now: monotonicMs, date: () => new Date() };

/** The real resolver, connector and clock. */
export function systemIo(resolverServer?: string): DiagnoseIo {
  return { resolver: systemResolver(resolverServer), connect: systemConnect, clock: systemClock };
}

/**
 * Connects within `ms` or rejects with `ETIMEDOUT`, destroying the socket
 * still connecting; `signal` gives up earlier the same way (a side probe no
 * longer needed). A connection a connector delivers after that is closed at
 * once instead of leaking.
 */
export function connectWithin(
  connect: Connector,
  address: string,
  port: number,
  ms: number,
  signal?: AbortSignal,
): Promise<net.Socket> {
  if (signal?.aborted) return Promise.reject(_aborted(address, port));
  return new Promise((resolve, reject) => {
    const giveUp = new AbortController();
    const pending = connect(address, port, giveUp.signal);
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    // After giving up, reject only once the connector has released its socket (or a moment later
    // for a connector that ignores the signal), so no handle outlives this call.
    const stop = (err: Error) => {
      if (settled) return;
      settle();
      giveUp.abort();
      void within(pending.catch(() => undefined), _RELEASE_GRACE_MS).then(() => reject(err));
    };
    const onAbort = () => stop(_aborted(address, port));
    const timer = setTimeout(() => {
      stop(Object.assign(new Error(`Connecting to ${address} port ${port} timed out`), { code: "ETIMEDOUT" }));
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    pending.then((socket) => {
      if (settled) return void release(socket);
      settle();
      resolve(socket);
    }, (err: Error) => {
      if (settled) return;
      settle();
      reject(err);
    });
  });
}

/** How long a connector that ignores the abort signal may take to settle before connectWithin rejects anyway. */
const _RELEASE_GRACE_MS = 100;

function _aborted(address: string, port: number): Error {
  return Object.assign(new Error(`Connecting to ${address} port ${port} was abandoned`), { code: "EABORTED" });
}

async function _refineNotFound(host: string): Promise<void> {
  try {
    await new dns.promises.Resolver({ timeout: 1500, tries: 1 }).resolve4(host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENODATA") throw err;
  }
}
