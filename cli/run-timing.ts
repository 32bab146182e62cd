/**
 * Where a run's time goes. Marks are taken at the few points that divide a run
 * (our first line, the CLI loaded, the command parsed and loaded, the plugins,
 * the engine, the result printed, the exit), in milliseconds since the process
 * started, and kept in one global record that the single
 * binary's asset loader also writes to (which asset, how long, whether its V8
 * code cache was used). With `SMTPILOT_TIMING=1` in the environment the record
 * is written to stderr as one line, `smtpilot: timing {…}`, as the process
 * ends: `npm run bench:diagnose` reads it to show each millisecond next to
 * swaks. Off, it costs a few array pushes and prints nothing.
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

function _round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
