/**
 * A doctor finding: a stable code, how bad it is, what it means, the lines
 * of the file it comes from, and the fix — in the framework's own terms
 * when there is one (the lines to write), else in words. Findings are data;
 * the catalogue of codes is core/codes/doctor-codes.ts.
 */
import type { FixLine } from "./framework.ts";

/** How bad: `error` breaks sending (or would), `warning` may, `info` is worth knowing. */
export type Severity = "error" | "warning" | "info";

/** Where a finding comes from: a key of the settings, on its line. */
export interface FindingSource {
  key: string;
  line?: number;
}

/** A fix: what to do, and the lines to write when the framework has them. */
export interface Fix {
  text: string;
  lines: FixLine[];
}

/** One finding. */
export interface Finding {
  code: string;
  severity: Severity;
  /** One line: what is wrong. */
  summary: string;
  /** Why it breaks (or may break) sending, in a sentence or two. */
  cause: string;
  from: FindingSource[];
  fix?: Fix;
  /** Another way to fix it (keep the TLS mode and change the port instead). */
  alternative?: Fix;
  /** Dated knowledge behind the finding (a cloud provider's published policy). */
  sources?: { title: string; url: string; asOf: string }[];
}

/** The source list of fields that may be absent or defaulted (a default has no line to point at). */
export function sources(...fields: ({ key: string; line?: number; defaulted?: true } | undefined)[]): FindingSource[] {
  return fields
    .filter((f): f is { key: string; line?: number } => f !== undefined)
    .map((f) => ({ key: f.key, ...(f.line !== undefined ? { line: f.line } : {}) }));
}

/** Errors first, then warnings, then notes; in file order within each. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...findings].sort((a, b) =>
    rank[a.severity] - rank[b.severity] || (a.from[0]?.line ?? 1e9) - (b.from[0]?.line ?? 1e9)
  );
}
