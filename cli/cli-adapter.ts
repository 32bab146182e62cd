/**
 * Runs one command definition from the command line: builds its RunContext
 * (plugins loaded once, progress only on a terminal, stderr redacted, cleanup
 * on any ending), runs it, and prints its result — the JSON document with
 * `--json`, the text otherwise. Errors are left to main(), which maps them to
 * exit codes; with `--json`, stdout then still holds a valid document.
 */
import type { Registry } from "../core/plugin.ts";
import type { CommandInput, CommandResult, CommandSpec, RunContext } from "./command-spec.ts";
import { interceptStop, markSettled, onCleanup } from "./lifecycle.ts";
import {
  clearErrLine,
  protectSecrets,
  redactText,
  secretsKnown,
  writeErr,
  writeJson,
  writeJsonLine,
  writeOut,
} from "./output.ts";
import { redactDeep } from "../core/redact.ts";
import { markTime } from "./run-timing.ts";

/** Version tag of the document `--json` prints when a command fails before its own result. */
export const ERROR_SCHEMA = "smtpilot.error/1";

/** Runs `spec` with parsed input; resolves to the exit code after the result was printed. */
export async function runFromCli(
  spec: CommandSpec,
  path: string,
  input: CommandInput,
  globals: { plugin?: string[]; home?: string },
): Promise<number> {
  markTime("parsed");
  const json = input.options.json === true;
  const ctx = cliContext(globals, json);
  const run = await spec.load();
  markTime("command");
  const result = await run(input, ctx);
  _print(result, json, path);
  markTime("printed");
  markSettled();
  return result.exitCode;
}

/** The RunContext of a command-line run. */
export function cliContext(globals: { plugin?: string[]; home?: string }, json: boolean): RunContext {
  let registry: Promise<Registry> | undefined;
  const live = process.stderr.isTTY === true;
  // stdin is only looked at on a terminal: creating its stream costs a few ms a run that never reads it.
  const interactive = live && process.stdin.isTTY === true;
  return {
    globals,
    json,
    interactive,
    plugins: () => {
      registry ??= import("./plugin-loader.ts").then(async ({ loadAllPlugins, reportPluginFailures }) => {
        const { memoryPluginFiles } = await import("./memory-plugins.ts");
        const given = globals.plugin ?? [];
        const fromMemory = await memoryPluginFiles(
          globals.home,
          given,
          (t) => writeErr(`smtpilot: ${redactText(t)}\n`),
        );
        const r = await loadAllPlugins(given, { fromMemory });
        reportPluginFailures(r, (line) => writeErr(redactText(line)));
        markTime("plugins");
        return r;
      });
      return registry;
    },
    progress: (text) => {
      if (!live) return;
      _progressShown = text !== "";
      clearErrLine();
      if (text !== "") writeErr(`smtpilot: ${text}`);
    },
    warn: (text) => {
      _clearProgress();
      writeErr(`smtpilot: ${text}\n`);
    },
    protectSecrets,
    onCleanup,
    onInterrupt: interceptStop,
    agent: false,
    ...(interactive
      ? {
        confirm: async (request) => {
          const { askConfirmCode } = await import("./prompt.ts");
          return await askConfirmCode(request);
        },
      }
      : {}),
    emit: (result) => _print({ exitCode: 0, ...result }, json, ""),
  };
}

/** True while a progress line stands on the terminal. */
let _progressShown = false;

function _clearProgress(): void {
  if (_progressShown) clearErrLine();
  _progressShown = false;
}

function _print(result: CommandResult, json: boolean, path: string): void {
  _clearProgress();
  // Every secret the run resolved is masked in the result as a whole too, as an MCP result is: data
  // is redacted where it enters, and this catches the place that forgot (an identity endpoint's
  // error description echoing the refresh token it was sent did reach `auth status`).
  const guard = secretsKnown();
  if (json) {
    if (result.document !== undefined) {
      (result.line ? writeJsonLine : writeJson)(guard ? redactDeep(result.document, redactText) : result.document);
    } else if (result.text !== undefined) throw new Error(`Command ${path} has no JSON document`);
  } else if (result.text !== undefined) {
    writeOut(guard ? redactText(result.text) : result.text, result.raw === true);
  }
}

/** The document `--json` prints for an error that ended the command before its result. */
export function errorDocument(code: string, exitCode: number, message: string): unknown {
  return { schema: ERROR_SCHEMA, error: { code, exitCode, message } };
}
