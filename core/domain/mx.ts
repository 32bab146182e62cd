/**
 * MX: the domain's mail hosts — none (implicit MX falls back to the
 * domain's address, if it has one), a null MX (RFC 7505: no mail accepted,
 * so replies and bounces to the domain fail) or one mixed with other MX
 * records (an RFC 7505 §3 error, not "no mail"), hosts that do not resolve,
 * IP addresses where a host name belongs, and hosts that are CNAMEs.
 */
import net from "node:net";
import { type DnsClient, type MxRecord, normalName } from "./dns.ts";
import { type Finding, finding } from "./finding.ts";

/** MX findings and the hosts found (for MTA-STS). */
export interface MxAudit {
  hosts: string[];
  records: MxRecord[];
  nxdomain: boolean;
  findings: Finding[];
}

/** Audits the MX records of `domain`; host lookups run in parallel. */
export async function auditMx(dns: DnsClient, domain: string): Promise<MxAudit> {
  const answer = await dns.query(domain, "MX");
  const findings: Finding[] = [];
  if (answer.status === "error") {
    findings.push(finding("domain.dns-error", `The MX lookup of ${domain} failed (${answer.code})`));
    return { hosts: [], records: [], nxdomain: false, findings };
  }
  if (answer.status !== "ok") {
    const [a, aaaa] = await Promise.all([dns.query(domain, "A"), dns.query(domain, "AAAA")]);
    const hasAddress = a.status === "ok" || aaaa.status === "ok";
    findings.push(finding(
      "mx.none",
      hasAddress
        ? `${domain} has no MX record; mail to it goes to its address record (implicit MX)`
        : `${domain} has no MX record and no address: nobody can reply to or bounce mail from it`,
      [`${domain}: no MX record`],
      hasAddress ? { severity: "warning" } : {},
    ));
    return { hosts: [], records: [], nxdomain: answer.status === "nxdomain", findings };
  }
  const records = [...answer.records].sort((x, y) => x.priority - y.priority);
  const evidence = records.map((r) => `${domain} MX ${r.priority} ${r.exchange === "" ? "." : r.exchange}`);
  const isNull = (r: MxRecord) => r.exchange === "" || r.exchange === ".";
  if (records.length === 1 && records.some(isNull)) {
    findings.push(finding("mx.null", `${domain} publishes a null MX: it accepts no mail`, evidence));
    return { hosts: [], records, nxdomain: false, findings };
  }
  if (records.some(isNull)) {
    // RFC 7505 §3: a null MX must be the only MX; mixed with others the domain is misconfigured, and
    // senders may either bounce at once (null MX) or try the other hosts — neither is what was meant.
    findings.push(finding(
      "mx.null-mixed",
      `${domain} publishes a null MX next to ${
        records.length - 1
      } other MX record(s): RFC 7505 §3 forbids this, and senders may refuse to deliver at all`,
      evidence,
    ));
  }
  const hosts = [...new Set(records.filter((r) => !isNull(r)).map((r) => normalName(r.exchange)))];
  const checks = await Promise.all(hosts.map(async (host) => {
    if (net.isIP(host.replace(/^\[|\]$/g, "")) !== 0) {
      return [finding("mx.host-is-address", `MX ${host} is an IP address; MX must name a host`, evidence)];
    }
    const [a, aaaa, cname] = await Promise.all([
      dns.query(host, "A"),
      dns.query(host, "AAAA"),
      dns.query(host, "CNAME"),
    ]);
    const out: Finding[] = [];
    if (a.status === "error" && aaaa.status === "error") {
      out.push(finding("domain.dns-error", `The address lookup of MX host ${host} failed (${a.code})`));
    } else if (a.status !== "ok" && aaaa.status !== "ok") {
      out.push(finding("mx.host-unresolved", `MX host ${host} has no A or AAAA record`, evidence));
    }
    if (cname.status === "ok") {
      out.push(finding("mx.host-cname", `MX host ${host} is a CNAME for ${cname.records[0]}`, [
        ...evidence,
        `${host} CNAME ${cname.records[0]}`,
      ]));
    }
    return out;
  }));
  findings.push(...checks.flat());
  return { hosts, records, nxdomain: false, findings };
}
