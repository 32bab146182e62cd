/**
 * The I/O a diagnosis performs, injected so tests can replace it with fake
 * zones, refusing ports or silent networks: a resolver, a TCP connector and a
 * clock. `systemIo()` gives the real ones.
 */
import dns from "node:dns";
import net from "node:net";

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
}

/** Opens a TCP connection; rejects with the socket error (`ECONNREFUSED`, `EHOSTUNREACH`…). */
export type Connector = (address: string, port: number) => Promise<net.Socket>;

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
  };
}

/** Plain `net.connect`, resolved once connected. */
export const systemConnect: Connector = (address, port) =>
  new Promise((resolve, reject) => {
    // SMTP is request/response with small writes: without TCP_NODELAY, Nagle's algorithm holds the
    // first command after the TLS handshake until the server's delayed ACK (~40 ms on Linux).
    const socket = net.connect({ host: address, port, noDelay: true });
    const onError = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });

/** `performance.now()` and `new Date()`. */
export const systemClock: Clock = { now: () => performance.now(), date: () => new Date() };

/** The real resolver, connector and clock. */
export function systemIo(resolverServer?: string): DiagnoseIo {
  return { resolver: systemResolver(resolverServer), connect: systemConnect, clock: systemClock };
}

/**
 * Connects within `ms` or rejects with `ETIMEDOUT`; a connection that arrives
 * after the deadline is closed at once instead of leaking.
 */
export function connectWithin(connect: Connector, address: string, port: number, ms: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(Object.assign(new Error(`Connecting to ${address} port ${port} timed out`), { code: "ETIMEDOUT" }));
    }, ms);
    connect(address, port).then((socket) => {
      clearTimeout(timer);
      if (late) socket.destroy();
      else resolve(socket);
    }, (err) => {
      clearTimeout(timer);
      if (!late) reject(err);
    });
  });
}

async function _refineNotFound(host: string): Promise<void> {
  try {
    await new dns.promises.Resolver({ timeout: 1500, tries: 1 }).resolve4(host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENODATA") throw err;
  }
}
