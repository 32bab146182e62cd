/**
 * DMARC (RFC 7489): the record at `_dmarc.<domain>`, falling back to the
 * organisational domain's; its tags checked one by one; the policy that
 * applies to the domain (sp= for a subdomain); and report addresses in
 * another organisation checked for their authorisation record
 * `<domain>._report._dmarc.<destination>` (§7.1). Alignment uses the parsed
 * record, so it lives here too.
 */
import { type DnsClient, normalName, recordsOf } from "./dns.ts";
import { type Finding, finding, txtRecord } from "./finding.ts";
import { orgDomain } from "./org-domain.ts";
import { parseTagList } from "./tag-list.ts";

/** A policy a receiver applies to failing mail. */
export type DmarcPolicy = "none" | "quarantine" | "reject";

/** A parsed DMARC record. */
export interface DmarcRecord {
  /** Where it was found (`_dmarc.example.com`) and the domain it belongs to. */
  name: string;
  domain: string;
  text: string;
  p: DmarcPolicy;
  sp?: DmarcPolicy;
  adkim: "r" | "s";
  aspf: "r" | "s";
  pct: number;
  rua: string[];
  ruf: string[];
  problems: string[];
}

/** The DMARC lookup result for a domain. */
export interface DmarcLookup {
  /** The record that applies, if any. */
  record?: DmarcRecord;
  /** True when it came from the organisational domain. */
  fallback: boolean;
  /** The policy that applies to the domain asked about (sp= for a subdomain). */
  policy?: DmarcPolicy;
  findings: Finding[];
}

const _POLICIES = ["none", "quarantine", "reject"];

/** Parses a record's text; problems list the tags that are wrong. */
export function parseDmarc(text: string, name: string, domain: string): DmarcRecord {
  const { tags, order, problems } = parseTagList(text);
  if (order[0] !== "v" || tags.get("v") !== "DMARC1") problems.push("the record must start with v=DMARC1");
  const policy = (tag: string): DmarcPolicy | undefined => {
    const v = tags.get(tag)?.toLowerCase();
    if (v === undefined) return undefined;
    if (_POLICIES.includes(v)) return v as DmarcPolicy;
    problems.push(`${tag}=${v} is not none, quarantine or reject`);
    return undefined;
  };
  const mode = (tag: string): "r" | "s" => {
    const v = tags.get(tag)?.toLowerCase() ?? "r";
    if (v !== "r" && v !== "s") problems.push(`${tag}=${v} is not r or s`);
    return v === "s" ? "s" : "r";
  };
  let p = policy("p");
  if (p === undefined) {
    if (!tags.has("p")) problems.push("the p= tag is missing");
    // RFC 7489 §6.6.3: a record with rua but no valid p is treated as p=none.
    p = "none";
  }
  const pctText = tags.get("pct") ?? "100";
  const pct = /^\d{1,3}$/.test(pctText) && Number(pctText) <= 100 ? Number(pctText) : 100;
  if (pct !== Number(pctText)) problems.push(`pct=${pctText} is not a number from 0 to 100`);
  const uris = (tag: string) => {
    const v = tags.get(tag);
    if (v === undefined || v === "") return [];
    const list = v.split(",").map((u) => u.trim());
    for (const u of list) {
      if (!/^mailto:[^@\s]+@[^@\s!]+(![0-9]+[kmgt]?)?$/i.test(u)) problems.push(`${tag}: ${u} is not a mailto: URI`);
    }
    return list;
  };
  const sp = policy("sp");
  return {
    name,
    domain,
    text,
    p,
    ...(sp ? { sp } : {}),
    adkim: mode("adkim"),
    aspf: mode("aspf"),
    pct,
    rua: uris("rua"),
    ruf: uris("ruf"),
    problems,
  };
}

