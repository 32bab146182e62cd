/**
 * The default, human reporter: the mode first, one line per layer, the
 * diagnosis of the failing layer (code, cause, next move), then the verdict.
 */
import type { LayerResult } from "../layer.ts";
import type { RenderOptions, Reporter } from "../reporter.ts";
import { sanitize } from "../printable.ts";
import type { DiagnoseReport } from "../report.ts";

const _MODE_TEXT: Record<DiagnoseReport["mode"], string> = {
  "connectivity-probe": "connectivity probe (no credentials, no mail)",
  "auth-probe": "auth probe (credentials, no mail)",
};

const _MARK: Record<LayerResult["status"], string> = { pass: "PASS", warn: "WARN", fail: "FAIL", skip: "SKIP" };

/** Renders a report for a terminal. */
export function renderText(report: DiagnoseReport, options: RenderOptions): string {
  const out: string[] = [];
  const v = report.verdict;
  const { host, port, tls } = report.target;
  out.push(`Mode: ${_MODE_TEXT[report.mode]}`);
  out.push(`Target: ${host} port ${port}, tls ${tls}`);
  out.push("");
  for (const layer of report.layers) {
    const ms = layer.status === "skip" ? "" : `${layer.ms} ms`;
    const detail = layer.status === "skip"
      ? String(layer.facts.reason ?? "")
      : layer.diagnosis?.summary ?? String(layer.facts.summary ?? "");
    out.push(`  ${_MARK[layer.status]}  ${layer.id.padEnd(9)}${ms.padStart(8)}  ${detail}`);
    for (const w of layer.warnings) out.push(`              warning ${w.code}: ${w.summary}`);
    if (layer.diagnosis) {
      out.push(`              code:  ${layer.diagnosis.code}`);
      out.push(`              cause: ${layer.diagnosis.cause}`);
      out.push(`              next:  ${layer.diagnosis.next}`);
    }
  }
  out.push("");
  const warnings = v.warnings ?? report.layers.reduce((n, l) => n + l.warnings.length, 0);
  const passLine = warnings === 0
    ? "Verdict: PASS"
    : `Verdict: PASS with ${warnings} warning${warnings === 1 ? "" : "s"}`;
  out.push(v.status === "pass" ? passLine : `Verdict: FAIL at ${v.layer} (${v.code})`);
  if (options.transcript) {
    out.push("", "Transcript (credentials redacted):");
    for (const e of report.transcript) {
      out.push(`  ${String(e.t).padStart(6)} ms ${e.dir === "*" ? "*" : e.dir === "C" ? "C:" : "S:"} ${e.text}`);
    }
  }
  // Every line through sanitize: certificate subjects, replies and the transcript are the server's text.
  return `${out.map(sanitize).join("\n")}\n`;
}

/** The text reporter, registered by default. */
export const textReporter: Reporter = { name: "text", render: renderText };
