/**
 * SPF findings for a domain: from its include/redirect tree (record count,
 * syntax, limits, loops, missing includes, `all` handling, ptr, size,
 * macros) and, when a client IP is given, from check_host() with its trace.
 * Fixes are derived where the record to publish follows from what is there.
 */
import type { DnsClient } from "./dns.ts";
import { type Finding, finding, txtRecord } from "./finding.ts";
import { checkSpf, domainProblem, SPF_LOOKUP_LIMIT, SPF_VOID_LIMIT, type SpfCheckResult } from "./spf-check.ts";
import { type SpfMechanism, type SpfRecord } from "./spf-record.ts";
import { type SpfNode, spfTree, treeNodes } from "./spf-tree.ts";

/** What the SPF part of an audit found. */
export interface SpfAudit {
  /** The include/redirect tree; absent when the domain is not a domain name (a replayed identity). */
  tree?: SpfNode;
  /** DNS-querying terms in the whole tree, as a receiver counts them for a server that matches nothing. */
  lookups: number;
  voidLookups: number;
  findings: Finding[];
  /** check_host() for `--ip`, when given. */
  check?: SpfCheckResult;
}

/** RFC 7208 §3.4: keep records under this many bytes so the answer fits a 512-byte UDP message. */
export const SPF_RECORD_BYTES = 450;

/** Audits the SPF of `domain`; with `ip`, also evaluates it for that client. */
export async function auditSpf(
  dns: DnsClient,
  domain: string,
  client?: { ip: string; sender?: string; helo?: string },
): Promise<SpfAudit> {
  const problem = domainProblem(domain);
  if (problem !== undefined) return _identityOnly(dns, domain, problem, client);
  const [tree, check] = await Promise.all([
    spfTree(dns, domain),
    client === undefined ? undefined : checkSpf(
      { ip: client.ip, sender: client.sender ?? `postmaster@${domain}`, helo: client.helo ?? domain },
      { dns },
    ),
  ]);
  const nodes = treeNodes(tree);
  const lookups = nodes.reduce((n, x) => n + x.lookups, 0);
  const voids = nodes.flatMap((x) => x.voids.map((v) => ({ ...v, node: x })));
  const findings: Finding[] = [];
  const chainOf = (n: SpfNode) => `chain: ${n.chain.join(" → ")}`;
  const recordOf = (n: SpfNode) => `${n.domain} TXT ${JSON.stringify(n.text ?? "")}`;

  if (tree.status === "none") {
    findings.push(
      finding("spf.none", `${domain} publishes no SPF record`, [`${domain}: no TXT record starts with v=spf1`], {
        fix: txtRecord(domain, "v=spf1 mx ~all"),
      }),
    );
  }
  if (tree.status === "multiple") {
    findings.push(finding(
      "spf.multiple-records",
      `${domain} publishes ${tree.texts?.length} SPF records; receivers treat that as a permanent error`,
      (tree.texts ?? []).map((t) => `${domain} TXT ${JSON.stringify(t)}`),
      { fix: txtRecord(domain, mergeRecords(tree.texts ?? [])) },
    ));
  }
  for (const n of nodes) _nodeFindings(n, n === tree, findings, chainOf, recordOf);
  if (lookups > SPF_LOOKUP_LIMIT) {
    findings.push(finding(
      "spf.lookup-limit",
      `The SPF tree of ${domain} needs ${lookups} DNS-querying terms; the limit is ${SPF_LOOKUP_LIMIT}, so receivers return permerror`,
      nodes.filter((n) => n.lookups > 0).map((n) => `${n.chain.join(" → ")}: ${n.lookups}`),
    ));
  } else if (lookups >= SPF_LOOKUP_LIMIT - 1) {
    findings.push(finding(
      "spf.lookups-near-limit",
      `The SPF tree of ${domain} needs ${lookups} of the ${SPF_LOOKUP_LIMIT} DNS-querying terms allowed`,
      nodes.filter((n) => n.lookups > 0).map((n) => `${n.chain.join(" → ")}: ${n.lookups}`),
    ));
  }
  for (const v of voids) {
    findings.push(finding(
      "spf.void-lookup",
      v.family === undefined
        ? `${v.term} looks up ${v.name}, which has no records`
        : `${v.term} looks up ${v.name}, which has only ${
          v.family === "ipv4" ? "IPv6 (AAAA)" : "IPv4 (A)"
        } addresses: a void lookup for every ${v.family === "ipv4" ? "IPv4" : "IPv6"} sender`,
      [recordOf(v.node), chainOf(v.node)],
    ));
  }
  // A receiver counts voids for the client in front of it: an A-less name is void for IPv4 senders only.
  const worst = (["ipv4", "ipv6"] as const)
    .map((family) => ({ family, voids: voids.filter((v) => v.family === undefined || v.family === family) }))
    .sort((x, y) => y.voids.length - x.voids.length)[0];
  const familyOnly = worst !== undefined && worst.voids.some((v) => v.family !== undefined);
  if (worst !== undefined && worst.voids.length > SPF_VOID_LIMIT) {
    findings.push(finding(
      "spf.void-lookup-limit",
      `${worst.voids.length} terms look up names without records${
        familyOnly ? ` for ${worst.family === "ipv4" ? "IPv4" : "IPv6"} senders` : ""
      }; more than ${SPF_VOID_LIMIT} is a permerror`,
      worst.voids.map((v) => `${v.node.domain}: ${v.term}`),
    ));
  }
  if (check) findings.push(..._checkFindings(check, client?.ip ?? ""));
  return { tree, lookups, voidLookups: worst?.voids.length ?? 0, findings, ...(check ? { check } : {}) };
}

