/**
 * Usage errors: a bad flag or value. They exit with code 2 and a message that
 * names the flag and the value that was wrong.
 */
import { EXIT_USAGE } from "../core/report.ts";

/** Thrown by option parsers and validators; `code` is E_USAGE. */
export class UsageError extends Error {
  readonly code = "E_USAGE";
  readonly exitCode = EXIT_USAGE;
}

/** Parses an integer flag within bounds. */
export function intOption(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`Invalid ${flag} "${value}": expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Parses a positive number of seconds into milliseconds. */
export function secondsOption(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > 600) {
      throw new UsageError(`Invalid ${flag} "${value}": expected seconds, more than 0 and at most 600`);
    }
    return Math.round(n * 1000);
  };
}

/** Accepts one of a fixed set of values (case-insensitive), returned in canonical case. */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (!found) throw new UsageError(`Invalid ${flag} "${value}": expected one of ${choices.join(", ")}`);
    return found;
  };
}

/** Collects a repeatable flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
