/**
 * Reverse DNS of the sending IP (`--ip`): a PTR record, and forward
 * confirmation — one of its names resolving back to the same address
 * (FCrDNS), which Gmail, Microsoft and most receivers require of a server
 * that sends mail. Names that look like a dynamic pool are flagged.
 */
import { type DnsClient, normalName, recordsOf } from "./dns.ts";
import { type Finding, finding } from "./finding.ts";
import { ipBytes, reverseName, samePrefix } from "./ip.ts";

const _GENERIC_WORDS =
  /(^|[.-])(dyn|dynamic|dhcp|pool|dsl|adsl|cable|ppp|dialup|dial|broadband|client|customer|host|ip|static|unassigned|nat)[0-9]*([.-]|$)/i;

/** Audits the reverse DNS of `ip`. */
export async function auditPtr(dns: DnsClient, ip: string): Promise<Finding[]> {
  const name = reverseName(ip);
  const answer = await dns.query(name, "PTR");
  if (answer.status === "error") {
    return [finding("domain.dns-error", `The PTR lookup of ${ip} failed (${answer.code})`)];
  }
  if (answer.status !== "ok") {
    return [finding("ptr.missing", `${ip} has no reverse DNS (no PTR record at ${name})`, [`${name}: no PTR record`])];
  }
  const names = answer.records.slice(0, 10).map(normalName);
  const bytes = ipBytes(ip);
  const type = ip.includes(":") ? "AAAA" : "A";
  const confirmed = await Promise.all(names.map(async (n) => {
    const addresses = recordsOf(await dns.query(n, type));
    return addresses.some((a) => {
      const b = ipBytes(a);
      return b !== undefined && bytes !== undefined && samePrefix(b, bytes, b.length * 8);
    });
  }));
  const evidence = names.map((n, i) =>
    `${name} PTR ${n}${confirmed[i] ? ` (${n} ${type} ${ip})` : ` (${n} does not resolve to ${ip})`}`
  );
  const out: Finding[] = [];
  const good = names.filter((_n, i) => confirmed[i]);
  if (good.length === 0) {
    out.push(finding("ptr.not-confirmed", `No PTR name of ${ip} resolves back to it`, evidence));
  } else {
    out.push(finding("ptr.confirmed", `${ip} has forward-confirmed reverse DNS: ${good.join(", ")}`, evidence));
  }
  const octets = ip.includes(":") ? [] : ip.split(".");
  for (const n of names) {
    const digits = octets.length === 4 &&
      (n.includes(octets.join("-")) || n.includes([...octets].reverse().join("-")) ||
        n.includes(octets.join(".")) || n.includes([...octets].reverse().join(".")));
    if (digits || _GENERIC_WORDS.test(n.split(".")[0] ?? "")) {
      out.push(finding("ptr.generic", `The PTR name ${n} looks like a generic or dynamic address`, evidence));
      break;
    }
  }
  return out;
}
