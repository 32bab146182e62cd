/**
 * The human rendering of a domain audit: the mode first, the SPF verdict
 * for `--ip` when there is one, findings by severity (errors first) each
 * with its evidence and the record to publish, the SPF include tree with its
 * lookup count, then the verdict. Every line that holds DNS data is
 * sanitized and bounded: records are untrusted input.
 */
import type { DomainReport, SpfTreeView } from "../domain/audit.ts";
import type { Finding } from "../domain/finding.ts";
import { printable } from "../printable.ts";

const _ORDER: Record<Finding["severity"], number> = { error: 0, warning: 1, info: 2 };
const _MARK: Record<Finding["severity"], string> = { error: "ERROR", warning: "WARN ", info: "INFO " };

/** Renders the audit for a terminal. */
export function renderDomainText(report: DomainReport): string {
  const out: string[] = [];
  out.push(_modeLine(report));
  out.push(`Domain: ${report.domain} (organisational domain ${report.orgDomain})`);
  if (report.checks.length < 8) out.push(`Checks: ${report.checks.join(", ")}`);
  if (report.delivery) _delivery(report.delivery, out);
  if (report.spf) {
    const errored = report.spf.result === "permerror" || report.spf.result === "temperror";
    const decided = errored ? undefined : report.spf.trace.filter((t) => t.outcome === "match").at(-1);
    out.push(
      `SPF for the given IP: ${report.spf.result}${decided ? ` (matched ${decided.term} in ${decided.domain})` : ""}`,
    );
    if (report.spf.explanation) out.push(`  explanation: ${report.spf.explanation}`);
  }
  out.push("");
  const sorted = [...report.findings].sort((a, b) => _ORDER[a.severity] - _ORDER[b.severity]);
  for (const f of sorted) {
    out.push(`  ${_MARK[f.severity]}  ${f.code}  ${f.summary}`);
    for (const e of f.evidence.slice(0, 12)) out.push(`           ${e}`);
    if (f.evidence.length > 12) out.push(`           … ${f.evidence.length - 12} more`);
    if (f.fix) out.push(`           fix: ${f.fix}`);
  }
  out.push("");
  if (report.spfTree) {
    out.push(
      `SPF tree: ${report.spfTree.lookups} of 10 DNS-querying terms, ${report.spfTree.voidLookups} void lookups`,
    );
    _tree(report.spfTree.tree, 1, out);
    out.push("");
  }
  const { errors, warnings, info } = report.summary;
  const counts = `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${
    warnings === 1 ? "" : "s"
  }, ${info} info`;
  out.push(
    `Verdict: ${errors > 0 ? "FAIL" : "PASS"} (${counts}); ${report.dns.queries} DNS queries in ${report.dns.ms} ms`,
  );
  return `${out.map((line) => printable(line, 400)).join("\n")}\n`;
}

/** The mode first: what this run contacted, and what it did not. */
function _modeLine(report: DomainReport): string {
  if (report.mode === "dns-lookups") return "Mode: DNS lookups only (no connection to a mail server, no mail)";
  const d = report.delivery;
  const policy = !d?.policyFetched
    ? "MTA-STS policy not fetched (add --fetch-policy)"
    : report.reaches?.some((r) => r.startsWith("https:"))
    ? `MTA-STS policy fetched over HTTPS from mta-sts.${report.domain}`
    : "no MTA-STS record, so no policy to fetch";
  return `Mode: connectivity probe — DNS, then EHLO/STARTTLS/QUIT to each MX on port ${
    d?.port ?? 25
  } (no mail); ${policy}`;
}

/** One line per MX: the verdict of a sender enforcing MTA-STS and DANE, the policy that decides it, and why. */
function _delivery(d: NonNullable<DomainReport["delivery"]>, out: string[]): void {
  out.push(`MX records: DNSSEC ${d.mxDnssec}${d.mtaSts ? `; MTA-STS policy mode ${d.mtaSts.mode}` : ""}`);
  for (const h of d.hosts) {
    const policy = h.policy === "dane" ? "DANE" : h.policy === "mta-sts" ? "MTA-STS" : "opportunistic TLS";
    const verdict = h.verdict === "deliver" ? "DELIVER" : h.verdict === "defer" ? "DEFER" : "UNKNOWN";
    out.push(`  MX ${h.priority} ${h.host}${h.address ? ` (${h.address})` : ""}: ${verdict} under ${policy}`);
    for (const why of h.because) out.push(`      because ${why}`);
  }
}

function _tree(node: SpfTreeView, depth: number, out: string[]): void {
  const pad = "  ".repeat(depth);
  const head = node.via === "" ? node.domain : `${node.via} → ${node.domain}`;
  const detail = node.record !== undefined ? node.record : `(${node.status})`;
  out.push(`${pad}${head}: ${detail}${node.lookups > 0 ? `  [${node.lookups}]` : ""}`);
  for (const child of node.children) _tree(child, depth + 1, out);
}
