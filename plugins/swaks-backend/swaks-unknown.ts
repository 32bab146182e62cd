/**
 * What swaks cannot tell, said as such: a `<layer>.unknown` result instead of
 * a guessed code, plus the "skipped" entries for layers that never ran and
 * swaks' exit codes by stage (for the transcript and the facts).
 */
import {
  type Diagnosis,
  type Facts,
  failed,
  LAYER_IDS,
  type LayerId,
  type LayerResult,
  skipped,
} from "../../core/layer.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";

/** The diagnosis for a layer swaks could not observe; `what` says what it could not see. */
export function unknownDiagnosis(layer: LayerId, what: string): Diagnosis {
  return {
    code: `${layer}.unknown`,
    summary: `swaks cannot tell: ${what}`,
    cause:
      "The swaks backend only knows what swaks prints and its exit status; this part of the session is not visible there, so smtpilot does not guess.",
    next: "Re-run without --backend swaks: smtpilot's own client observes this layer directly.",
  };
}

/** A failed layer whose outcome swaks could not observe. */
export function unknownLayer(layer: LayerId, ms: number, what: string, facts: Facts = {}): LayerResult {
  return failed(layer, ms, { ...facts, observedBy: "swaks", unknown: what }, unknownDiagnosis(layer, what));
}

/** What swaks' exit status means (its documented stages). */
export function swaksExitStage(code: number | null, signal: string | null): string {
  if (code === null) return signal === "ENOENT" ? "could not start" : `stopped by smtpilot (${signal ?? "signal"})`;
  const stages: Record<number, string> = {
    0: "finished",
    1: "option error",
    2: "could not connect",
    6: "connection lost",
    10: "a required feature is missing",
    21: "banner refused",
    22: "HELO/EHLO refused",
    23: "MAIL FROM refused",
    24: "every RCPT TO refused",
    25: "DATA refused",
    28: "AUTH failed",
    29: "TLS failed",
    32: "EHLO after TLS refused",
  };
  return stages[code] ?? "unknown stage";
}

/** Adds a skipped entry for every layer that did not run, after those that did (as the built-in engine does). */
export function withSkipped(options: DiagnoseOptions, ran: LayerResult[]): LayerResult[] {
  const failedAt = ran.find((l) => l.status === "fail")?.id;
  const done = new Set<LayerId>(ran.map((l) => l.id));
  const reason = (id: LayerId): string => {
    if (id === "tls" && options.tls === "none") return "not requested (--tls none): the session stays unencrypted";
    if (id === "auth" && !options.auth) return "connectivity probe: no --user given";
    if (id === "envelope" && (options.from === undefined || options.to.length === 0)) return "no --from/--to given";
    return failedAt ? `blocked by ${failedAt}` : "not run";
  };
  return [...ran, ...LAYER_IDS.filter((id) => !done.has(id)).map((id) => skipped(id, reason(id)))];
}
