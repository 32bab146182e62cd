/**
 * The port through which a use case talks to whoever runs it — the command
 * line or the MCP server — without knowing which: where the memory folder
 * is, whether a person sits at the terminal, the loaded plugins, progress
 * and warnings, secrets to redact from everything said from now on,
 * cleanups for any ending of the run, and the person's confirmation. The
 * adapters build it (cli/cli-adapter.ts, cli/mcp/context.ts); core's use
 * cases (core/send/, core/memory/run-memory.ts) only use it.
 */
import type { Registry } from "./plugin.ts";

/** The result of a run: what the adapter prints (CLI) or returns (MCP). */
export interface CommandResult {
  exitCode: number;
  /** The versioned JSON document (`--json`, MCP structured output); carries `schema`. */
  document?: unknown;
  /** The human rendering (redacted like the document). Omitted when the command printed as it went. */
  text?: string;
  /**
   * Write `text` byte for byte: a filter's output that is the user's own data
   * (`redact`). Otherwise control and bidi characters are replaced on output.
   */
  raw?: true;
  /**
   * With `--json`, print the document on one line: a command emitting many
   * results (a batch) streams JSON Lines, one document per line.
   */
  line?: boolean;
}

/** What a running command may use besides its input. */
export interface RunContext {
  /** Global options: user plugin files, the memory folder. */
  globals: { plugin?: string[]; home?: string };
  /** True when the result is wanted as the JSON document (`--json`, MCP). */
  json: boolean;
  /** True when a person sits at the terminal (stdin and stderr are TTYs): prompts and progress allowed. */
  interactive: boolean;
  /** The loaded plugins (built-in first, then the user's), loaded once per run. */
  plugins(): Promise<Registry>;
  /** Shows a transient progress line on a terminal; a no-op on pipes, files and MCP. */
  progress(text: string): void;
  /** Says something on stderr (a warning, a note), redacted. */
  warn(text: string): void;
  /** Registers secrets resolved in this run: every message from now on is redacted. Returns the redactor. */
  protectSecrets(secrets: readonly (string | undefined)[]): (text: string) => string;
  /** Registers a cleanup for any ending of the run (Ctrl-C, broken pipe, crash); returns an unregister function. */
  onCleanup(fn: () => void | Promise<void>): () => void;
  /**
   * Lets a run that can stop cleanly take the next interrupt (Ctrl-C, SIGTERM)
   * itself: `fn` gets the exit code the signal stands for (128 + n) instead of
   * the process ending, and the run returns its result — printed and logged —
   * with that code; a second signal ends the process as usual. Returns an
   * unregister function. Over MCP the interrupt is the client cancelling
   * the call (notifications/cancelled); absent where nothing can interrupt.
   */
  onInterrupt?: (fn: (exitCode: number) => void) => () => void;
  /** Prints a result before the command returns (a server that serves until stopped). */
  emit(result: Omit<CommandResult, "exitCode">): void;
  /**
   * Asks the person — never the caller's program or agent — to confirm an
   * action by typing `code`: a terminal prompt on the command line, an MCP
   * elicitation shown by the client to its user. Resolves with what was typed,
   * or undefined when declined. Absent when no person can be asked (a pipe, an
   * MCP client without elicitation): the action is then refused.
   */
  confirm?: (request: ConfirmRequest) => Promise<string | undefined>;
  /** True when the caller is a program acting for a person (the MCP server): actions that widen what may be sent need the person's confirmation. */
  agent: boolean;
}

/** What a confirmation shows the person. */
export interface ConfirmRequest {
  /** What will happen, in full: profile, recipients and count, message digest. */
  summary: string;
  /** The code the person types; derived from the exact action, so an answer for another one never fits. */
  code: string;
}
