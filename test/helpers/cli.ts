/**
 * Runs the CLI from source in a child process, as a user would, and collects
 * its exit code and output. Asynchronous, so an in-process fixture keeps serving.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const _root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The CLI's entry, run from source by Node itself: Node 24 strips the TypeScript types (the
 * sources use erasable syntax only, which tsconfig's erasableSyntaxOnly keeps true), so a child
 * needs no loader. Through tsx every child compiled its modules again — seconds a start on a
 * busy machine, across hundreds of CLI runs in the suite — for the same code.
 */
export const CLI_ENTRY = path.join(_root, "cli/smtpilot.ts");

/** What a CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `smtpilot ARGS` with extra environment variables. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_ENTRY, ...args],
      { cwd: _root, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err && typeof (err as { code?: unknown }).code === "number"
          ? (err as { code: number }).code
          : err
          ? 1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `smtpilot ARGS` as a child process (pipes on all three streams) for tests that signal, kill or feed it. */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...nodeFlags, CLI_ENTRY, ...args], {
    cwd: _root,
    env: { ...process.env, ...env },
  });
}

/** Runs `smtpilot ARGS` with `input` on stdin (and extra node flags); resolves with its code and output. */
export function runCliWithInput(
  args: string[],
  input: string | Buffer,
  options: { env?: Record<string, string>; nodeFlags?: string[] } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnCli(args, options.env, options.nodeFlags);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}
