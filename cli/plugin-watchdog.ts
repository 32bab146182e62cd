/**
 * A plugin is trusted code running inside smtpilot's process: nothing
 * isolates it, and code that loops without returning blocks the one thread
 * that would notice — its own time limit (a timer) included, and smtpilot's
 * handlers for Ctrl-C, SIGTERM and SIGHUP, which are JavaScript too. So while
 * a user plugin's code loads (its import and its setup):
 *
 * - those handlers are set aside, so the signals take the system's default
 *   action and end the process at once, whatever the plugin does;
 * - a watchdog thread, which a blocked main thread cannot stop, ends the
 *   process when that code has not given control back within its time limit
 *   (plus a second, so a limit the main thread can still enforce wins), after
 *   one line on stderr naming the plugin (`E_PLUGIN_SETUP`): SIGTERM, then
 *   SIGKILL if even that is caught.
 *
 * The watchdog exists only while plugins load, and only when there are user
 * plugins; where a thread cannot be started, the signals alone still hold.
 */
import { Worker } from "node:worker_threads";

/** Signals whose handlers are set aside while plugin code runs. */
const _SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** Extra time the watchdog gives, so the loader's own limit ends a plugin that is merely waiting. */
const _GRACE_MS = 1000;
/** Longest message the watchdog prints. */
const _TEXT_BYTES = 1024;

// The watchdog's loop: sleeps until armed, then until disarmed or past the limit. State: [0] 0 idle,
// n > 0 armed (a generation), -1 stop; [1] the limit in ms; [2] the message's length in bytes.
const _WATCHDOG = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const state = new Int32Array(workerData.state);
const text = new Uint8Array(workerData.text);
for (;;) {
  Atomics.wait(state, 0, 0);
  const armed = Atomics.load(state, 0);
  if (armed < 0) break;
  if (Atomics.wait(state, 0, armed, Atomics.load(state, 1)) !== "timed-out") continue;
  try { fs.writeSync(2, Buffer.from(text.slice(0, Atomics.load(state, 2)))); } catch {}
  process.kill(process.pid, "SIGTERM");
  Atomics.wait(state, 0, armed, 2000);
  process.kill(process.pid, "SIGKILL");
}
`;

/** A watchdog for one round of plugin loading. */
export class PluginWatchdog {
  readonly #state = new Int32Array(new SharedArrayBuffer(12));
  readonly #text = new Uint8Array(new SharedArrayBuffer(_TEXT_BYTES));
  #worker: Worker | undefined;
  #generation = 0;

  /** Starts the watchdog thread (none where the platform cannot start one). */
  constructor() {
    try {
      this.#worker = new Worker(_WATCHDOG, {
        eval: true,
        workerData: { state: this.#state.buffer, text: this.#text.buffer },
        stdout: false,
        stderr: false,
      });
      this.#worker.unref();
      this.#worker.on("error", () => (this.#worker = undefined));
    } catch {
      this.#worker = undefined;
    }
  }

  /**
   * Runs plugin code (`fn`) under the guard: signals end the process, and the
   * watchdog ends it after `limitMs` without control coming back, printing
   * `message` (one line) first.
   */
  async guard<T>(limitMs: number, message: string, fn: () => Promise<T>): Promise<T> {
    const saved = _SIGNALS.map((signal) => {
      const listeners = process.listeners(signal);
      process.removeAllListeners(signal);
      return [signal, listeners] as const;
    });
    if (this.#worker) {
      const bytes = Buffer.from(`smtpilot: ${message}\n`, "utf8").subarray(0, _TEXT_BYTES);
      this.#text.set(bytes);
      Atomics.store(this.#state, 2, bytes.length);
      Atomics.store(this.#state, 1, limitMs + _GRACE_MS);
      Atomics.store(this.#state, 0, ++this.#generation);
      Atomics.notify(this.#state, 0);
    }
    try {
      return await fn();
    } finally {
      Atomics.store(this.#state, 0, 0);
      Atomics.notify(this.#state, 0);
      for (const [signal, listeners] of saved) {
        for (const listener of listeners) process.on(signal, listener as (s: NodeJS.Signals) => void);
      }
    }
  }

  /** Ends the watchdog thread. */
  stop(): void {
    Atomics.store(this.#state, 0, -1);
    Atomics.notify(this.#state, 0);
    this.#worker = undefined;
  }
}
