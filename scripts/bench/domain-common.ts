/**
 * What the domain benchmarks share: timing a command to its end (with its
 * output and exit code), the median of a sample, and how milliseconds print.
 */
import { execFile } from "node:child_process";

/** The median of a sample (the upper one for an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Milliseconds as the tables print them. */
export const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

/** Runs `cmd ARGS` to its end; resolves with the wall time, stdout and exit code. */
export function run(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ ms: number; stdout: string; code: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { env: env ?? process.env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ ms: performance.now() - t0, stdout, code });
    });
  });
}
