/**
 * The values `smtpilot domain` and `smtpilot align` take, checked before the
 * first lookup. Domains to audit must be domain names; the identities of an
 * SPF replay (`--sender`, `--helo`) are taken as a receiver's log shows
 * them — an empty local part, a domain literal, a bare HELO word, labels
 * over 63 octets — because check_host() defines a result for each (RFC 7208
 * §4.3, mostly `none`). Only what could not have come from an SMTP command
 * line is refused: control characters, and values longer than a line.
 */
import net from "node:net";
import { DOMAIN_CHECKS, type DomainCheck } from "../../core/domain/audit.ts";
import { UsageError } from "../../core/errors.ts";
import { hasControl, shown } from "../../core/printable.ts";
import type { DnsClient } from "../../core/domain/dns.ts";
import type { PolicyFetcher } from "../../core/domain/mta-sts.ts";
import { httpsPolicyFetcher } from "../../core/domain/policy-fetch.ts";
import { hostValue, readCaFile } from "../../core/validate.ts";

/** The longest identity an SMTP command line can carry (RFC 5321 §4.5.3.1.4: 512 octets with the verb). */
export const MAX_IDENTITY = 512;

/** A domain to audit: a domain name (an internationalised one in ASCII form), not an address or an IP. */
export function domainArgument(value: string): string {
  const v = value.trim();
  if (v.includes("@")) {
    throw new UsageError(`Invalid domain ${shown(value)}: give the domain only (the part after @)`);
  }
  if (net.isIP(v.replace(/^\[|\]$/g, "")) !== 0) {
    throw new UsageError(
      `Invalid domain ${shown(value)}: expected a domain name, not an IP address (use --ip for that)`,
    );
  }
  const ascii = hostValue("domain", v).replace(/\.$/, "").toLowerCase();
  if (!ascii.includes(".")) throw new UsageError(`Invalid domain ${shown(value)}: expected a name such as example.com`);
  return ascii;
}

/** `--only spf,dmarc`: known check names, at least one. */
export function onlyChecks(value: string): DomainCheck[] {
  const names = value.split(",").map((n) => n.trim().toLowerCase()).filter((n) => n !== "");
  const bad = names.find((n) => !(DOMAIN_CHECKS as readonly string[]).includes(n));
  if (bad !== undefined || names.length === 0) {
    throw new UsageError(`Invalid --only ${shown(value)}: expected checks among ${DOMAIN_CHECKS.join(",")}`);
  }
  return [...new Set(names)] as DomainCheck[];
}

/** `--ip`: an IPv4 or IPv6 address, brackets allowed (`[2001:db8::1]`, as logs write it). */
export function ipArgument(flag: string, value: string): string {
  const v = value.trim().replace(/^\[|\]$/g, "").replace(/^ipv6:/i, "");
  if (net.isIP(v) === 0) throw new UsageError(`Invalid ${flag} ${shown(value)}: expected an IPv4 or IPv6 address`);
  return v;
}

/**
 * `--sender`: MAIL FROM as a receiver logged it. Angle brackets are
 * removed; `""` and `<>` are the null sender (a bounce: the HELO identity
 * is checked). Anything printable is kept as given — check_host() itself
 * decides what an odd local part or domain means.
 */
export function senderIdentity(value: string): string {
  const v = _identity("--sender", value).replace(/^<(.*)>$/, "$1").trim();
  return v;
}

/** `--helo`: the HELO/EHLO argument as logged: a name, a domain literal or any word the client sent. */
export function heloIdentity(value: string): string {
  const v = _identity("--helo", value);
  if (v === "") throw new UsageError('Invalid --helo "": the client sent no HELO name (leave --helo out)');
  return v;
}

function _identity(flag: string, value: string): string {
  if (hasControl(value)) {
    throw new UsageError(`Invalid ${flag} ${shown(value)}: holds control characters, which no SMTP command carries`);
  }
  if (value.length > MAX_IDENTITY) {
    throw new UsageError(`Invalid ${flag} ${shown(value)}: longer than an SMTP command line (${MAX_IDENTITY})`);
  }
  return value.trim();
}

/** The domain check_host() evaluates for a sender and HELO: the sender's domain, or the HELO for a null sender. */
export function identityDomain(sender: string | undefined, helo: string | undefined): string | undefined {
  if (sender === undefined) return helo;
  if (sender === "") return helo;
  const at = sender.lastIndexOf("@");
  return at === -1 ? sender : sender.slice(at + 1);
}

/** `--selector`: a DKIM selector (dot-separated labels). */
export function selectorArgument(value: string): string {
  const v = value.trim();
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(v) || v.length > 200) {
    throw new UsageError(`Invalid --selector ${shown(value)}: expected a DKIM selector such as s1 or selector1`);
  }
  return v.toLowerCase();
}

/** How long one HTTPS or SMTP step may take, at least, whatever the DNS timeout. */
export const PROBE_TIMEOUT_MS = 10_000;

/**
 * The `fetchPolicy` option of an audit: present only with `--fetch-policy`
 * (fetching contacts a host beyond DNS), with `--policy-port` and `--ca` for
 * a lab's policy server.
 */
export function policyFetchOption(
  flags: { fetchPolicy?: true; policyPort?: number; ca?: string },
  timeoutMs: number,
): { fetchPolicy?: (dns: DnsClient) => PolicyFetcher } {
  if (!flags.fetchPolicy) {
    if (flags.policyPort !== undefined) throw new UsageError("--policy-port is for --fetch-policy");
    return {};
  }
  const ca = flags.ca === undefined ? undefined : readCaFile(flags.ca);
  return {
    fetchPolicy: (dns) =>
      httpsPolicyFetcher({
        dns,
        timeoutMs: Math.max(timeoutMs, PROBE_TIMEOUT_MS),
        ...(flags.policyPort !== undefined ? { port: flags.policyPort } : {}),
        ...(ca !== undefined ? { ca } : {}),
      }),
  };
}