/**
 * A replayed identity whose domain is not a domain name (an empty or
 * over-long label, a domain literal, a bare HELO word): check_host() gives
 * `none` without a lookup (RFC 7208 §4.3), so there is no tree to walk.
 */
async function _identityOnly(
  dns: DnsClient,
  domain: string,
  problem: string,
  client?: { ip: string; sender?: string; helo?: string },
): Promise<SpfAudit> {
  const check = client === undefined
    ? undefined
    : await checkSpf({ ip: client.ip, sender: client.sender ?? "", helo: client.helo ?? domain }, { dns });
  const findings = [
    finding(
      "spf.identity-invalid",
      `${
        JSON.stringify(domain)
      } is not a domain name (${problem}): check_host() returns none without a lookup (RFC 7208 §4.3)`,
      [
        ...(client?.sender !== undefined ? [`MAIL FROM ${JSON.stringify(client.sender)}`] : []),
        ...(client?.helo !== undefined ? [`HELO ${JSON.stringify(client.helo)}`] : []),
      ],
    ),
    ...(check ? _checkFindings(check, client?.ip ?? "") : []),
  ];
  return { lookups: 0, voidLookups: 0, findings, ...(check ? { check } : {}) };
}

function _nodeFindings(
  n: SpfNode,
  root: boolean,
  out: Finding[],
  chainOf: (n: SpfNode) => string,
  recordOf: (n: SpfNode) => string,
): void {
  const viaRedirect = n.via.toLowerCase().startsWith("redirect");
  const ours = root || (viaRedirect && n.chain.length === 2);
  if (n.status === "syntax" && n.syntax) {
    const s = n.syntax;
    out.push(finding(
      "spf.syntax",
      `SPF syntax error in ${n.domain} at column ${s.position + 1} (${JSON.stringify(s.term)}): ${s.message}`,
      [recordOf(n), `${" ".repeat(n.domain.length + 5)}${" ".repeat(s.position)}^`, chainOf(n)],
    ));
  }
  if (n.status === "loop") {
    out.push(finding("spf.include-loop", `${n.via} in ${n.chain.at(-2)} leads back to ${n.domain}`, [chainOf(n)]));
  }
  if (!root && (n.status === "none" || n.status === "malformed")) {
    out.push(finding(
      viaRedirect ? "spf.redirect-missing" : "spf.include-missing",
      `${n.via} in ${n.chain.at(-2)} names ${n.domain}, which has no SPF record: receivers return permerror`,
      [chainOf(n)],
    ));
  }
  if (!root && n.status === "multiple") {
    out.push(finding("spf.multiple-records", `${n.domain} (reached by ${n.via}) publishes several SPF records`, [
      ...(n.texts ?? []).map((t) => `${n.domain} TXT ${JSON.stringify(t)}`),
      chainOf(n),
    ]));
  }
  if (n.status === "dns-error") {
    out.push(finding("domain.dns-error", `The TXT lookup of ${n.domain} failed (${n.dnsError})`, [chainOf(n)]));
  }
  const record = n.record;
  if (!record) return;
  const mechs = record.terms.filter((t): t is SpfMechanism => t.kind === "mechanism");
  const allIndex = mechs.findIndex((m) => m.name === "all");
  const all = mechs[allIndex];
  if (all && all.qualifier === "+") {
    out.push(finding(
      "spf.all-pass",
      `${n.domain} ends with ${all.text}: any server may send as ${n.chain[0]}`,
      [recordOf(n), chainOf(n)],
      ours ? { fix: txtRecord(n.domain, _replaceTerm(record, all.text, "~all")) } : {},
    ));
  }
  if (ours && all && all.qualifier === "?") {
    out.push(finding("spf.all-neutral", `${n.domain} ends with ?all: unlisted servers get neutral`, [recordOf(n)], {
      fix: txtRecord(n.domain, _replaceTerm(record, all.text, "~all")),
    }));
  }
  if (ours && !all && !record.redirect) {
    out.push(finding("spf.no-all", `${n.domain}'s record has no all and no redirect: unlisted servers get neutral`, [
      recordOf(n),
    ], { fix: txtRecord(n.domain, `${record.text.trimEnd()} ~all`) }));
  }
  if (all && allIndex < mechs.length - 1) {
    out.push(
      finding("spf.after-all", `${n.domain} has terms after ${all.text} that are never evaluated`, [recordOf(n)]),
    );
  }
  if (all && record.redirect) {
    out.push(
      finding(
        "spf.redirect-ignored",
        `${n.domain} has both ${all.text} and ${record.redirect.text}; the redirect is ignored`,
        [
          recordOf(n),
        ],
      ),
    );
  }
  for (const m of mechs.filter((m) => m.name === "ptr")) {
    out.push(finding(
      "spf.ptr",
      `${n.domain} uses ${m.text}, which RFC 7208 says not to use`,
      [recordOf(n), chainOf(n)],
      ours ? { fix: txtRecord(n.domain, _replaceTerm(record, m.text, "")) } : {},
    ));
  }
  for (const o of n.mxOver) {
    out.push(
      finding("spf.mx-limit", `${o.term} in ${n.domain} names ${o.hosts} MX hosts; at most 10 may be looked up`, [
        recordOf(n),
        chainOf(n),
      ]),
    );
  }
  if (ours && new TextEncoder().encode(record.text).length > SPF_RECORD_BYTES) {
    out.push(finding("spf.record-too-long", `${n.domain}'s SPF record is ${record.text.length} bytes`, [recordOf(n)]));
  }
  if (n.dynamic) {
    out.push(finding("spf.macro", `${n.domain} uses macros; those terms depend on the sender and were not followed`, [
      recordOf(n),
    ]));
  }
}

