/**
 * smtpilot's command line: builds the program from the command tree
 * (cli/command-tree.ts), runs it, and turns whatever ends it into an exit
 * code — a result, a usage error (2), an environment error (3), a safety
 * gate (4) or a bug (70). With `--json`, stdout holds a valid document even
 * when the command failed before producing its own.
 */
import { CommanderError } from "commander";
import { exitCodeOfError } from "../core/errors.ts";
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from "../core/exit.ts";
import { errorDocument } from "./cli-adapter.ts";
import { COMMANDS } from "./command-tree.ts";
import { markSettled } from "./lifecycle.ts";
import { redactText, writeErr, writeJson } from "./output.ts";
import { buildProgram, maskEcho } from "./program.ts";

export { buildProgram };

/** Runs the CLI with `argv` (without the node and script entries); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(COMMANDS);
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
