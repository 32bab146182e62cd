/**
 * A batch of domain audits as a table, one row per domain as each audit
 * finishes: the verdict, error and warning counts, the SPF record's state,
 * the DMARC policy that applies, the MX host count and the codes to look at.
 * Rows hold DNS data, so every one is sanitized and bounded.
 */
import type { DomainReport } from "../domain/audit.ts";
import type { BatchSummary } from "../domain/batch.ts";
import { printable } from "../printable.ts";

const _WIDTHS = [32, 8, 4, 5, 10, 11] as const;

/** The header row and the mode line above it. */
export function tableHeader(): string {
  return `Mode: DNS lookups only (no connection to a mail server, no mail)\n${
    _row(["DOMAIN", "VERDICT", "ERR", "WARN", "SPF", "DMARC", "FINDINGS (errors, then warnings)"])
  }\n`;
}

/** One domain's row. */
export function tableRow(report: DomainReport): string {
  const codes = (
    severity: string,
  ) => [...new Set(report.findings.filter((f) => f.severity === severity).map((f) => f.code))];
  // A replayed check shows its check_host() result; an audit, the state of the record.
  const spf = report.spf?.result ?? report.spfTree?.tree.status ??
    (report.findings.some((f) => f.code === "spf.none") ? "none" : "-");
  const dmarc = report.dmarc?.policy ??
    (report.findings.some((f) => f.code === "dmarc.none") ? "none" : report.checks.includes("dmarc") ? "?" : "-");
  return `${
    _row([
      report.domain,
      report.summary.errors > 0 ? "FAIL" : "PASS",
      String(report.summary.errors),
      String(report.summary.warnings),
      spf,
      dmarc,
      [...codes("error"), ...codes("warning")].join(" ") || "-",
    ])
  }\n`;
}

/** The closing line: counts and DNS work for the whole batch. */
export function tableFooter(summary: BatchSummary): string {
  return `\n${summary.domains} domain${summary.domains === 1 ? "" : "s"}: ${summary.failed} FAIL, ${
    summary.domains - summary.failed
  } PASS${
    summary.unanswered > 0 ? ` (${summary.unanswered} without any DNS answer)` : ""
  }; ${summary.queries} DNS queries in ${summary.ms} ms\n`;
}

function _row(cells: readonly string[]): string {
  return printable(
    cells.map((c, i) => {
      const w = _WIDTHS[i];
      return w === undefined ? c : c.length >= w ? `${c.slice(0, w - 2)}… ` : c.padEnd(w);
    }).join(" ").trimEnd(),
    600,
  );
}