function _checkFindings(check: SpfCheckResult, ip: string): Finding[] {
  const errored = check.result === "permerror" || check.result === "temperror";
  const decided = errored ? undefined : check.trace.filter((t) => t.outcome === "match").at(-1);
  const evidence = [
    `check_host(${ip}, ${check.domain}) = ${check.result}${check.problem ? ` (${check.problem})` : ""}`,
    ...(decided ? [`decided by ${decided.term} in ${decided.domain}`] : []),
  ];
  switch (check.result) {
    case "pass":
      return [finding("spf.ip-authorized", `${ip} may send for ${check.domain} (SPF pass)`, evidence)];
    case "fail":
      return [
        finding("spf.ip-not-authorized", `${ip} is not authorised to send for ${check.domain} (SPF fail)`, evidence),
      ];
    case "softfail":
    case "neutral":
    case "none":
      return [finding(
        "spf.ip-not-authorized",
        `${ip} is not authorised to send for ${check.domain} (SPF ${check.result})`,
        evidence,
        { severity: "warning" },
      )];
    case "permerror":
      return [finding("spf.permerror", `SPF for ${check.domain} ends in permerror: ${check.problem}`, evidence)];
    case "temperror":
      return [finding("spf.temperror", `SPF for ${check.domain} ends in temperror: ${check.problem}`, evidence)];
  }
}

function _replaceTerm(record: SpfRecord, term: string, by: string): string {
  return record.text.split(" ").map((t) => (t === term ? by : t)).filter((t) => t !== "").join(" ");
}

/** One record from several: their terms in order without duplicates, one `all` at the end (the first found). */
export function mergeRecords(texts: readonly string[]): string {
  const terms: string[] = [];
  let all: string | undefined;
  for (const text of texts) {
    for (const t of text.split(" ").slice(1)) {
      if (t === "") continue;
      if (/^[-+~?]?all$/i.test(t)) all ??= t;
      else if (!terms.some((x) => x.toLowerCase() === t.toLowerCase())) terms.push(t);
    }
  }
  return ["v=spf1", ...terms, all ?? "~all"].join(" ");
}
