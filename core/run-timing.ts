/**
 * The record of where a run's time goes: marks taken at the few points that
 * divide a run (our first line, the CLI loaded, the command parsed and loaded,
 * the plugins, the engine, a send's set-up, gates and first session, the
 * result printed, the exit), in milliseconds since the process started, kept
 * in one global record that the single binary's asset loader also writes to
 * (which asset, how long, whether its V8 code cache was used). Here in core so
 * a use case (core/send/) can mark its own phases; the CLI writes the record
 * out (cli/run-timing.ts, with `SMTPILOT_TIMING=1`). Off, it costs a few array
 * pushes and prints nothing.
 */

/** One asset the single binary loaded: its name, the time it took, and what became of its code cache. */
export interface AssetLoad {
  asset: string;
  ms: number;
  cache: "accepted" | "rejected" | "none";
}

/** The record of one run. */
export interface RunTiming {
  /**
   * `[name, ms since the process started, CPU ms used by then]`, in the order taken. The CPU
   * time (user + system, every thread) is what a busy machine leaves steady: wall time
   * there measures the other jobs as much as this one.
   */
  marks: [string, number, number][];
  /** Assets loaded (single binary only). */
  assets: AssetLoad[];
  /** Named spans a command reported, e.g. the diagnosis's layers: `[name, ms]`. */
  spans: [string, number][];
}

/** Version tag of the timing line's document. */
export const TIMING_SCHEMA = "smtpilot.timing/1";

/** Shared by name, so the binary's asset loader (generated at build time) writes to the same record. */
const _KEY = Symbol.for("smtpilot.timing");

/** The run's record (created on first use). */
export function runTiming(): RunTiming {
  const g = globalThis as { [_KEY]?: RunTiming };
  g[_KEY] ??= { marks: [], assets: [], spans: [] };
  return g[_KEY];
}

/**
 * Marks that the run reached `name` now, and the CPU time spent so far.
 * `process.uptime()`, not `performance.now()`: same origin (the process's
 * start) and resolution, without loading Node's performance module for it.
 */
export function markTime(name: string): void {
  const cpu = process.cpuUsage();
  runTiming().marks.push([name, _round(process.uptime() * 1000), _round((cpu.user + cpu.system) / 1000)]);
}

/** Records spans a command measured itself (a diagnosis's layers, in order). */
export function recordSpans(spans: readonly (readonly [string, number])[]): void {
  runTiming().spans.push(...spans.map(([name, ms]) => [name, _round(ms)] as [string, number]));
}

function _round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
