/**
 * Errors a caller must tell apart, each with a stable `code` and the exit
 * code it maps to. Check `err.code`, not `instanceof`: errors cross module
 * copies (bundle, plugins) where classes are not shared.
 */
import { EXIT_ENVIRONMENT, EXIT_GATE, EXIT_INTERNAL, EXIT_USAGE } from "./exit.ts";

/** Base of smtpilot's own errors: a stable code and the process exit code. */
export class SmtpilotError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, exitCode: number, message: string) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A bad flag, value or combination of them: exit 2, before any network I/O. */
export class UsageError extends SmtpilotError {
  constructor(message: string) {
    super("E_USAGE", EXIT_USAGE, message);
  }
}

/** The machine cannot do what was asked (port taken, folder missing, file unreadable): exit 3. */
export class EnvironmentError extends SmtpilotError {
  constructor(message: string, code = "E_ENV") {
    super(code, EXIT_ENVIRONMENT, message);
  }
}

/** A safety gate refused: exit 4, and nothing was sent. */
export class GateError extends SmtpilotError {
  constructor(message: string, code = "E_GATE") {
    super(code, EXIT_GATE, message);
  }
}

/** Operating-system error codes that describe the machine, not a bug in smtpilot. */
const _ENVIRONMENT_ERRNO = new Set([
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EACCES",
  "EPERM",
  "ENOENT",
  "ENOTDIR",
  "EISDIR",
  "EROFS",
  "ENOSPC",
  "EDQUOT",
  "EMFILE",
  "ENFILE",
  "ELOOP",
  "ENAMETOOLONG",
]);

/** The exit code an error maps to: its own, 3 for an OS error about the machine, else 70 (a bug). */
export function exitCodeOfError(err: unknown): number {
  if (err instanceof SmtpilotError) return err.exitCode;
  const e = err as { exitCode?: unknown; code?: unknown } | undefined;
  // Duck-typed for errors from another copy of this module (a plugin bundling its own core).
  if (typeof e?.exitCode === "number" && typeof e.code === "string" && /^(E_|gate\.)/.test(e.code)) return e.exitCode;
  if (e?.code === "E_USAGE") return EXIT_USAGE;
  if (typeof e?.code === "string" && _ENVIRONMENT_ERRNO.has(e.code)) return EXIT_ENVIRONMENT;
  if (e?.code === "E_GATE") return EXIT_GATE;
  return EXIT_INTERNAL;
}
