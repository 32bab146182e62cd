/**
 * The vocabulary every layer speaks: its id, the four statuses, the diagnosis
 * of a failure and the warnings a passing layer may carry.
 *
 * Findings are data, not exceptions: a layer always returns a LayerResult.
 */

/** The layers of an SMTP submission path, in their default order. */
export const LAYER_IDS = ["dns", "tcp", "greeting", "tls", "ehlo", "auth", "envelope"] as const;

/** One layer of the submission path. */
export type LayerId = (typeof LAYER_IDS)[number];

/** What a layer proved: pass, pass with warnings, fail, or did not run. */
export type LayerStatus = "pass" | "warn" | "fail" | "skip";

/**
 * Why a layer failed, stated for a human: a stable kebab-case `code` prefixed by
 * the layer (`tls.cert-expired`), a one-line summary, the cause in one sentence
 * and the one next move.
 */
export interface Diagnosis {
  code: string;
  summary: string;
  cause: string;
  next: string;
}

/** Something worth knowing about a layer that still passed (`tls.cert-expiring-soon`). */
export interface Warning {
  code: string;
  summary: string;
}

/** Plain JSON facts a layer observed (addresses, protocol, capabilities…). */
export type Facts = Record<string, unknown>;

/** What one layer reports: the unit of every diagnosis document. */
export interface LayerResult {
  id: LayerId;
  status: LayerStatus;
  ms: number;
  facts: Facts;
  diagnosis?: Diagnosis;
  warnings: Warning[];
}

/** Builds a passing (or warning) result; status becomes `warn` when warnings exist. */
export function passed(id: LayerId, ms: number, facts: Facts, warnings: Warning[] = []): LayerResult {
  return { id, status: warnings.length > 0 ? "warn" : "pass", ms, facts, warnings };
}

/** Builds a failing result carrying its diagnosis. */
export function failed(
  id: LayerId,
  ms: number,
  facts: Facts,
  diagnosis: Diagnosis,
  warnings: Warning[] = [],
): LayerResult {
  // Keep the documented diagnosis shape exactly; which knowledge rule matched is a fact.
  const { code, summary, cause, next, rule } = diagnosis as Diagnosis & { rule?: string };
  return {
    id,
    status: "fail",
    ms,
    facts: rule === undefined ? facts : { ...facts, replyRule: rule },
    diagnosis: { code, summary, cause, next },
    warnings,
  };
}

/** Builds a skipped result; `reason` says what blocked it or why it does not apply. */
export function skipped(id: LayerId, reason: string, facts: Facts = {}): LayerResult {
  return { id, status: "skip", ms: 0, facts: { reason, ...facts }, warnings: [] };
}
