/**
 * Validation of the values users type for hosts, names, files and servers:
 * each either returns the normalised value or throws a UsageError that names
 * the flag and the value. Nothing here touches the network. The command
 * adapters check flags with these, and the use cases (core/send/, the
 * diagnose flags) check the same values with the same messages.
 */
import { X509Certificate } from "node:crypto";
import net from "node:net";
import { domainToASCII } from "node:url";
import { isMailboxProblem, type Mailbox, parseMailbox } from "./address.ts";
import { UsageError } from "./errors.ts";
import { readSmallFile } from "./files.ts";
import { hasControl, shown } from "./printable.ts";

export { hasControl };

/** A CA bundle larger than this is not a CA bundle (the whole Mozilla store is ~220 KB). */
export const MAX_CA_BYTES = 4 * 1024 * 1024;

// Underscores are not valid in host names, but internal relays use them; accept them.
const _LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const _DOMAIN = new RegExp(`^(?=.{1,253}$)${_LABEL}(?:\\.${_LABEL})*\\.?$`);

/**
 * A host name or IP; `[::1]` is accepted for an IPv6 literal and unwrapped,
 * and an internationalised name (müller.de) is converted to its ASCII form.
 */
export function hostValue(flag: string, value: string): string {
  const v = value.trim();
  const unwrapped = /^\[(.+)\]$/.exec(v)?.[1];
  if (unwrapped !== undefined && net.isIPv6(unwrapped)) return unwrapped;
  if (net.isIP(v) !== 0) return v;
  // domainToASCII silently drops tabs and line breaks, and parses as a URL host: it stops at `\`, `/`,
  // `?`, `#` and takes what follows `@` (`a.example\evil` became `a.example`). Such a value is
  // refused, not repaired.
  const ascii = hasControl(v) || /[\s\\/?#@%:]/.test(v) ? "" : domainToASCII(v);
  if (ascii !== "" && _DOMAIN.test(ascii) && !/^[\d.]+$/.test(ascii)) return ascii;
  throw new UsageError(`Invalid ${flag} ${shown(value)}: expected a host name or an IP address`);
}

/**
 * An EHLO name (RFC 5321 §4.1.3): a domain, `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
 * Anything else — spaces, CR/LF, a bare IP — could change the command on the wire
 * or be refused by the server as a name.
 */
export function ehloNameValue(value: string): string {
  const v = value.trim();
  const literal = /^\[(IPv6:)?([^\]]+)\]$/i.exec(v);
  const ascii = literal || hasControl(v) ? "" : domainToASCII(v);
  const ok = literal
    ? (literal[1] ? net.isIPv6(literal[2] ?? "") : net.isIPv4(literal[2] ?? ""))
    : ascii !== "" && _DOMAIN.test(ascii) && !/^[\d.]+$/.test(ascii);
  if (!ok) {
    throw new UsageError(
      `Invalid --ehlo-name ${shown(value)}: expected a domain (mail.example.com), [192.0.2.1] or [IPv6:2001:db8::1]`,
    );
  }
  return literal ? v : ascii;
}

/** Reads a PEM file of CA certificates, checking that every block parses. */
export function readCaFile(file: string): string {
  const pem = readSmallFile(file, { what: "--ca", maxBytes: MAX_CA_BYTES }).toString("utf8");
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new UsageError(`--ca ${shown(file)} holds no PEM certificate`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new UsageError(`--ca ${shown(file)}: certificate ${i + 1} does not parse (${(err as Error).message})`);
    }
  });
  return pem;
}

/** Checks `IP[:PORT]` (IPv6 as `[::1]:5353`) and returns it in the form dns.setServers takes. */
export function resolverAddress(value: string): string {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)|([0-9a-fA-F:]+))(?::(\d{1,5}))?$/.exec(value.trim());
  const ip = m?.[1] ?? m?.[2] ?? m?.[3];
  const port = m?.[4] === undefined ? undefined : Number(m[4]);
  if (!ip || net.isIP(ip) === 0 || (port !== undefined && (port < 1 || port > 65535)) || (m?.[3] && m[4])) {
    throw new UsageError(
      `Invalid --resolver ${shown(value)}: expected IP or IP:PORT, e.g. 1.1.1.1 or [2606:4700::1111]:53`,
    );
  }
  if (port === undefined) return ip;
  return net.isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Checks a mailbox a user typed (RFC 5321/6531); a bad one is a UsageError naming the flag, the value and what is wrong. */
export function mailboxValue(flag: string, value: string): Mailbox {
  const m = parseMailbox(value);
  if (isMailboxProblem(m)) throw new UsageError(`Invalid ${flag} ${shown(value)}: ${m.reason}`);
  return m;
}