/** Finds the DMARC record that applies to `domain`, with findings about it. */
export async function lookupDmarc(dns: DnsClient, domain: string): Promise<DmarcLookup> {
  const d = normalName(domain);
  const org = orgDomain(d);
  const own = await _records(dns, d);
  let fallback = false;
  let found = own;
  if (own.texts.length === 0 && !own.error && org !== d) {
    found = await _records(dns, org);
    fallback = found.texts.length > 0;
  }
  const findings: Finding[] = [];
  if (found.error) {
    findings.push(finding("domain.dns-error", `The DMARC lookup of ${found.name} failed (${found.error})`));
    return { fallback, findings };
  }
  if (found.texts.length === 0) {
    findings.push(finding(
      "dmarc.none",
      `No DMARC record at _dmarc.${d}${org !== d ? ` nor _dmarc.${org}` : ""}`,
      [`_dmarc.${d}: no TXT record starts with v=DMARC1`],
      { fix: txtRecord(`_dmarc.${org}`, `v=DMARC1; p=none; rua=mailto:dmarc-reports@${org}`) },
    ));
    return { fallback, findings };
  }
  if (found.texts.length > 1) {
    findings.push(finding(
      "dmarc.multiple-records",
      `${found.name} has ${found.texts.length} DMARC records; receivers apply none of them`,
      found.texts.map((t) => `${found.name} TXT ${JSON.stringify(t)}`),
    ));
    return { fallback, findings };
  }
  const owner = fallback ? org : d;
  const record = parseDmarc(found.texts[0] ?? "", found.name, owner);
  const evidence = [`${record.name} TXT ${JSON.stringify(record.text)}`];
  if (fallback) {
    findings.push(
      finding("dmarc.org-fallback", `${d} has no DMARC record; ${org}'s applies (with its sp= policy)`, evidence),
    );
  }
  if (record.problems.length > 0) {
    findings.push(
      finding("dmarc.syntax", `The DMARC record of ${owner} is invalid: ${record.problems.join("; ")}`, evidence),
    );
  }
  const policy = d === owner ? record.p : record.sp ?? record.p;
  const better = (text: string) => txtRecord(record.name, text);
  if (record.p === "none") {
    findings.push(
      finding("dmarc.policy-none", `${owner} publishes p=none: failing mail is delivered anyway`, evidence, {
        fix: better(_setTag(record.text, "p", "quarantine")),
      }),
    );
  } else if (record.sp === "none") {
    findings.push(finding("dmarc.policy-none", `${owner} publishes sp=none: subdomains are unprotected`, evidence, {
      fix: better(_setTag(record.text, "sp", record.p)),
    }));
  }
  if (record.pct < 100) {
    findings.push(
      finding(
        "dmarc.pct-partial",
        `pct=${record.pct}: the policy applies to ${record.pct}% of failing mail`,
        evidence,
        {
          fix: better(_setTag(record.text, "pct", undefined)),
        },
      ),
    );
  }
  if (record.rua.length === 0) {
    findings.push(finding("dmarc.no-rua", `${owner}'s DMARC record asks for no aggregate reports`, evidence, {
      fix: better(_setTag(record.text, "rua", `mailto:dmarc-reports@${owner}`)),
    }));
  }
  if (record.adkim === "s" || record.aspf === "s") {
    findings.push(
      finding("dmarc.strict-alignment", `Strict alignment (adkim=${record.adkim}, aspf=${record.aspf})`, evidence),
    );
  }
  findings.push(...await _authorisations(dns, record));
  return { record, fallback, policy, findings };
}

async function _records(dns: DnsClient, domain: string): Promise<{ name: string; texts: string[]; error?: string }> {
  const name = `_dmarc.${domain}`;
  const answer = await dns.query(name, "TXT");
  if (answer.status === "error") return { name, texts: [], error: answer.code };
  const texts = recordsOf(answer).map((t) => t.join("")).filter((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t));
  return { name, texts };
}

/** External report destinations must say they accept reports for this domain (RFC 7489 §7.1). */
async function _authorisations(dns: DnsClient, record: DmarcRecord): Promise<Finding[]> {
  const checks = [...record.rua.map((u) => ["rua", u] as const), ...record.ruf.map((u) => ["ruf", u] as const)]
    .map(([tag, uri]) => ({ tag, uri, dest: /@([^!]+)/.exec(uri)?.[1]?.toLowerCase() }))
    .filter((c): c is { tag: "rua" | "ruf"; uri: string; dest: string } =>
      c.dest !== undefined && orgDomain(c.dest) !== orgDomain(record.domain)
    );
  const results = await Promise.all(checks.map(async (c) => {
    const name = `${record.domain}._report._dmarc.${c.dest}`;
    const answer = await dns.query(name, "TXT");
    const ok = recordsOf(answer).some((t) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(t.join("")));
    if (ok) return undefined;
    if (answer.status === "error") return finding("domain.dns-error", `The lookup of ${name} failed (${answer.code})`);
    return finding(
      "dmarc.rua-unauthorized",
      `${c.tag}=${c.uri}: ${c.dest} has not authorised reports for ${record.domain}, so receivers will not send them`,
      [`${name}: no TXT record starts with v=DMARC1`],
      { fix: txtRecord(name, "v=DMARC1") },
    );
  }));
  return results.filter((f): f is Finding => f !== undefined);
}

/** The record with one tag set (or removed when `value` is undefined), other tags kept in order. */
function _setTag(text: string, tag: string, value: string | undefined): string {
  const pieces = text.split(";").map((p) => p.trim()).filter((p) => p !== "");
  const i = pieces.findIndex((p) => p.split("=")[0]?.trim().toLowerCase() === tag);
  if (value === undefined) {
    if (i !== -1) pieces.splice(i, 1);
  } else if (i === -1) pieces.splice(Math.min(2, pieces.length), 0, `${tag}=${value}`);
  else pieces[i] = `${tag}=${value}`;
  return pieces.join("; ");
}
