/**
 * BIMI (draft-brand-indicators-for-message-identification): the
 * `default._bimi.<domain>` record. Receivers show a logo only when DMARC is
 * enforcing (quarantine or reject, pct=100) — a record without that is a
 * mistake worth an error — and Gmail and Apple also want a mark certificate.
 */
import { type DnsClient, recordsOf } from "./dns.ts";
import type { DmarcLookup } from "./dmarc.ts";
import { type Finding, finding } from "./finding.ts";
import { parseTagList } from "./tag-list.ts";

/** Audits BIMI for `domain` given its DMARC lookup. */
export async function auditBimi(dns: DnsClient, domain: string, dmarc: DmarcLookup): Promise<Finding[]> {
  const name = `default._bimi.${domain}`;
  const answer = await dns.query(name, "TXT");
  if (answer.status === "error") return [finding("domain.dns-error", `The lookup of ${name} failed (${answer.code})`)];
  const texts = recordsOf(answer).map((t) => t.join("")).filter((t) => /^v=BIMI1\s*(;|$)/i.test(t));
  if (texts.length === 0) {
    return [finding("bimi.none", `${domain} publishes no BIMI record`, [`${name}: no TXT record starts with v=BIMI1`])];
  }
  const evidence = texts.map((t) => `${name} TXT ${JSON.stringify(t)}`);
  const out: Finding[] = [];
  const { tags, problems } = parseTagList(texts[0] ?? "");
  if (texts.length > 1) problems.push(`${texts.length} BIMI records`);
  const l = tags.get("l");
  const a = tags.get("a");
  if (l === undefined) problems.push("l= (the logo URL) is missing");
  else if (l !== "" && !/^https:\/\/\S+\.svg$/i.test(l)) problems.push("l= must be an https:// URL of an SVG file");
  if (a !== undefined && a !== "" && !/^https:\/\/\S+$/i.test(a)) problems.push("a= must be an https:// URL");
  if (problems.length > 0) {
    out.push(finding("bimi.syntax", `The BIMI record is invalid: ${problems.join("; ")}`, evidence));
  }
  const policy = dmarc.policy;
  const enforcing = dmarc.record !== undefined && policy !== undefined && policy !== "none" && dmarc.record.pct === 100;
  if (!enforcing) {
    out.push(finding(
      "bimi.needs-enforcing-dmarc",
      `BIMI needs DMARC p=quarantine or p=reject at pct=100; ${domain} has ${
        dmarc.record ? `p=${policy}, pct=${dmarc.record.pct}` : "no DMARC record"
      }`,
      [...evidence, ...(dmarc.record ? [`${dmarc.record.name} TXT ${JSON.stringify(dmarc.record.text)}`] : [])],
    ));
  }
  if (a === undefined || a === "") {
    out.push(finding("bimi.no-authority", "The BIMI record has no a= mark certificate (VMC/CMC)", evidence));
  }
  return out;
}
