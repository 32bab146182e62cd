/**
 * Where a run's time goes, as the command line reports it: the record of
 * marks lives in core/run-timing.ts (a send's use case marks its phases
 * too); with `SMTPILOT_TIMING=1` in the environment the record is written to
 * stderr as one line, `smtpilot: timing {…}`, as the process ends:
 * `npm run bench:diagnose` and scripts/bench/send-startup.mjs read it.
 */
import { runTiming, TIMING_SCHEMA } from "../core/run-timing.ts";

export { type AssetLoad, markTime, recordSpans, type RunTiming, runTiming, TIMING_SCHEMA } from "../core/run-timing.ts";

/** Writes the timing line to stderr when SMTPILOT_TIMING asks for it (a closed stderr is ignored). */
export function writeTiming(env: Record<string, string | undefined> = process.env): void {
  if (!env.SMTPILOT_TIMING || env.SMTPILOT_TIMING === "0") return;
  const record = runTiming();
  try {
    process.stderr.write(`smtpilot: timing ${JSON.stringify({ schema: TIMING_SCHEMA, ...record })}\n`);
  } catch {
    // stderr is gone: nobody is left to read the timing.
  }
}
