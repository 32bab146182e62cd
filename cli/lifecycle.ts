/**
 * How a run ends, whatever ends it: its result, Ctrl-C, SIGTERM/SIGHUP, a
 * reader that closed the pipe (`| head`), or a crash. Resources that must not
 * outlive the run (a fixture's listeners and temp folder, a partly written
 * file) register a cleanup here; every ending runs the cleanups once, then
 * exits with a code that says what happened — quietly for a closed pipe.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EnvironmentError } from "../core/errors.ts";
import { EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_SIGNAL_BASE } from "../core/exit.ts";
import { shown } from "../core/printable.ts";

type _Cleanup = () => void | Promise<void>;

const _cleanups = new Set<_Cleanup>();
/** Signals that end a run; the number gives the exit code 128 + n. */
const _SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
/** A cleanup that hangs must not keep a stopped process alive. */
const _CLEANUP_LIMIT_MS = 3000;

let _stopWaiter: ((signal: string) => void) | undefined;
const _interceptors: ((exitCode: number) => void)[] = [];
let _ending = false;
let _settled = false;

/** Registers a cleanup to run when the run ends in any way; returns a function that unregisters it. */
export function onCleanup(fn: _Cleanup): () => void {
  _cleanups.add(fn);
  return () => void _cleanups.delete(fn);
}

/** Runs every registered cleanup once (in reverse order of registration), bounded in time. */
export async function runCleanups(): Promise<void> {
  const list = [..._cleanups].reverse();
  _cleanups.clear();
  const all = Promise.allSettled(list.map(async (fn) => await fn()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, _CLEANUP_LIMIT_MS)))]);
  clearTimeout(timer);
}

/**
 * For a command that serves until stopped (`smtpilot fixture`): resolves with
 * the signal's name instead of exiting, so the command can shut down itself.
 */
export function waitForStop(): Promise<string> {
  return new Promise((resolve) => {
    _stopWaiter = (signal) => {
      _stopWaiter = undefined;
      resolve(signal);
    };
  });
}

/**
 * For a run that can stop cleanly on its own (a list send: finish what is in
 * flight, print and log its summary, release its lock): the next signal calls
 * `fn` with the exit code it stands for (128 + n) instead of ending the
 * process, and the run returns its result with that code. Only once: a second
 * signal ends the process as any signal does. Returns a function that
 * unregisters `fn`.
 */
export function interceptStop(fn: (exitCode: number) => void): () => void {
  _interceptors.push(fn);
  return () => {
    const at = _interceptors.indexOf(fn);
    if (at >= 0) _interceptors.splice(at, 1);
  };
}

/** Ends the process after the cleanups: the one exit path for signals, broken pipes and crashes. */
export async function exitAfterCleanup(code: number): Promise<never> {
  if (!_ending) {
    _ending = true;
    await runCleanups();
  }
  process.exit(code);
}

/**
 * Marks the command's result as delivered. Until then, an event loop that
 * runs dry (a plugin whose setup never settles) is an internal error, never
 * a silent exit 0.
 */
export function markSettled(): void {
  _settled = true;
}

/** Installs the process-wide handlers once, before a command runs. */
export function installProcessHandlers(): void {
  for (const [name, num] of Object.entries(_SIGNALS)) {
    process.on(name, () => {
      const intercept = _interceptors.pop();
      if (intercept) return intercept(EXIT_SIGNAL_BASE + num);
      if (_stopWaiter) return _stopWaiter(name);
      void exitAfterCleanup(EXIT_SIGNAL_BASE + num);
    });
  }
  // A reader that goes away (`| head -1`) is not an error: stop quietly, as ls and git do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") void exitAfterCleanup(EXIT_BROKEN_PIPE);
      else void _crash(err);
    });
  }
  process.on("uncaughtException", (err) => void _crash(err));
  process.on("unhandledRejection", (err) => void _crash(err));
  process.on("exit", (code) => {
    if (_settled || _ending || code !== 0) return;
    // Nothing left to run, yet no result: say so and never report success.
    fs.writeSync(
      2,
      "smtpilot: internal error: the command ended without a result (something it waited for never settled, e.g. a plugin's setup)\n",
    );
    process.exitCode = EXIT_INTERNAL;
  });
}

async function _crash(err: unknown): Promise<void> {
  if (_ending) return;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === "EPIPE") return await exitAfterCleanup(EXIT_BROKEN_PIPE);
  try {
    const { redactText, writeErr } = await import("./output.ts");
    writeErr(`smtpilot: internal error (please report it): ${redactText(e?.stack ?? String(err))}\n`);
  } catch {
    // stderr itself is gone: nothing left to tell.
  }
  await exitAfterCleanup(EXIT_INTERNAL);
}

/**
 * Creates a private temp folder (mode 0700) removed when the run ends. A
 * missing or unwritable TMPDIR is an environment error naming the folder.
 */
export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  const base = os.tmpdir();
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(base, prefix));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new EnvironmentError(
      `Cannot create a temporary folder in ${shown(base)} (${code}): set TMPDIR to a writable folder`,
    );
  }
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  const unregister = onCleanup(remove);
  return {
    dir,
    remove: () => {
      unregister();
      remove();
    },
  };
}
