/**
 * The pace of a scale send: at most `perSecond` messages a second across
 * every connection, evenly spaced (no bursts that trip a provider's limits).
 * Infinity means no pacing (a loopback benchmark).
 */

/** A shared, evenly spacing rate limit. */
export class RateLimiter {
  readonly #interval: number;
  #next = 0;

  /** `perSecond` > 0, or Infinity. */
  constructor(perSecond: number) {
    this.#interval = Number.isFinite(perSecond) && perSecond > 0 ? 1000 / perSecond : 0;
  }

  /** Takes the next slot if it is due now; false (and nothing taken) when the caller would have to wait. */
  tryTake(): boolean {
    if (this.#interval === 0) return true;
    const now = performance.now();
    if (this.#next > now) return false;
    this.#next = now + this.#interval;
    return true;
  }

  /** Resolves true when the caller may send its next message, false when aborted while waiting (nothing may go). */
  async take(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    if (this.#interval === 0) return true;
    const now = performance.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.#interval;
    const wait = at - now;
    if (wait <= 0) return true;
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(true), wait);
      const onAbort = () => done(false);
      function done(ok: boolean) {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(ok);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/**
 * Parses a rate: `10/s`, `600/min`, `5000/h`, `20000/day`, or `none`.
 * Returns messages per second (Infinity for none), or undefined when malformed.
 */
export function parseRate(text: string): number | undefined {
  if (/^(none|unlimited)$/i.test(text.trim())) return Infinity;
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour|d|day)$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase()[0];
  const seconds = unit === "s" ? 1 : unit === "m" ? 60 : unit === "h" ? 3600 : 86_400;
  return n > 0 ? n / seconds : undefined;
}
