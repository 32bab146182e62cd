/**
 * The human rendering of an alignment check: the mode first, the From
 * domain's DMARC modes, one line per identity with its organisational domain
 * and whether it aligns, then the findings and the verdict. The send
 * workflow's preflight prints the same table.
 */
import type { AlignReport, Identity } from "./align.ts";
import { printable } from "../printable.ts";

const _ROLE: Record<Identity["role"], string> = {
  "header-from": "header From",
  "envelope-from": "envelope sender",
  "return-path": "Return-Path",
  "dkim-d": "DKIM d=",
  "auth-user": "AUTH account",
};

/** Renders the alignment report for a terminal. */
export function renderAlignText(report: AlignReport): string {
  const out: string[] = [];
  out.push("Mode: DNS lookups only (no connection to a mail server, no mail)");
  const d = report.dmarc;
  out.push(
    d.record
      ? `DMARC for ${report.fromDomain}: ${d.where} p=${d.policy} adkim=${d.adkim} aspf=${d.aspf}`
      : `DMARC for ${report.fromDomain}: no record (relaxed alignment assumed)`,
  );
  out.push("");
  const rows = report.identities.map((i) => [
    _ROLE[i.role],
    i.value,
    i.orgDomain ?? "(no domain)",
    _aligned(report, i),
  ]);
  const head = ["identity", "value", "organisational domain", "alignment with From"];
  const widths = head.map((h, c) => Math.min(40, Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length))));
  const line = (r: string[]) => `  ${r.map((x, c) => x.padEnd(widths[c] ?? 0)).join("  ")}`.trimEnd();
  out.push(line(head));
  for (const r of rows) out.push(line(r));
  out.push("");
  for (const f of report.findings) {
    out.push(`  ${f.severity.toUpperCase().padEnd(9)}${f.code}  ${f.summary}`);
    if (f.fix) out.push(`           fix: ${f.fix}`);
  }
  out.push("");
  const via = [report.spf.aligned ? "SPF" : "", report.dkim.aligned ? "DKIM" : ""].filter((x) => x !== "");
  out.push(
    report.dmarcCanPass
      ? `Verdict: DMARC can pass through ${via.join(" and ")} alignment (if that method authenticates)`
      : report.spf.aligned === undefined && report.dkim.aligned === undefined
      ? "Verdict: no envelope sender or DKIM domain given: alignment unknown"
      : "Verdict: FAIL: no identity aligns with From, DMARC fails",
  );
  return `${out.map((l) => printable(l, 400)).join("\n")}\n`;
}

function _aligned(report: AlignReport, i: Identity): string {
  if (i.role === "header-from") return "(the reference)";
  if (!i.domain) return "n/a";
  if (i.role === "envelope-from") {
    return report.spf.aligned ? `aligned (SPF, ${report.spf.mode})` : `NOT aligned (SPF, ${report.spf.mode})`;
  }
  if (i.role === "dkim-d") {
    return report.dkim.aligned ? `aligned (DKIM, ${report.dkim.mode})` : `NOT aligned (DKIM, ${report.dkim.mode})`;
  }
  return i.orgDomain === report.identities[0]?.orgDomain ? "same organisation" : "other organisation";
}
