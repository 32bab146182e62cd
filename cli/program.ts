/**
 * Builds the commander program from the command definitions: flags, value
 * parsers, conflicts, defaults, `--json`, help with examples — and wires each
 * command's action to the CLI adapter that runs it and prints its result.
 */
import { Argument, Command, Option } from "commander";
import { UsageError } from "../core/errors.ts";
import { sanitize, shown } from "../core/printable.ts";
import {
  type ArgSpec,
  attributeName,
  type CommandSpec,
  type CommandTree,
  type GroupSpec,
  isGroup,
  longFlag,
  type OptionSpec,
} from "./command-spec.ts";
import { runFromCli } from "./cli-adapter.ts";
import { commandWord } from "./command-word.ts";
import { choiceOption } from "./usage.ts";
import { VERSION_LINE } from "./version.ts";

/** Global options, available before or after the command name. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "--plugin <path>",
    description: "load a plugin file (.mjs, .js, .cjs; .ts from source or the binary); repeatable",
    repeatable: true,
    complete: "file",
    cliOnly: true,
  },
  {
    flags: "--home <dir>",
    description: "the memory folder (default: $SMTPILOT_HOME, else ~/smtp)",
    complete: "dir",
  },
];

/** What smtpilot is, as `--help` and package.json say it: what exists, not what is planned. */
export const PROGRAM_SUMMARY =
  "Configure, probe and diagnose outbound email over SMTP: profiles, submission path, sender domains, replies, bounces";

/** The exit codes every command shares (core/exit.ts); each command's --help adds its own. */
const _ROOT_HELP = `
Exit codes: 0 ok (only after a result was printed), 1 a check found a problem,
2 usage error, 3 environment error (port, folder, file, DNS), 4 refused by a safety gate
(nothing sent), 10-16 diagnose: the failing layer, 70 internal error (a bug in smtpilot or
a plugin: please report it), 130/143/129 interrupted, 141 output closed.
Plugins: --plugin FILE, see docs/plugins.md. More commands are coming: see the README.
`;

/**
 * Commander echoes what it did not understand; values may be passwords typed
 * in the wrong place or hold terminal escapes. Show only what looks like an
 * option name, everything else as a count or a sanitized, shortened value.
 */
export function maskEcho(text: string): string {
  // The last replace turns back the "·" sanitize made of the final newline (escaped as \u00b7: the
  // single binary's CLI asset stays ASCII, see scripts/build/sea-bundle.mjs).
  return sanitize(
    text
      .replace(/(got \d+):.*$/m, "$1 (not shown).")
      .replace(
        /(unknown option) '([^']*)'/,
        (_m, what: string, opt: string) =>
          /^(--[a-z][a-z0-9-]*|-[a-zA-Z])$/.test(opt) && opt.length <= 30 ? `${what} '${opt}'` : `${what} (not shown)`,
      )
      .replace(/(unknown command) '([^']*)'/, (_m, what: string, name: string) => `${what} ${shown(name)}`),
  ).replace(/\u00b7$/, "\n");
}

/**
 * The part of the tree a command line needs: the command (or group) its
 * first word names, or the whole tree when it names none — the root's help,
 * `help`, an unknown command and its suggestions. Building commander's
 * options for every command costs a few milliseconds a run that uses one.
 */
export function specsFor(argv: readonly string[], specs: CommandTree): CommandTree {
  const word = commandWord(argv);
  const named = word === undefined ? undefined : specs.find((s) => s.name === word);
  return named ? [named] : specs;
}

/** Builds the program for `specs` (the whole tree, or what specsFor picked). */
export function buildProgram(specs: readonly (CommandSpec | GroupSpec)[]): Command {
  const program = new Command("smtpilot")
    .description(PROGRAM_SUMMARY)
    .version(VERSION_LINE, "-V, --version")
    .showSuggestionAfterError()
    .configureOutput({ outputError: (text, write) => write(maskEcho(text)) })
    .exitOverride();
  for (const o of GLOBAL_OPTIONS) program.addOption(_option(o));
  program.addHelpText("after", _ROOT_HELP);
  for (const spec of specs) {
    if (isGroup(spec)) {
      const group = program.command(spec.name).description(spec.summary).exitOverride();
      group.configureOutput({ outputError: (text, write) => write(maskEcho(text)) });
      if (spec.examples) group.addHelpText("after", _examples(spec.examples));
      for (const sub of spec.commands) _command(group, sub, `${spec.name} ${sub.name}`);
    } else {
      _command(program, spec, spec.name);
    }
  }
  return program;
}

function _command(parent: Command, spec: CommandSpec, path: string): void {
  const cmd = parent.command(spec.name).description(spec.summary).exitOverride();
  cmd.configureOutput({ outputError: (text, write) => write(maskEcho(text)) });
  for (const a of spec.args ?? []) cmd.addArgument(_argument(a));
  for (const o of spec.options) cmd.addOption(_option(o));
  if (spec.json) {
    cmd.addOption(new Option("--json", `print the ${spec.json.schema} JSON document only`));
  }
  cmd.addHelpText("after", `${_examples(spec.examples)}${spec.notes ? `\n${spec.notes}` : ""}`);
  cmd.action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    const args = received.slice(0, (spec.args ?? []).length);
    const globals = self.optsWithGlobals() as { plugin?: string[]; home?: string };
    process.exitCode = await runFromCli(spec, path, { args, options: self.opts() }, globals);
  });
}

function _examples(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

function _option(o: OptionSpec): Option {
  const opt = new Option(o.flags, o.description);
  const one = o.choices ? choiceOption(longFlag(o.flags), o.choices) : o.parse;
  if (o.repeatable) {
    opt.argParser((
      value: string,
      previous: unknown,
    ) => [...(previous as unknown[] | undefined ?? []), one ? one(value) : value]);
  } else if (one) {
    opt.argParser((value: string) => one(value));
  }
  if (o.default !== undefined) opt.default(o.default);
  if (o.conflicts) opt.conflicts([...o.conflicts]);
  return opt;
}

function _argument(a: ArgSpec): Argument {
  const name = a.variadic ? `${a.name}...` : a.name;
  const arg = new Argument(a.required ? `<${name}>` : `[${name}]`, a.description);
  if (a.choices) {
    const choices = a.choices;
    arg.argParser((value: string) => {
      const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
      if (!found) throw new UsageError(`Unknown ${a.name} ${shown(value)}: expected one of ${choices.join(", ")}`);
      return found;
    });
  }
  return arg;
}

/** Every option of the program by long flag, with its completion hint, for the completion scripts. */
export function completionHints(
  specs: readonly (CommandSpec | GroupSpec)[],
): Record<string, NonNullable<OptionSpec["complete"]>> {
  const hints: Record<string, NonNullable<OptionSpec["complete"]>> = {};
  const all = [...GLOBAL_OPTIONS, ...specs.flatMap((s) => (isGroup(s) ? s.commands : [s])).flatMap((c) => c.options)];
  for (const o of all) {
    const hint = o.complete ?? o.choices;
    if (hint) hints[longFlag(o.flags)] ??= hint;
  }
  return hints;
}

export { attributeName };
