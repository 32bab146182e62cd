/**
 * A command is defined once, as data: its name, arguments, options (with the
 * parser that validates each value), examples, what it may touch, and a lazy
 * loader for the code that runs it. The command line (commander) and the MCP
 * server are both built from these definitions, so their options cannot
 * drift. A command's run function returns its result — an exit code, the
 * versioned JSON document and the human text — and never prints it itself:
 * the adapter decides where the result goes.
 */
import type { CommandResult, RunContext } from "../core/run-context.ts";

// The run port is core's: use cases in core/ take it without importing the CLI.
export type { CommandResult, ConfirmRequest, RunContext } from "../core/run-context.ts";

/** What a flag's value completes to in a shell: a fixed list, files, or a list known at run time. */
export type ValueHint = readonly string[] | "file" | "dir" | { dynamic: string };

/** One option, as commander and the MCP tool schema both see it. */
export interface OptionSpec {
  /** commander's flag syntax: `--host <host>`, `--json`, `-n, --dry-run`. */
  flags: string;
  description: string;
  /** Validates and converts one value; throws a UsageError naming the flag and the (shown) value. */
  parse?: (value: string) => unknown;
  /** Allowed values (case-insensitive); also the completion list and the MCP enum. */
  choices?: readonly string[];
  /** The flag may be given several times; values are collected in order. */
  repeatable?: boolean;
  /** Default value, applied before run (shown in --help). */
  default?: string | number | boolean;
  /** Other options (by attribute name, e.g. "reporter") that cannot be combined with this one. */
  conflicts?: readonly string[];
  /** What the value completes to. */
  complete?: ValueHint;
  /** Present on the command line only, not in the MCP tool (output and plugin plumbing). */
  cliOnly?: boolean;
}

/** One positional argument. */
export interface ArgSpec {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
  /** Allowed values; checked before run. */
  choices?: readonly string[];
  /** What the argument completes to (e.g. `{ dynamic: "profile-names" }`). */
  complete?: ValueHint;
}

/**
 * What a command may do beyond reading its input, declared before it runs —
 * the mode first: `offline` never touches the network, `network` connects
 * but never sends mail, `mail` may send after its gates, `memory` writes the
 * memory folder, `serve` runs until stopped.
 */
export type CommandEffect = "offline" | "network" | "mail" | "memory" | "serve";

/** Parsed input: positional arguments in order and options by attribute name. */
export interface CommandInput {
  args: unknown[];
  options: Record<string, unknown>;
}

/** The function that runs a command. */
export type CommandRun = (input: CommandInput, ctx: RunContext) => Promise<CommandResult>;

/** A command definition. */
export interface CommandSpec {
  name: string;
  summary: string;
  args?: readonly ArgSpec[];
  options: readonly OptionSpec[];
  /** Adds `--json` printing this schema's document. */
  json?: { schema: string };
  effect: CommandEffect;
  /** Shell lines shown under "Examples:" in --help. */
  examples: readonly string[];
  /** Extra help text (exit codes, notes), shown after the examples. */
  notes?: string;
  /** Loads the implementation on first use, so --help and --version stay fast. */
  load(): Promise<CommandRun>;
}

/** A command with subcommands (`smtpilot profile add`). */
export interface GroupSpec {
  name: string;
  summary: string;
  commands: readonly CommandSpec[];
  examples?: readonly string[];
}

/** A command tree: the commands and groups a program (or its MCP server) offers, in `--help` order. */
export type CommandTree = readonly (CommandSpec | GroupSpec)[];

/** True for a group of commands. */
export function isGroup(spec: CommandSpec | GroupSpec): spec is GroupSpec {
  return Array.isArray((spec as GroupSpec).commands);
}

/**
 * The attribute name commander gives a flag (`--ehlo-name <name>` → `ehloName`, `--no-x` → `x`).
 * Scanned without regular expressions: recipes.spec.ts names every diagnose flag at load, in every
 * run, where creating and compiling three regular expressions cost more than the scan.
 */
export function attributeName(flags: string): string {
  const [at, end] = _longFlagSpan(flags);
  const long = at < 0 ? flags : flags.slice(at + 2, end);
  const parts = (long.startsWith("no-") ? long.slice(3) : long).split("-");
  let name = parts[0] ?? "";
  for (let i = 1; i < parts.length; i++) {
    // A hyphen before a lower-case letter or a digit goes, and the character is capitalised.
    const part = parts[i] ?? "";
    const c = part.charCodeAt(0);
    name += (c >= 97 && c <= 122) || (c >= 48 && c <= 57) ? part.charAt(0).toUpperCase() + part.slice(1) : `-${part}`;
  }
  return name;
}

/** The long flag (`--ehlo-name`) of an option. */
export function longFlag(flags: string): string {
  const [at, end] = _longFlagSpan(flags);
  return at < 0 ? flags : flags.slice(at, end);
}

/** Where the first `--name` (letters, digits, hyphens) starts and ends in flags; [-1, -1] when none. */
function _longFlagSpan(flags: string): [number, number] {
  for (let at = flags.indexOf("--"); at >= 0; at = flags.indexOf("--", at + 1)) {
    let end = at + 2;
    while (end < flags.length && _isNameChar(flags.charCodeAt(end))) end++;
    if (end > at + 2) return [at, end];
  }
  return [-1, -1];
}

function _isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45;
}

/** True when the option takes a value. */
export function takesValue(flags: string): boolean {
  return /[<[]/.test(flags);
}
