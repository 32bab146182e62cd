/**
 * The pace of a scale send as a person plans around it: the rate it runs at
 * (--rate, else the provider's limit, else memory.md's default), how long the
 * list should take at that rate — shown before the person confirms — and,
 * while it runs, when it should end (from what it has done so far).
 */
import { UsageError } from "../errors.ts";
import { shown } from "../printable.ts";
import { parseRate } from "./rate-limiter.ts";
import type { SendCommandFlags, SendSetup } from "./send-setup.ts";

/** Messages per second for a run, and where that number came from. */
export interface Pace {
  /** Infinity when unpaced (`--rate none`). */
  perSecond: number;
  source: string;
}

/** The pace of this run; an invalid --rate is a usage error (checked before anything is confirmed). */
export function rateOf(setup: SendSetup, flags: SendCommandFlags): Pace {
  if (flags.rate !== undefined) {
    const r = parseRate(flags.rate);
    if (r === undefined) {
      throw new UsageError(`Invalid --rate ${shown(flags.rate)}: expected 10/s, 600/min, 20000/day or none`);
    }
    return { perSecond: r, source: "--rate" };
  }
  const limit = setup.provider?.rateLimit;
  const fromProvider = limit?.perSecond ?? (limit?.perMinute !== undefined ? limit.perMinute / 60 : undefined) ??
    (limit?.perDay !== undefined ? limit.perDay / 86_400 : undefined);
  if (fromProvider !== undefined) return { perSecond: fromProvider, source: `provider ${setup.provider?.name}` };
  return { perSecond: setup.settings.safety.sendRatePerMinute / 60, source: "memory.md sendRatePerMinute" };
}

/** Seconds `count` messages take at `perSecond`; undefined when unpaced (the server sets the pace). */
export function expectedSeconds(count: number, perSecond: number): number | undefined {
  return Number.isFinite(perSecond) && perSecond > 0 ? count / perSecond : undefined;
}

/**
 * Seconds left for `remaining` messages: from the pace seen so far once a
 * few messages went (never faster than the rate allows), else from the rate.
 */
export function etaSeconds(
  remaining: number,
  doneThisRun: number,
  elapsedMs: number,
  perSecond: number,
): number | undefined {
  if (remaining <= 0) return 0;
  const seen = doneThisRun >= 3 && elapsedMs > 0 ? doneThisRun / (elapsedMs / 1000) : undefined;
  const pace = seen === undefined ? perSecond : Math.min(seen, perSecond);
  return expectedSeconds(remaining, pace);
}

/** A duration as a person reads it: `45 s`, `2 min 10 s`, `3 h 05 min`, `2 d 4 h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** The rate as a person reads it: `5/s`, `20/min`, `0.5/min`, or `unpaced`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "unpaced";
  if (perSecond >= 1) return `${Number(perSecond.toFixed(2))}/s`;
  if (perSecond * 60 >= 1) return `${Number((perSecond * 60).toFixed(2))}/min`;
  return `${Number((perSecond * 3600).toFixed(2))}/h`;
}
