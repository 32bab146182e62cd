/**
 * SMTP TLS Reporting (RFC 8460): `_smtp._tls.<domain>` with `v=TLSRPTv1`
 * and `rua=` mailto: or https: destinations.
 */
import { type DnsClient, recordsOf } from "./dns.ts";
import { type Finding, finding, txtRecord } from "./finding.ts";
import { parseTagList } from "./tag-list.ts";

/** Audits TLS-RPT for `domain`. */
export async function auditTlsRpt(dns: DnsClient, domain: string): Promise<Finding[]> {
  const name = `_smtp._tls.${domain}`;
  const answer = await dns.query(name, "TXT");
  if (answer.status === "error") return [finding("domain.dns-error", `The lookup of ${name} failed (${answer.code})`)];
  const texts = recordsOf(answer).map((t) => t.join("")).filter((t) => /^v=TLSRPTv1\s*(;|$)/.test(t));
  if (texts.length === 0) {
    return [
      finding("tls-rpt.none", `${domain} publishes no TLS-RPT record`, [
        `${name}: no TXT record starts with v=TLSRPTv1`,
      ], {
        fix: txtRecord(name, `v=TLSRPTv1; rua=mailto:tls-reports@${domain}`),
      }),
    ];
  }
  const evidence = texts.map((t) => `${name} TXT ${JSON.stringify(t)}`);
  if (texts.length > 1) {
    return [finding("tls-rpt.syntax", `${name} has ${texts.length} TLS-RPT records; senders use none`, evidence)];
  }
  const { tags, problems } = parseTagList(texts[0] ?? "");
  const rua = (tags.get("rua") ?? "").split(",").map((u) => u.trim()).filter((u) => u !== "");
  if (rua.length === 0) problems.push("rua= is missing");
  for (const u of rua) {
    if (!/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u)) problems.push(`${u} is not a mailto: or https: URI`);
  }
  return problems.length > 0
    ? [finding("tls-rpt.syntax", `The TLS-RPT record is invalid: ${problems.join("; ")}`, evidence)]
    : [];
}
