/**
 * The tables of docs/codes.md (and the fixture's scenarios in
 * docs/fixture.md), each rendered from the data the code itself uses: exit
 * codes, diagnosis codes, doctor findings, send gates, domain and alignment findings, bounce
 * reasons. Each table is one generated region of a hand-written page, so the
 * prose around it stays prose and the rows cannot drift from the data.
 */
import { ALIGN_CODES } from "../../core/align/align-codes.ts";
import { REASON_ALIASES, REASON_INFO, REASONS } from "../../core/bounce/reasons.ts";
import { DIAGNOSIS_CODES } from "../../core/codes/diagnosis-codes.ts";
import { DOCTOR_CODES } from "../../core/codes/doctor-codes.ts";
import { EXIT_CODE_TABLE } from "../../core/codes/exit-codes.ts";
import { DOMAIN_CODES } from "../../core/domain/finding.ts";
import { GATE_CODES } from "../../core/send/gates.ts";
import { FIXTURE_SCENARIOS } from "../../fixtures/scenarios.ts";
import { cell, code, table } from "./markdown.ts";

/** One table: its region name in the pages, where its data lives, and how it is drawn. */
export interface CodeTable {
  name: string;
  /** The file to edit to change the table. */
  source: string;
  render(): string;
}

/** Diagnosis codes of one kind; neighbours sharing a meaning share a row (`tls.timeout`, `tls.protocol-error`…). */
function _diagnosis(kind: "failure" | "warning"): string {
  const rows: { codes: string[]; meaning: string }[] = [];
  for (const e of DIAGNOSIS_CODES.filter((x) => x.kind === kind)) {
    const last = rows.at(-1);
    if (last?.meaning === e.meaning) last.codes.push(e.code);
    else rows.push({ codes: [e.code], meaning: e.meaning });
  }
  return table(["code", "what it means"], rows.map((r) => [r.codes.map(code).join(", "), cell(r.meaning)]));
}

/** Finding codes with their usual severity. */
function _findings(codes: Readonly<Record<string, readonly [string, string]>>): string {
  return table(
    ["code", "severity", "what it means"],
    Object.entries(codes).map(([c, [severity, meaning]]) => [code(c), severity, cell(meaning)]),
  );
}

/** Every generated table. */
export const CODE_TABLES: readonly CodeTable[] = [
  {
    name: "exit-codes",
    source: "core/codes/exit-codes.ts",
    render: () => table(["code", "meaning"], EXIT_CODE_TABLE.map((e) => [e.codes.join(", "), cell(e.meaning)])),
  },
  { name: "diagnosis-codes", source: "core/codes/diagnosis-codes.ts", render: () => _diagnosis("failure") },
  { name: "diagnosis-warnings", source: "core/codes/diagnosis-codes.ts", render: () => _diagnosis("warning") },
  {
    name: "gate-codes",
    source: "core/send/gates.ts",
    render: () =>
      table(
        ["gate (exit 4, nothing sent)", "refused because"],
        Object.entries(GATE_CODES).map(([c, m]) => [code(c), cell(m)]),
      ),
  },
  { name: "domain-codes", source: "core/domain/finding.ts", render: () => _findings(DOMAIN_CODES) },
  {
    name: "doctor-codes",
    source: "core/codes/doctor-codes.ts",
    render: () =>
      table(
        ["code", "severity", "what it means"],
        DOCTOR_CODES.map((c) => [code(c.code), c.severity, cell(c.meaning)]),
      ),
  },
  { name: "align-codes", source: "core/align/align-codes.ts", render: () => _findings(ALIGN_CODES) },
  {
    name: "bounce-reasons",
    source: "core/bounce/reason-info.ts",
    render: () =>
      table(
        ["reason", "meaning", "hard", "action"],
        REASONS.map((r) => {
          const info = REASON_INFO[r];
          return [code(r), cell(info.meaning), info.hard ? "yes" : "", code(info.recommended)];
        }),
      ),
  },
  {
    name: "bounce-aliases",
    source: "core/bounce/reason-types.ts",
    render: () =>
      table(["older name", "reason now"], Object.entries(REASON_ALIASES).map(([o, n]) => [code(o), code(n)])),
  },
  {
    name: "fixture-scenarios",
    source: "fixtures/scenarios.ts",
    render: () =>
      table(
        ["scenario", "tls", "needs", "diagnose gives", "message", "what it is"],
        FIXTURE_SCENARIOS.map((s) => [
          code(s.name),
          s.tls,
          s.needs.length === 0 ? "-" : s.needs.map(code).join(", "),
          s.warning === undefined ? code(s.expect) : `${code(s.expect)} (warns ${code(s.warning)})`,
          s.message,
          cell(s.summary),
        ]),
      ),
  },
];
