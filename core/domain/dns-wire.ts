/**
 * smtpilot's own stub resolver: one question per UDP datagram (EDNS0, 1232
 * bytes), TCP when the answer is truncated, the servers of resolv.conf or
 * `--resolver`. It exists because the domain checks need what the system
 * resolver library does not give: names a receiver may look up that it
 * refuses to send (SPF macros expand to `foo:bar/baz.example.com` or
 * names with spaces — legal DNS, so a receiver gets NXDOMAIN, not an
 * error), the AD bit of a validating resolver for DANE (RFC 7672 trusts the
 * resolver's validation, as Postfix does), the CD bit to tell a zone that
 * fails validation ("bogus") from one that is down, and TLSA records. Every
 * query has its own deadline, so one slow server never holds another
 * query's answer.
 */
import { randomInt } from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";
import {
  type Answer,
  AUTHENTIC_DATA,
  CHECKING_DISABLED,
  decode,
  encode,
  type Packet,
  type RecordType,
  RECURSION_DESIRED,
} from "dns-packet";

/** A DNS server to ask. */
export interface DnsServer {
  host: string;
  port: number;
}

/** What came back for one question, before it is mapped to a DnsResult. */
export interface WireAnswer {
  rcode: string;
  /** The resolver vouches for the answer: it validated it with DNSSEC. */
  ad: boolean;
  answers: Answer[];
}

/** Options of one exchange: the header bits that matter for DNSSEC. */
export interface ExchangeFlags {
  /** Ask for the AD bit (RFC 6840 §5.7). */
  ad?: boolean;
  /** Checking disabled: the resolver returns data even when it fails validation. */
  cd?: boolean;
}

/** A failure with a stable code, as the rest of the domain checks expect them (ETIMEOUT, ECONNREFUSED…). */
export class DnsWireError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const _UDP_SIZE = 1232;

/** Parses `IP`, `IP:PORT` or `[IPv6]:PORT` (the forms dns.getServers() and --resolver use). */
export function parseServer(text: string): DnsServer {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([0-9.]+):(\d+)$/.exec(text);
  if (m) return { host: m[1] ?? "", port: Number(m[2]) };
  return { host: text.replace(/^\[|\]$/g, ""), port: 53 };
}

/** The wire form of a query name, or the reason it cannot be one (a label over 63 octets, a name over 255). */
export function wireNameProblem(name: string): string | undefined {
  const labels = name.replace(/\.$/, "").split(".");
  if (labels.some((l) => Buffer.byteLength(l) > 63)) return "a label is longer than 63 octets";
  if (labels.reduce((n, l) => n + Buffer.byteLength(l) + 1, 1) > 255) return "the name is longer than 255 octets";
  if (name !== "" && name !== "." && labels.some((l) => l === "")) return "the name has an empty label";
  return undefined;
}

/**
 * Asks `servers` in turn (each try goes to the next one) until one answers;
 * a truncated UDP answer is asked again over TCP. SERVFAIL and REFUSED move
 * on to the next server when there is one, as stub resolvers do.
 */
export async function exchange(
  servers: readonly DnsServer[],
  name: string,
  type: string,
  timeoutMs: number,
  tries: number,
  flags: ExchangeFlags = {},
): Promise<WireAnswer> {
  const problem = wireNameProblem(name);
  if (problem) throw new DnsWireError("EBADNAME", `Cannot ask for ${name}: ${problem}`);
  let last: unknown;
  let refused: WireAnswer | undefined;
  const attempts = Math.max(1, tries) * Math.max(1, servers.length);
  for (let i = 0; i < attempts; i++) {
    const server = servers[i % servers.length];
    if (!server) break;
    try {
      let answer = await _ask(server, name, type, timeoutMs, flags, false);
      if (answer.tc) answer = await _ask(server, name, type, timeoutMs, flags, true);
      const result = { rcode: answer.rcode, ad: answer.ad, answers: answer.answers };
      if ((answer.rcode === "SERVFAIL" || answer.rcode === "REFUSED") && servers.length > 1) {
        refused ??= result;
        if (i < servers.length - 1) continue;
      }
      return result;
    } catch (err) {
      last = err;
    }
  }
  if (refused) return refused;
  throw last instanceof Error ? last : new DnsWireError("ETIMEOUT", `No answer for ${name} ${type}`);
}

interface _Answer extends WireAnswer {
  tc: boolean;
}

function _query(id: number, name: string, type: string, flags: ExchangeFlags): Buffer {
  return encode({
    type: "query",
    id,
    flags: RECURSION_DESIRED | (flags.ad ? AUTHENTIC_DATA : 0) |
      (flags.cd ? CHECKING_DISABLED : 0),
    questions: [{ type: type as RecordType, name }],
    additionals: [{ type: "OPT", name: ".", udpPayloadSize: _UDP_SIZE, flags: 0 } as Answer],
  });
}

/** True when `packet` answers the question asked (same id, same name and type): anything else is ignored. */
function _matches(packet: Packet, id: number, name: string, type: string): boolean {
  const q = packet.questions?.[0];
  return packet.id === id && packet.type === "response" && q !== undefined && q.type === type &&
    q.name.toLowerCase().replace(/\.$/, "") === name.toLowerCase().replace(/\.$/, "");
}

function _answer(packet: Packet): _Answer {
  const p = packet as Packet & { rcode?: string; flag_ad?: boolean; flag_tc?: boolean };
  return { rcode: p.rcode ?? "NOERROR", ad: p.flag_ad === true, tc: p.flag_tc === true, answers: p.answers ?? [] };
}

function _ask(
  server: DnsServer,
  name: string,
  type: string,
  timeoutMs: number,
  flags: ExchangeFlags,
  tcp: boolean,
): Promise<_Answer> {
  const id = randomInt(0, 65536);
  const query = _query(id, name, type, flags);
  return new Promise((resolve, reject) => {
    let done = false;
    let close = () => {};
    const finish = (err: Error | undefined, answer?: _Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      close();
      if (err) reject(err);
      else if (answer) resolve(answer);
    };
    const timer = setTimeout(
      () => finish(new DnsWireError("ETIMEOUT", `${server.host}:${server.port} did not answer ${name} ${type}`)),
      timeoutMs,
    );
    const onPacket = (msg: Buffer) => {
      try {
        const packet = decode(msg);
        if (_matches(packet, id, name, type)) finish(undefined, _answer(packet));
      } catch {
        // A datagram that does not decode is not our answer; keep waiting, as stub resolvers do.
      }
    };
    const onError = (err: NodeJS.ErrnoException) =>
      finish(new DnsWireError(err.code ?? "ECONNREFUSED", `${server.host}:${server.port}: ${err.message}`));
    if (tcp) {
      const socket = net.connect(server.port, server.host);
      close = () => socket.destroy();
      let pending = Buffer.alloc(0);
      socket.on("connect", () => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(query.length);
        socket.write(Buffer.concat([length, query]));
      });
      socket.on("data", (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        if (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          onPacket(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        }
      });
      socket.on("error", onError);
      return;
    }
    const socket = dgram.createSocket(net.isIPv6(server.host) ? "udp6" : "udp4");
    close = () => socket.close();
    socket.on("message", onPacket);
    socket.on("error", onError);
    // A connected socket reports an ICMP "port unreachable" as ECONNREFUSED instead of a silent timeout.
    socket.connect(server.port, server.host, () => socket.send(query));
  });
}
