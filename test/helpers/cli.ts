/**
 * Runs the CLI from source in a child process, as a user would, and collects
 * its exit code and output. Asynchronous, so an in-process fixture keeps serving.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const _root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

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
      ["--import", "tsx", path.join(_root, "cli/smtpilot.ts"), ...args],
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
