/**
 * Waiting for an event a test cannot subscribe to — a file appearing, a
 * count growing, a log line — by checking it, never by sleeping a guessed
 * number of milliseconds: a busy machine only makes the wait longer.
 */
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** How a wait is checked and when it gives up. */
export interface WaitOptions {
  /** What is awaited, for the failure message. */
  what?: string;
  /** A process whose end means the event will never come: the wait fails at once. */
  child?: ChildProcess;
  /**
   * A bound far beyond any real wait, only so a missing event fails the test
   * instead of hanging the suite (node:test has no default timeout).
   */
  limitMs?: number;
}

/** Resolves once `ready()` holds, checked every few milliseconds. */
export async function waitUntil(ready: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { what = "the event", child, limitMs = 120_000 } = options;
  const deadline = performance.now() + limitMs;
  while (!(await ready())) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`the process ended (${child.exitCode ?? child.signalCode}) before ${what}`);
    }
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await sleep(20);
  }
}

/**
 * The step timeout of a run whose verdict comes from the server's answers (never from a timeout
 * firing): far beyond any answer on a busy machine — a TLS handshake under Deno at load 30 takes
 * seconds — so it is never raced, only a bound that fails a run whose answer never comes.
 */
export const ANSWERED_WITHIN_MS = 60_000;

/**
 * `work`'s result, or a failure naming `what` once `limitMs` passed: for a run whose broken form
 * hangs (waits an hour-long pace or a ten-minute timeout it should not) while the working form
 * needs seconds, so only a hang trips it. `onHang` releases what the hanging run holds (an abort,
 * a server to close) so the test file can end.
 */
export async function beforeHang<T>(
  work: Promise<T>,
  what: string,
  options: { limitMs?: number; onHang?: () => void } = {},
): Promise<T> {
  const { limitMs = 60_000, onHang } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onHang?.();
      reject(new Error(`${what} (still running after ${limitMs} ms)`));
    }, limitMs);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}
