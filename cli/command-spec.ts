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

/** The attribute name commander gives a flag (`--ehlo-name <name>` → `ehloName`, `--no-x` → `x`). */
export function attributeName(flags: string): string {
  const long = /--([a-z0-9-]+)/i.exec(flags)?.[1] ?? flags;
  return long.replace(/^no-/, "").replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The long flag (`--ehlo-name`) of an option. */
export function longFlag(flags: string): string {
  return /--[a-z0-9-]+/i.exec(flags)?.[0] ?? flags;
}

/** True when the option takes a value. */
export function takesValue(flags: string): boolean {
  return /[<[]/.test(flags);
}
