/**
 * Runs a credential-store tool (secret-tool, security, powershell) the one
 * safe way: no shell, the secret only ever on stdin (never argv, which other
 * users can read in /proc or `ps`), a time limit (a store may wait for an
 * unlock prompt), and output returned to the caller only — never put in an
 * error message, since a lookup prints the secret itself.
 */
import { spawn } from "node:child_process";

/** What one run of a tool gave back. */
export interface ToolResult {
  /** The exit status (null when ended by a signal or the time limit). */
  status: number | null;
  stdout: string;
  /** The first line of stderr, for messages (a tool's complaint, never the secret). */
  stderrFirstLine: string;
  timedOut: boolean;
  /** ENOENT or EACCES when the program could not be started. */
  startError?: string;
}

/** The longest a store tool may take: long enough for a person to unlock a keychain. */
export const TOOL_TIMEOUT_MS = 60_000;
const _MAX_OUTPUT = 256 * 1024;

/** Runs `file` with `args`, writing `input` to its stdin; resolves with what it printed. */
export function runTool(
  file: string,
  args: readonly string[],
  input: string,
  env: Record<string, string | undefined> = process.env,
  timeoutMs = TOOL_TIMEOUT_MS,
): Promise<ToolResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    const done = (r: ToolResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(file, [...args], {
      shell: false,
      env: env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < _MAX_OUTPUT) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < _MAX_OUTPUT) stderr += d;
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      done({ status: null, stdout: "", stderrFirstLine: "", timedOut: false, startError: err.code ?? "error" });
    });
    child.on("close", (status) => {
      done({ status, stdout, stderrFirstLine: (stderr.split(/\r?\n/)[0] ?? "").slice(0, 200), timedOut });
    });
    child.stdin.on("error", () => {}); // a tool that exits before reading its input
    child.stdin.end(input);
  });
}
