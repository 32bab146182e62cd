/**
 * The diagnosis document: what every reporter renders and `--json` prints.
 * Its shape is a contract (`smtpilot.diagnose/1`); add fields, never rename.
 */
import type { ProbeMode, TlsMode } from "./diagnose-options.ts";
import { LAYER_IDS, type LayerId, type LayerResult } from "./layer.ts";
import type { TranscriptEntry } from "./smtp/transcript.ts";

/** Version tag of the JSON document. */
export const DIAGNOSE_SCHEMA = "smtpilot.diagnose/1";

/** The outcome: the first failing layer and its code, or pass. */
export interface Verdict {
  status: "pass" | "fail";
  layer?: LayerId;
  code?: string;
  /** How many warnings the layers carry (a "pass with warnings"); present only when there are some. */
  warnings?: number;
}

/** One diagnosis, start to end. */
export interface DiagnoseReport {
  schema: typeof DIAGNOSE_SCHEMA;
  mode: ProbeMode;
  target: { host: string; port: number; tls: TlsMode };
  layers: LayerResult[];
  verdict: Verdict;
  transcript: TranscriptEntry[];
}

/** Process exit code per failing layer; 0 is pass (warnings allowed), 2 a usage error. */
export const EXIT_CODES: Readonly<Record<LayerId, number>> = {
  dns: 10,
  tcp: 11,
  greeting: 12,
  tls: 13,
  ehlo: 14,
  auth: 15,
  envelope: 16,
};
export { EXIT_INTERNAL, EXIT_USAGE } from "./exit.ts";

/** The verdict of a list of layer results: the first failure wins. */
export function verdictOf(layers: readonly LayerResult[]): Verdict {
  const fail = layers.find((l) => l.status === "fail");
  const warnings = layers.reduce((n, l) => n + l.warnings.length, 0);
  const counted = warnings > 0 ? { warnings } : {};
  return fail
    ? { status: "fail", layer: fail.id, code: fail.diagnosis?.code, ...counted }
    : { status: "pass", ...counted };
}

/** The exit code a report maps to. */
export function exitCodeOf(report: DiagnoseReport): number {
  return report.verdict.layer ? EXIT_CODES[report.verdict.layer] : 0;
}

/** Every layer id, for iteration in contract order. */
export const ALL_LAYERS: readonly LayerId[] = LAYER_IDS;
