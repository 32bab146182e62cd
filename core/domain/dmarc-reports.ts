/**
 * A DMARC record's report destinations (rua=, ruf=): a destination whose
 * domain does not exist, or has neither MX nor address, can receive no
 * report; one in another organisation must publish the authorisation
 * record `<domain>._report._dmarc.<destination>` (RFC 7489 §7.1, kept by
 * RFC 9989's reporting documents), or receivers send it nothing.
 */
import { type DnsClient, recordsOf } from "./dns.ts";
import type { DmarcRecord } from "./dmarc-record.ts";
import { type Finding, finding, txtRecord } from "./finding.ts";

/** Findings about every rua/ruf destination of `record`; `orgDomain` is the record's organisational domain. */
export async function reportDestinationFindings(
  dns: DnsClient,
  record: DmarcRecord,
  orgDomain: string,
): Promise<Finding[]> {
  const destinations = [...record.rua.map((u) => ["rua", u] as const), ...record.ruf.map((u) => ["ruf", u] as const)]
    .map(([tag, uri]) => ({ tag, uri, dest: /@([^!]+)/.exec(uri)?.[1]?.toLowerCase().replace(/\.$/, "") }))
    .filter((c): c is { tag: "rua" | "ruf"; uri: string; dest: string } => c.dest !== undefined);
  const inOrg = (dest: string) => dest === orgDomain || dest.endsWith(`.${orgDomain}`);
  const results = await Promise.all(destinations.map(async (c) => {
    const out: Finding[] = [];
    const missing = await _cannotReceive(dns, c.dest);
    if (missing) {
      out.push(finding(
        "dmarc.report-domain-missing",
        `${c.tag}=${c.uri}: ${c.dest} ${missing}, so no report can reach it`,
        [`${c.dest}: ${missing}`],
      ));
    }
    if (inOrg(c.dest) || missing) return out;
    const name = `${record.domain}._report._dmarc.${c.dest}`;
    const answer = await dns.query(name, "TXT");
    const ok = recordsOf(answer).some((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t.join("")));
    if (ok) return out;
    if (answer.status === "error") {
      out.push(finding("domain.dns-error", `The lookup of ${name} failed (${answer.code})`));
    } else {
      out.push(finding(
        "dmarc.rua-unauthorized",
        `${c.tag}=${c.uri}: ${c.dest} has not authorised reports for ${record.domain}, so receivers will not send them`,
        [`${name}: no TXT record starts with v=DMARC1`],
        { fix: txtRecord(name, "v=DMARC1") },
      ));
    }
    return out;
  }));
  return results.flat();
}

/** Why mail cannot be delivered to `domain` (it does not exist; no MX and no address), or undefined. */
async function _cannotReceive(dns: DnsClient, domain: string): Promise<string | undefined> {
  const mx = await dns.query(domain, "MX");
  if (mx.status === "nxdomain") return "does not exist (NXDOMAIN)";
  if (mx.status !== "nodata") return undefined;
  const [a, aaaa] = await Promise.all([dns.query(domain, "A"), dns.query(domain, "AAAA")]);
  const none = (s: string) => s === "nxdomain" || s === "nodata";
  return none(a.status) && none(aaaa.status) ? "has no MX and no address" : undefined;
}
