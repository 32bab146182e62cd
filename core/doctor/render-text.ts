/**
 * The doctor report for a person, readable in ten seconds: the mode and
 * what it contacts first, the lines read (no secret), the findings with
 * their fix lines, the sweep one port a line, the diagnosis of the chosen
 * path in one line (its cause and next move when it fails), the next move,
 * and the verdict. Every line passes sanitize(): values come from a file and
 * from servers.
 */
import type { DoctorReport } from "./doctor-report.ts";
import type { Finding } from "./finding.ts";
import type { FixLine } from "./framework.ts";
import { sanitize } from "../printable.ts";

const _MODE: Record<DoctorReport["mode"], string> = {
  "settings-check": "settings check (offline: no DNS query, no connection)",
  "connectivity-probe": "settings check, then connectivity probes (no credentials, no mail)",
  "auth-probe": "settings check, connectivity probes, then one auth probe (credentials, no mail)",
};

const _SEVERITY: Record<Finding["severity"], string> = { error: "ERROR", warning: "WARN ", info: "NOTE " };

/** The mode line and what will be contacted (also shown on its own before the network). */
export function renderDoctorMode(report: Pick<DoctorReport, "mode" | "contacts">): string {
  const [first, ...rest] = report.contacts;
  const lines = [
    `Mode: ${_MODE[report.mode]}`,
    ..._wrap(first ?? "nothing", "  contacts: ", "              "),
    ...rest.flatMap((c) => _wrap(c, "            ", "              ")),
  ];
  return `${lines.map(sanitize).join("\n")}\n\n`;
}

/** The whole report; `withMode` false when the mode line was already shown. */
export function renderDoctorText(report: DoctorReport, options: { withMode?: boolean } = {}): string {
  const out: string[] = [];
  const s = report.settings;
  if (s) {
    out.push(`Read: ${s.title}${s.file ? ` settings in ${s.file}` : ""}${s.section ? ` (under ${s.section})` : ""}`);
    for (const l of s.lines) out.push(`  line ${String(l.line).padEnd(4)} ${l.key}=${l.shown}`);
    if (s.lines.length === 0 && s.host) out.push(`  ${s.host}${s.port ? `:${s.port}` : ""}`);
  }
  if (report.findings.length > 0) {
    out.push("", "Findings:");
    for (const f of report.findings) out.push(..._finding(f));
  }
  if (report.sweep) {
    out.push(
      "",
      `Sweep of ${report.sweep.host} (${
        Math.round(report.sweep.timeoutMs / 100) / 10
      } s per step, one connection per port):`,
    );
    for (const p of report.sweep.ports) {
      out.push(`  ${String(p.port).padEnd(6)}${p.summary.padEnd(44)}${String(p.ms).padStart(6)} ms`);
    }
  }
  const d = report.diagnosis;
  const path = report.path;
  if (d && path) {
    const why = path.why === "settings"
      ? "the settings' own path"
      : path.why === "corrected"
      ? "the settings' port, with the TLS mode it speaks"
      : "the port that works";
    out.push("", `Diagnosis of ${path.host} port ${path.port} (${path.tls}), ${why} — ${d.mode}:`);
    const ran = d.layers.filter((l) => l.status !== "skip").map((l) =>
      `${l.id}${l.status === "warn" ? " (warn)" : ""}`
    );
    const failing = d.layers.find((l) => l.status === "fail");
    if (!failing) out.push(`  PASS  ${ran.join(" ")}`);
    else {
      out.push(`  FAIL at ${failing.id} (${failing.diagnosis?.code ?? "?"}): ${failing.diagnosis?.summary ?? ""}`);
      if (failing.diagnosis) out.push(`        cause: ${failing.diagnosis.cause}`);
    }
  }
  out.push("", `Next: ${report.next.text}`);
  for (const l of report.next.lines) out.push(`  ${_fixLine(l)}`);
  if (report.next.command) out.push(`  ${report.next.command}`);
  const v = report.verdict;
  out.push("", v.status === "pass" ? "Verdict: PASS" : `Verdict: FAIL${v.code ? ` (${v.code})` : ""}`);
  const body = `${out.map(sanitize).join("\n")}\n`;
  return options.withMode === false ? body : `${renderDoctorMode(report)}${body}`;
}

function _finding(f: Finding): string[] {
  const where = [...new Set(f.from.filter((x) => x.line !== undefined).map((x) => x.line))];
  const lines = [
    `  ${_SEVERITY[f.severity]}  ${f.code}${
      where.length ? `  (line${where.length > 1 ? "s" : ""} ${where.join(", ")})` : ""
    }`,
  ];
  lines.push(..._wrap(f.summary, "         ", "         "));
  if (f.severity === "error") lines.push(..._wrap(f.cause, "         ", "         "));
  if (f.fix) {
    lines.push(`         fix: ${f.fix.text}${f.fix.lines.length ? ":" : ""}`);
    for (const l of f.fix.lines) lines.push(`           ${_fixLine(l)}`);
  }
  if (f.alternative && f.alternative.lines.length > 0) {
    lines.push(`         ${f.alternative.text}:`);
    for (const l of f.alternative.lines) lines.push(`           ${_fixLine(l)}`);
  }
  const src = f.sources ?? [];
  if (src.length === 1) lines.push(`         source: ${src[0]?.title}, ${src[0]?.url} (as of ${src[0]?.asOf})`);
  else if (src.length > 1) {
    lines.push(`         sources: ${src.map((x) => x.title).join(", ")} (as of ${src[0]?.asOf}; links in --json)`);
  }
  return lines;
}

/** Text cut at word ends into lines of at most 100 columns, the first after `lead`, the rest after `indent`. */
function _wrap(text: string, lead: string, indent: string, width = 100): string[] {
  const out: string[] = [];
  let line = lead;
  for (const word of text.split(" ")) {
    const fresh = line === lead || line === indent;
    if (!fresh && line.length + 1 + word.length > width) {
      out.push(line);
      line = indent + word;
    } else line += (fresh ? "" : " ") + word;
  }
  out.push(line);
  return out;
}

function _fixLine(l: FixLine): string {
  const where = l.line !== undefined ? `line ${l.line}` : "add";
  return `${where.padEnd(9)} ${l.text}${l.note ? `    (${l.note})` : ""}`;
}
