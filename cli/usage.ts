/**
 * Value parsers for flags: each returns the converted value or throws a
 * UsageError (exit 2) that names the flag and shows the value safely.
 */
import { UsageError } from "../core/errors.ts";
import { shown } from "../core/printable.ts";

export { UsageError };

/** A value parser that also says which JSON type its values are (for the MCP tool schemas). */
export type TypedParser<T> = ((value: string) => T) & {
  jsonType?: "integer" | "number";
  minimum?: number;
  maximum?: number;
};

/** Parses an integer flag within bounds. */
export function intOption(flag: string, min: number, max: number): TypedParser<number> {
  const parse: TypedParser<number> = (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`Invalid ${flag} ${shown(value)}: expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
  return Object.assign(parse, { jsonType: "integer" as const, minimum: min, maximum: max });
}

/** The most seconds a `--timeout` may ask for. */
export const MAX_TIMEOUT_SECONDS = 600;

/** Parses a positive number of seconds into milliseconds. */
export function secondsOption(flag: string): TypedParser<number> {
  const parse: TypedParser<number> = (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > MAX_TIMEOUT_SECONDS) {
      throw new UsageError(
        `Invalid ${flag} ${shown(value)}: expected seconds, more than 0 and at most ${MAX_TIMEOUT_SECONDS}`,
      );
    }
    return Math.round(n * 1000);
  };
  return Object.assign(parse, { jsonType: "number" as const, maximum: MAX_TIMEOUT_SECONDS });
}

/** Accepts one of a fixed set of values (case-insensitive), returned in canonical case. */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (!found) throw new UsageError(`Invalid ${flag} ${shown(value)}: expected one of ${choices.join(", ")}`);
    return found;
  };
}
