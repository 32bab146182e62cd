/**
 * smtpilot's command line: builds the program from the command tree
 * (cli/command-tree.ts), runs it, and turns whatever ends it into an exit
 * code — a result, a usage error (2), an environment error (3), a safety
 * gate (4) or a bug (70). With `--json`, stdout holds a valid document even
 * when the command failed before producing its own. `runProcess` runs it as
 * the process (cli/smtpilot.ts loads this module for every command).
 */
import { CommanderError } from "commander";
import { exitCodeOfError } from "../core/errors.ts";
import { EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from "../core/exit.ts";
import { errorDocument } from "./cli-adapter.ts";
import { COMMANDS } from "./command-tree.ts";
import { installProcessHandlers, markSettled, runCleanups } from "./lifecycle.ts";
import { redactText, routeConsoleToStderr, writeErr, writeJson } from "./output.ts";
import { type ModuleImporter, useModuleImporter } from "./plugin-import.ts";
import { buildProgram, maskEcho, specsFor } from "./program.ts";
import { markTime, writeTiming } from "./run-timing.ts";

export { buildProgram };

/**
 * Runs the CLI as the process: installs the handlers that make every ending
 * clean (signals, a closed pipe, a crash), runs `argv`, and exits as soon as
 * the result is written — a socket or timer some library forgot cannot keep
 * the process alive past its verdict. `importModule` is the entry's own
 * `import()`, for plugin files (see useModuleImporter).
 */
export function runProcess(argv: string[], options: { importModule?: ModuleImporter } = {}): void {
  markTime("loaded");
  if (options.importModule) useModuleImporter(options.importModule);
  installProcessHandlers();
  routeConsoleToStderr();
  void main(argv).then(async (code) => {
    await runCleanups();
    // Let both streams drain (pipes may be asynchronous), then end now; a reader that went away
    // while the result was written makes it a quiet broken-pipe exit, as for ls or git.
    const errors = await Promise.all(
      [process.stdout, process.stderr].map((s) => new Promise<unknown>((resolve) => s.write("", resolve))),
    );
    const broken = errors.some((e) => ["EPIPE", "ERR_STREAM_DESTROYED"].includes((e as { code?: string })?.code ?? ""));
    markTime("exit");
    writeTiming();
    process.exit(broken ? EXIT_BROKEN_PIPE : code);
  });
}

/** Runs the CLI with `argv` (without the node and script entries); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(specsFor(argv, COMMANDS));
  try {
    await program.parseAsync(argv, { from: "user" });
    markSettled();
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (err) {
    markSettled();
    const wantsJson = argv.includes("--json");
    if (err instanceof CommanderError) {
      // Help and --version end with exit code 0; commander already printed its error message.
      if (err.exitCode === 0) return EXIT_OK;
      // The same masking as the message commander printed: a stray value may be a password.
      if (wantsJson) writeJson(errorDocument(err.code, EXIT_USAGE, _plain(maskEcho(err.message)).trim()));
      return EXIT_USAGE;
    }
    const code = exitCodeOfError(err);
    const e = err as { code?: string; message?: string; stack?: string };
    if (code === EXIT_INTERNAL) {
      writeErr(`smtpilot: internal error (please report it): ${redactText(e?.stack ?? String(err))}\n`);
    } else {
      writeErr(`smtpilot: ${redactText(e?.message ?? String(err))}\n`);
    }
    if (wantsJson) {
      const message = redactText(String(e?.message ?? err));
      writeJson(errorDocument(typeof e?.code === "string" ? e.code : "E_INTERNAL", code, message));
    }
    return code;
  }
}

/** Commander's message without its "error: " prefix. */
function _plain(message: string): string {
  return message.replace(/^error: /, "");
}
