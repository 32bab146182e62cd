/**
 * The swaks processes of one diagnosis: starts each run with the options the
 * request maps to, feeds its events to the transcript, hands the tcp layer a
 * wire once swaks says it connected (or an errno-like error when it could
 * not), and stops them all at the end. Every connect() that is not the tcp
 * layer's is a real side connection of smtpilot's.
 */
import type net from "node:net";
import { EnvironmentError } from "../../core/errors.ts";
import type { DiagnoseIo } from "../../core/io.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { TIMED_OUT, within } from "../../core/timing.ts";
import { type QuitAfter, swaksArgs } from "./swaks-args.ts";
import { guardedEnv } from "./swaks-guard.ts";
import { connectErrorCode } from "./swaks-output.ts";
import type { SwaksProgram } from "./swaks-program.ts";
import { SwaksRun } from "./swaks-run.ts";
import type { SwaksTranscript } from "./swaks-transcript.ts";
import { SwaksWire } from "./swaks-wire.ts";

/** What the backend prepared before the session: the program and the run's private folder. */
export interface SwaksSetup {
  program: SwaksProgram;
  guardDir: string;
  /** The private CA (`--ca`) as a file for `--tls-ca-path`. */
  caFile?: string;
}

/** The TLS mode swaks is started in. */
export type SwaksMode = "starttls" | "implicit" | "none";

/** Starts, connects and stops the swaks runs of one session. */
export class SwaksDriver {
  readonly runs: SwaksRun[] = [];
  readonly setup: SwaksSetup;
  /** The wire the layers currently read. */
  wire: SwaksWire | undefined;
  /** The run whose connection the next connect() is (the tcp layer's); others are side connections. */
  pending: SwaksRun | undefined;
  /** The address swaks connects to (the dns layer's first usable one). */
  address = "";
  /** The EHLO name smtpilot's layers use, given to swaks too. */
  ehloName = "[127.0.0.1]";
  readonly #options: DiagnoseOptions;
  readonly #io: DiagnoseIo;
  readonly #tx: SwaksTranscript;

  constructor(options: DiagnoseOptions, io: DiagnoseIo, setup: SwaksSetup, tx: SwaksTranscript) {
    this.#options = options;
    this.#io = io;
    this.setup = setup;
    this.#tx = tx;
  }

  /** Starts swaks; with `auth`, the secret goes to its stdin once the guard loaded. */
  start(mode: SwaksMode, quitAfter: QuitAfter, auth?: { mechanism: string; user: string }): SwaksRun {
    const options = this.#options;
    const { program, guardDir, caFile } = this.setup;
    const name = options.servername ?? options.host;
    const args = swaksArgs({
      address: this.address,
      port: options.port,
      mode,
      name,
      ...(caFile ? { caFile } : {}),
      ehloName: this.ehloName,
      timeoutMs: options.timeoutMs,
      quitAfter,
      ...(options.from !== undefined ? { from: options.from } : {}),
      to: options.to,
      ...(auth ? { auth } : {}),
      nativeHostCheck: program.hostCheck === "native",
    });
    const verify = mode !== "none" && program.hostCheck === "guard" ? name : undefined;
    const run = new SwaksRun({
      program: program.path,
      args,
      env: guardedEnv(process.env, guardDir, verify, options.auth?.secret ? [options.auth.secret] : []),
      ...(auth ? { secret: options.auth?.secret ?? "" } : {}),
    });
    const n = this.runs.push(run);
    run.onEvent((e) => this.#tx.event(e, n));
    return run;
  }

  /** The session's connector: the pending run's connection, else a real side connection. */
  connect(address: string, port: number, signal?: AbortSignal): Promise<net.Socket> {
    const run = this.pending;
    if (!run) return this.#io.connect(address, port, signal);
    this.pending = undefined;
    return this.wireOf(run, signal);
  }

  /** Waits until swaks connected (a wire on its session) or failed to (an errno-like error). */
  async wireOf(run: SwaksRun, signal?: AbortSignal): Promise<net.Socket> {
    const wait = this.#options.timeoutMs + 3000;
    const aborted = new Promise<"aborted">((resolve) => signal?.addEventListener("abort", () => resolve("aborted")));
    const e = await Promise.race([
      run.waitFor((x) => x.kind === "connected" || x.kind === "connect-error", wait),
      aborted,
    ]);
    if (e === "aborted") {
      await run.stop();
      throw Object.assign(new Error("Connecting was abandoned"), { code: "EABORTED" });
    }
    if (e?.kind === "connected") {
      const wire = new SwaksWire(run, run.events.indexOf(e) + 1);
      this.wire = wire;
      return wire as unknown as net.Socket;
    }
    if (e?.kind === "connect-error") {
      throw Object.assign(new Error(e.reason), { code: connectErrorCode(e.reason) ?? "ESWAKS", swaks: e.reason });
    }
    const exit = await within(run.exited, 1000);
    const error = run.events.filter((x) => x.kind === "error").map((x) => (x.kind === "error" ? x.text : "")).pop();
    if (exit !== TIMED_OUT && (exit.code === 1 || exit.code === 10) && !run.events.some((x) => x.kind === "trying")) {
      throw new EnvironmentError(
        `swaks refused the options smtpilot gave it: ${error ?? `exit ${exit.code}`}`,
        "E_SWAKS_OPTIONS",
      );
    }
    throw Object.assign(new Error(error ?? "swaks ended before connecting"), { code: "ESWAKS", swaks: error ?? "" });
  }

  /** The reason swaks gave for not connecting, if it gave one. */
  connectError(): string | undefined {
    for (const run of this.runs) {
      const e = run.events.find((x) => x.kind === "connect-error");
      if (e?.kind === "connect-error") return e.reason;
    }
    return undefined;
  }

  /** swaks' own words for a line without end (recv_line's loop counter). */
  sawEndlessLine(): boolean {
    return this.runs.some((run) => run.events.some((e) => e.kind === "error" && /hit loop counter/.test(e.text)));
  }

  /** Gives the runs a moment to finish on their own (their QUIT), then stops what is left. */
  async finish(): Promise<void> {
    await Promise.all(this.runs.map((r) => within(r.exited, 500)));
    await this.stopAll();
  }

  /** Stops every run now. */
  async stopAll(): Promise<void> {
    await Promise.all(this.runs.map((r) => r.stop()));
  }
}
