/**
 * Questions for a person at a terminal (@inquirer/prompts), written to
 * stderr so stdout keeps only the result. Commands ask only when
 * `ctx.interactive` is true; every answer can also be given as a flag, so
 * nothing here is ever needed in a script. The person's way out is part of
 * the answer: Ctrl-C at a prompt is an interrupt (exit 130), Ctrl-D closes
 * it (a decline) — neither is an internal error.
 */
import readline from "node:readline";
import { SmtpilotError } from "../core/errors.ts";
import { EXIT_SIGNAL_BASE, EXIT_USAGE } from "../core/exit.ts";
import type { ConfirmRequest } from "../core/run-context.ts";
import { writeErr } from "./output.ts";

/** The questions a command may ask. */
export interface Asker {
  input(
    message: string,
    options?: { default?: string; validate?: (value: string) => true | string; display?: (value: string) => string },
  ): Promise<string>;
  select<T extends string>(
    message: string,
    choices: readonly { value: T; name: string; description?: string }[],
  ): Promise<T>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
}

/** Code of the error a prompt ends with on Ctrl-C: the run was interrupted (exit 130, as for SIGINT). */
export const PROMPT_INTERRUPTED = "E_INTERRUPTED";
/** Code of the error a prompt ends with on Ctrl-D (end of input): nothing was answered (exit 2). */
export const PROMPT_CLOSED = "E_PROMPT_CLOSED";

/**
 * Runs one prompt, watching for the person's way out. Inquirer ends a prompt
 * left by Ctrl-C with ExitPromptError, and one left by Ctrl-D not at all
 * (readline closes, the event loop runs dry): both become smtpilot errors
 * with a code and an exit code of their own.
 */
async function _ask<T>(
  run: (context: { output: NodeJS.WritableStream; signal: AbortSignal }) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  const onKey = (_text: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
    if (key?.ctrl && key.name === "c") abort.abort("interrupt");
    else if (key?.ctrl && key.name === "d") abort.abort("closed");
  };
  // Registered before the prompt's own readline, so a key is seen before inquirer reacts to it.
  readline.emitKeypressEvents(process.stdin);
  process.stdin.on("keypress", onKey);
  try {
    return await run({ output: process.stderr, signal: abort.signal });
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (abort.signal.reason === "interrupt" || (e?.name === "ExitPromptError" && /SIGINT/.test(e.message ?? ""))) {
      throw new SmtpilotError(PROMPT_INTERRUPTED, EXIT_SIGNAL_BASE + 2, "Interrupted at the prompt (Ctrl-C)");
    }
    if (abort.signal.reason === "closed" || e?.name === "ExitPromptError") {
      throw new SmtpilotError(PROMPT_CLOSED, EXIT_USAGE, "The prompt was closed (Ctrl-D) without an answer");
    }
    throw err;
  } finally {
    process.stdin.off("keypress", onKey);
  }
}

/** The terminal asker (loads the prompt library on first use). */
export const terminalAsker: Asker = {
  async input(message, options = {}) {
    const { input } = await import("@inquirer/prompts");
    return await _ask((context) =>
      input(
        {
          message,
          ...(options.default !== undefined ? { default: options.default } : {}),
          ...(options.validate ? { validate: options.validate } : {}),
          ...(options.display ? { transformer: options.display } : {}),
        },
        context,
      )
    );
  },
  async select(message, choices) {
    const { select } = await import("@inquirer/prompts");
    return await _ask((context) => select({ message, choices: [...choices] }, context));
  },
  async confirm(message, defaultValue = true) {
    const { confirm } = await import("@inquirer/prompts");
    return await _ask((context) => confirm({ message, default: defaultValue }, context));
  },
};

/**
 * Shows what the person is asked to approve and reads the code they type.
 * Ctrl-D is a decline (undefined: the caller refuses with its gate);
 * Ctrl-C stays an interrupt and ends the run with exit 130.
 */
export async function askConfirmCode(
  request: ConfirmRequest,
  asker: Asker = terminalAsker,
): Promise<string | undefined> {
  writeErr(`${request.summary}\n`);
  try {
    return await asker.input(`Type ${request.code} to confirm (anything else cancels)`);
  } catch (err) {
    if ((err as { code?: string }).code === PROMPT_CLOSED) return undefined;
    throw err;
  }
}

/**
 * How a typed secret reference is shown while typing: as typed while it is
 * (the start of) a reference, masked as soon as it is not — a password
 * pasted into the wrong prompt never appears on the screen.
 */
export function referenceDisplay(value: string): string {
  const kinds = ["env:", "dotenv:", "cmd:", "prompt"];
  const plausible = kinds.some((k) => value.startsWith(k) || k.startsWith(value));
  return plausible ? value : "*".repeat(value.length);
}
