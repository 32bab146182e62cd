/**
 * A counting DNS forwarder on loopback: every query a client sends (UDP, or
 * TCP after a truncated answer) is decoded, logged by name and type, and
 * passed to the upstream server unchanged. Tests and the benchmark put it
 * between a client and the Knot peer to count the queries that really
 * reach the wire — the proof that no query is made twice in a run.
 */
import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";

/** One query seen on the wire. */
export interface LoggedQuery {
  name: string;
  type: string;
  transport: "udp" | "tcp";
}

/** A running forwarder. */
export interface QueryLog {
  port: number;
  resolver: string;
  queries: LoggedQuery[];
  /** The queries without the TCP retries of truncated UDP answers. */
  questions(): LoggedQuery[];
  /** Forgets the queries logged so far. */
  reset(): void;
  /**
   * Holds back every UDP query whose name matches until `release()` — a
   * domain whose servers are slow, for as long as a test needs, without a
   * guessed delay.
   */
  hold(match: (name: string) => boolean): void;
  /** Forwards the queries held so far, and every later one at once. */
  release(): void;
  /**
   * Queries asked more than once, as `TYPE name` → count. A TCP query right
   * after the same UDP query is the retry a truncated answer demands
   * (RFC 7766), not a second question, and is not counted.
   */
  repeats(): Map<string, number>;
  close(): Promise<void>;
}

/**
 * Starts a forwarder to `upstreamPort` on 127.0.0.1. `delayMs` holds every
 * UDP query that long before passing it on: a benchmark's stand-in for a
 * real resolver's round trip (tests never use it; they hold and release).
 */
export async function startQueryLog(upstreamPort: number, options: { delayMs?: number } = {}): Promise<QueryLog> {
  const queries: LoggedQuery[] = [];
  const log = (msg: Buffer, transport: "udp" | "tcp") => {
    try {
      for (const q of dnsPacket.decode(msg).questions ?? []) {
        queries.push({ name: q.name.toLowerCase(), type: q.type, transport });
      }
    } catch {
      queries.push({ name: "(undecodable)", type: "?", transport });
    }
  };
  const udp = dgram.createSocket("udp4");
  let holding: ((name: string) => boolean) | undefined;
  const held: (() => void)[] = [];
  const nameOf = (msg: Buffer) => {
    try {
      return dnsPacket.decode(msg).questions?.[0]?.name.toLowerCase() ?? "";
    } catch {
      return "";
    }
  };
  udp.on("message", (msg, rinfo) => {
    log(msg, "udp");
    if (holding?.(nameOf(msg))) {
      held.push(() => forward(msg, rinfo));
      return;
    }
    if (options.delayMs) setTimeout(() => forward(msg, rinfo), options.delayMs);
    else forward(msg, rinfo);
  });
  const forward = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    const up = dgram.createSocket("udp4");
    const timer = setTimeout(() => up.close(), 5000);
    up.on("message", (answer) => {
      clearTimeout(timer);
      up.close();
      udp.send(answer, rinfo.port, rinfo.address);
    });
    up.on("error", () => {});
    up.send(msg, upstreamPort, "127.0.0.1");
  };
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  const port = udp.address().port;
  const tcp = net.createServer((client) => {
    const up = net.connect(upstreamPort, "127.0.0.1");
    let pending = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        log(pending.subarray(2, 2 + pending.readUInt16BE(0)), "tcp");
        pending = pending.subarray(2 + pending.readUInt16BE(0));
      }
      up.write(chunk);
    });
    up.on("data", (d) => client.write(d));
    const end = () => {
      client.destroy();
      up.destroy();
    };
    client.on("error", end).on("close", end);
    up.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, "127.0.0.1", resolve);
  });
  return {
    port,
    resolver: `127.0.0.1:${port}`,
    queries,
    reset: () => void queries.splice(0),
    hold: (match) => void (holding = match),
    release: () => {
      holding = undefined;
      for (const send of held.splice(0)) send();
    },
    repeats: () => {
      const seen = new Map<string, number>();
      for (const q of questions(queries)) seen.set(`${q.type} ${q.name}`, (seen.get(`${q.type} ${q.name}`) ?? 0) + 1);
      return new Map([...seen].filter(([, n]) => n > 1));
    },
    questions: () => questions(queries),
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => udp.close(() => resolve()));
      }),
  };
}

/** Queries without TCP retries: a TCP query whose UDP twin came before it and has not been retried yet. */
export function questions(all: readonly LoggedQuery[]): LoggedQuery[] {
  const open = new Map<string, number>();
  const out: LoggedQuery[] = [];
  for (const q of all) {
    const key = `${q.type} ${q.name}`;
    if (q.transport === "tcp" && (open.get(key) ?? 0) > 0) {
      open.set(key, (open.get(key) ?? 0) - 1);
      continue;
    }
    if (q.transport === "udp") open.set(key, (open.get(key) ?? 0) + 1);
    out.push(q);
  }
  return out;
}
