/**
 * IP addresses as SPF compares them: as bytes, under a prefix length, with
 * IPv4-mapped IPv6 addresses treated as the IPv4 address they carry (RFC
 * 7208 §5 — a client connecting over IPv6 from ::ffff:192.0.2.1 is 192.0.2.1),
 * and their reverse-DNS names for PTR checks and the `%{i}` macro.
 */
import net from "node:net";

/** An address as bytes (4 or 16). */
export type IpBytes = Uint8Array;

/** Parses an IPv4 or IPv6 address to bytes; undefined when it is neither. */
export function ipBytes(ip: string): IpBytes | undefined {
  if (net.isIPv4(ip)) return Uint8Array.from(ip.split(".").map(Number));
  if (!net.isIPv6(ip)) return undefined;
  return Uint8Array.from(
    expandIp6(ip).split(":").flatMap((g) => {
      const n = parseInt(g, 16);
      return [n >> 8, n & 0xff];
    }),
  );
}

/** The eight 4-digit groups of an IPv6 address (an embedded IPv4 tail converted). */
export function expandIp6(ip: string): string {
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4 !== undefined) {
    const b = v4.split(".").map(Number);
    const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
    text = `${text.slice(0, -v4.length)}${hex(b[0] ?? 0, b[1] ?? 0)}:${hex(b[2] ?? 0, b[3] ?? 0)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((g) => g.padStart(4, "0")).join(":");
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), else the address itself. */
export function unmapIp(ip: string): string {
  if (!net.isIPv6(ip)) return ip;
  const b = ipBytes(ip);
  if (b && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return [...b.slice(12)].join(".");
  }
  return ip;
}

/** True when `a` and `b` (same family) agree on the first `prefix` bits. */
export function samePrefix(a: IpBytes, b: IpBytes, prefix: number): boolean {
  if (a.length !== b.length) return false;
  let bits = prefix;
  for (let i = 0; i < a.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((a[i] ?? 0) & mask) !== ((b[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The reverse-DNS name of an address: `4.3.2.1.in-addr.arpa`, or 32 nibbles under `ip6.arpa`. */
export function reverseName(ip: string): string {
  if (net.isIPv6(ip)) return `${[...expandIp6(ip).replace(/:/g, "")].reverse().join(".")}.ip6.arpa`;
  return `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
}

/** The address as people write it (`%{c}`): dotted quad, or the compressed lower-case IPv6 form. */
export function readableIp(ip: string): string {
  if (!net.isIPv6(ip)) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** The address in SPF's `%{i}` form: dotted quad, or 32 dot-separated nibbles for IPv6. */
export function macroIp(ip: string): string {
  if (net.isIPv6(ip)) return [...expandIp6(ip).replace(/:/g, "")].join(".");
  return ip;
}
