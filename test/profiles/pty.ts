/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`, present on every
 * Debian), so tests can answer its prompts the way a person does: wait for
 * a question to appear, then type. Event-driven, not timed, so a slow
 * machine only makes it slower.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CLI_ENTRY } from "../helpers/cli.ts";

const _root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A CLI run on a terminal. */
export interface PtyRun {
  /** Everything shown so far, escape sequences removed. */
  screen(): string;
  /** Resolves once `pattern` appears in what was shown after the last answer. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Types keys (`\r` is Enter, `\x1b[B` arrow down, `\x7f` backspace, `\x03` Ctrl-C). */
  type(keys: string): void;
  exit: Promise<number>;
}

const _quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Node runs the CLI on the terminal: under `deno test` (a suite the Deno
 * test runs), process.execPath is deno, which a shell command line does not
 * translate as Deno's child_process does — so the project's Node is named.
 */
const _node = "Deno" in globalThis ? path.join(_root, "node_modules/.bin/node") : process.execPath;

/** Starts `smtpilot ARGS` on a pseudo-terminal 120 columns wide. */
export function runOnPty(args: string[], env: Record<string, string> = {}): PtyRun {
  const cmd = [
    "stty cols 120 rows 40;",
    "exec",
    _node,
    CLI_ENTRY,
    ...args,
  ]
    .map((a, i) => (i < 2 ? a : _quote(a)))
    .join(" ");
  const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
    cwd: _root,
    env: { ...process.env, ...env, TERM: "xterm" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let shown = "";
  let mark = 0;
  const waiters = new Set<() => void>();
  const onData = (b: Buffer) => {
    // deno-lint-ignore no-control-regex
    shown += b.toString("utf8").replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r/g, "");
    for (const w of waiters) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exit = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  return {
    screen: () => shown,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(shown.slice(mark));
          if (!m) return;
          mark += (m.index ?? 0) + m[0].length;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; screen:\n${shown.slice(-1500)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    type: (keys) => void child.stdin.write(keys),
    exit,
  };
}
