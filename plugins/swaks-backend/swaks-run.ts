/**
 * One swaks process: started with its arguments (never a secret among them),
 * its stdout and stderr read as one stream of events as they are printed, the
 * password written to its stdin only once smtpilot's guard said it is loaded,
 * and stopped on demand. Output is bounded: a server that floods swaks cannot
 * grow smtpilot's memory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type SwaksEvent, SwaksOutputParser } from "./swaks-output.ts";

/** Longest line kept (the rest of a longer line is dropped). */
const _MAX_LINE = 4096;
/** Events kept per run; past this swaks is stopped (a flood, not an SMTP session). */
const _MAX_EVENTS = 4000;
/** How long swaks may take to leave after SIGTERM before SIGKILL. */
const _KILL_GRACE_MS = 300;

/** How to start one run. */
export interface SwaksRunSpec {
  program: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Written to stdin (swaks' password prompt) after the guard's "loaded" line; never on the command line. */
  secret?: string;
}

/** A running (or finished) swaks process and what it printed so far. */
export class SwaksRun {
  readonly events: SwaksEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  readonly #child: ChildProcess;
  readonly #parser = new SwaksOutputParser();
  readonly #listeners = new Set<(event: SwaksEvent) => void>();
  #pending = "";
  #secret: string | undefined;
  #done = false;
  #stopping: Promise<void> | undefined;

  constructor(spec: SwaksRunSpec) {
    this.#secret = spec.secret;
    // One stream for both: swaks prints errors to stderr and the session to stdout, and their
    // order matters. The shell only redirects and execs: the process list shows swaks itself.
    this.#child = spawn("/bin/sh", ["-c", 'exec "$0" "$@" 2>&1', spec.program, ...spec.args], {
      stdio: ["pipe", "pipe", "ignore"],
      env: spec.env,
      // Its own process group, so stop() ends whatever it started too.
      detached: true,
    });
    // In its own process group swaks does not get the terminal's Ctrl-C: it must not outlive smtpilot.
    const orphan = () => this.#signal("SIGKILL");
    process.once("exit", orphan);
    this.#child.once("exit", () => process.off("exit", orphan));
    this.#child.stdin?.on("error", () => {});
    if (this.#secret === undefined) this.#child.stdin?.end();
    this.exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      this.#child.once("error", () => resolve({ code: null, signal: "ENOENT" }));
      this.#child.once("close", (code, signal) => resolve({ code, signal }));
    }).then((status) => {
      this.#flush();
      this.#done = true;
      this.#emit({ kind: "exit", ...status });
      return status;
    });
    this.#child.stdout?.setEncoding("latin1");
    this.#child.stdout?.on("data", (chunk: string) => this.#data(chunk));
  }

  /** The process id while it runs (the security tests read /proc/<pid>). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** True once the process ended. */
  get done(): boolean {
    return this.#done;
  }

  /** Calls `fn` for every event from now on. */
  onEvent(fn: (event: SwaksEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /**
   * Resolves with the first event (already printed or to come) that `test`
   * accepts, or undefined when swaks ended or `ms` passed first.
   */
  waitFor(test: (event: SwaksEvent) => boolean, ms: number, from = 0): Promise<SwaksEvent | undefined> {
    const seen = this.events.slice(from).find(test);
    if (seen || this.#done) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const finish = (event: SwaksEvent | undefined) => {
        clearTimeout(timer);
        off();
        resolve(event);
      };
      const timer = setTimeout(() => finish(undefined), Math.max(0, ms));
      const off = this.onEvent((event) => {
        if (test(event)) finish(event);
        else if (event.kind === "exit") finish(undefined);
      });
    });
  }

  /** Stops swaks and its process group (TERM, then KILL), stops reading it, and resolves once it is gone. */
  stop(): Promise<void> {
    if (this.#done) return Promise.resolve();
    this.#stopping ??= (async () => {
      this.#signal("SIGTERM");
      const timer = setTimeout(() => this.#signal("SIGKILL"), _KILL_GRACE_MS);
      // Nothing it prints from now on counts; a child that kept the pipe open must not hold the run.
      this.#child.stdout?.destroy();
      await this.exited;
      clearTimeout(timer);
    })();
    return this.#stopping;
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    try {
      if (pid !== undefined) process.kill(-pid, signal);
    } catch {
      this.#child.kill(signal);
    }
  }

  #data(chunk: string): void {
    if (this.#stopping) return;
    this.#pending += chunk;
    let nl: number;
    while ((nl = this.#pending.indexOf("\n")) !== -1) {
      this.#line(this.#pending.slice(0, nl));
      this.#pending = this.#pending.slice(nl + 1);
    }
    if (this.#pending.length > _MAX_LINE) {
      this.#line(this.#pending);
      this.#pending = "";
    }
    // swaks' password prompt has no newline: answer it once the guard spoke first.
    if (this.#secret !== undefined && this.#pending.startsWith("Password: ") && this.#guarded()) {
      const secret = this.#secret;
      this.#secret = undefined;
      this.#child.stdin?.end(`${secret}\n`);
    }
  }

  #guarded(): boolean {
    return this.events.some((e) => e.kind === "guard" && e.text === "guard loaded");
  }

  #flush(): void {
    if (this.#pending !== "") this.#line(this.#pending);
    this.#pending = "";
  }

  #line(raw: string): void {
    if (this.#stopping) return;
    if (this.events.length >= _MAX_EVENTS) {
      void this.stop();
      return;
    }
    for (const event of this.#parser.push(raw.replace(/\r$/, "").slice(0, _MAX_LINE))) this.#emit(event);
  }

  #emit(event: SwaksEvent): void {
    this.events.push(event);
    for (const fn of [...this.#listeners]) fn(event);
  }
}
