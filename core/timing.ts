/**
 * Small timing helpers that never keep the process alive after the answer is
 * known: every timer they start is cleared when the race is decided.
 */

/** Marker returned by `within` when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/** Resolves with the promise's value, or TIMED_OUT after `ms`. Rejections pass through. */
export function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Milliseconds on a monotonic clock, counted from the process's start: for durations and
 * deadlines. `process.uptime()`, not `performance.now()`: the same kind of clock, without making
 * Node load its eight performance modules (~0.6 ms at the first call) in a run that only measures.
 */
export function monotonicMs(): number {
  return process.uptime() * 1000;
}
