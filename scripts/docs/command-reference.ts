/**
 * docs/reference.md, rendered from the definitions that build the command
 * line and the MCP server: the command tree (cli/command-tree.ts), the global
 * options (cli/program.ts) and the MCP tools (cli/mcp/tools.ts). Nothing here
 * is written by hand, so the page says what `--help` and `tools/list` say;
 * test/docs/generated-docs.test.ts fails when the page on disk is older than
 * the specs.
 */
import {
  type ArgSpec,
  attributeName,
  type CommandEffect,
  type CommandSpec,
  type CommandTree,
  type GroupSpec,
  isGroup,
  longFlag,
  type OptionSpec,
} from "../../cli/command-spec.ts";
import { NEVER_FROM_AN_AGENT, type ToolDef } from "../../cli/mcp/tools.ts";
import { anchor, cell, code, prose, table } from "./markdown.ts";

/** What the reference is rendered from. */
export interface ReferenceSources {
  /** Every command, in `--help` order. */
  commands: CommandTree;
  /** Options every command takes. */
  globals: readonly OptionSpec[];
  /** The MCP tools over those commands. */
  tools: readonly ToolDef[];
  /** The line `smtpilot --help` starts with. */
  summary: string;
}

/** What each mode promises, as the specs' `effect` names it (cli/command-spec.ts). */
const _MODES: Readonly<Record<CommandEffect, string>> = {
  offline: "never touches the network",
  network: "connects, but never sends mail",
  mail: "may send mail, after its safety gates and the person's confirmation of the exact plan",
  memory: "writes the memory folder (`~/smtp`); sends no mail",
  serve: "runs a server until stopped",
};

/** One command with the words that call it (`profile add`). */
interface Entry {
  path: string;
  spec: CommandSpec;
  group?: GroupSpec;
}

function _entries(commands: CommandTree): Entry[] {
  return commands.flatMap((s) =>
    isGroup(s)
      ? s.commands.map((c) => ({ path: `${s.name} ${c.name}`, spec: c, group: s }))
      : [{ path: s.name, spec: s }]
  );
}

/** The heading of a command's section (and so its anchor). */
function _heading(path: string): string {
  return `\`smtpilot ${path}\``;
}

/** A link to a command's section. */
export function referenceLink(path: string, page = ""): string {
  return `[${_heading(path)}](${page}#${anchor(_heading(path))})`;
}

function _usage(e: Entry): string {
  const args = (e.spec.args ?? []).map((a) => {
    const name = a.variadic ? `${a.name}...` : a.name;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  return ["smtpilot", e.path, ...args, "[options]"].join(" ");
}

function _argumentRow(a: ArgSpec): string[] {
  const notes = [
    a.required ? "required" : "optional",
    ...(a.variadic ? ["one or more"] : []),
    ...(a.choices ? [`one of ${a.choices.map(code).join(", ")}`] : []),
  ];
  return [code(a.name), cell(`${a.description} (${notes.join("; ")})`)];
}

/** The facts of an option its description does not already say. */
function _optionRow(o: OptionSpec): string[] {
  const says = (word: string) => o.description.toLowerCase().includes(word.toLowerCase());
  const notes = [
    ...(o.choices && !o.choices.every(says) ? [`one of ${o.choices.map(code).join(", ")}`] : []),
    ...(o.default !== undefined && !says("default") ? [`default ${code(String(o.default))}`] : []),
    ...(o.repeatable && !says("repeatable") ? ["repeatable"] : []),
    ...(o.conflicts?.length ? [`not with ${o.conflicts.map((c) => code(`--${_kebab(c)}`)).join(", ")}`] : []),
    ...(o.cliOnly ? ["command line only"] : []),
  ];
  return [code(o.flags), cell(notes.length ? `${o.description} (${notes.join("; ")})` : o.description)];
}

/** `ehloName` → `ehlo-name`: the long flag of an attribute name. */
function _kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** How a tool narrows its command, in flags a reader recognises. */
function _toolLine(tool: ToolDef, spec: CommandSpec): string {
  const flagOf = (name: string) => {
    const o = spec.options.find((x) => attributeName(x.flags) === name);
    return code(o ? longFlag(o.flags) : name);
  };
  const parts = [
    ...Object.entries(tool.fixed ?? {}).map(([k, v]) =>
      `sets ${v === true ? flagOf(k) : `${flagOf(k)} ${code(String(v))}`}`
    ),
    ...((tool.omit ?? []).length ? [`without ${(tool.omit ?? []).map(flagOf).join(", ")}`] : []),
    ...(tool.textInput ? [`takes ${code("content")}: ${tool.textInput.description}`] : []),
    ...(tool.contentOnly ? ["no file paths"] : []),
    ...((tool.required ?? []).length ? [`requires ${(tool.required ?? []).map(flagOf).join(", ")}`] : []),
    tool.destructive ? "destructive" : tool.readOnly ? "read-only" : "may write",
  ];
  const description = tool.description ? ` — ${prose(tool.description)}` : "";
  return `- ${code(tool.name)} (${parts.join("; ")})${description}`;
}

function _section(e: Entry, tools: readonly ToolDef[]): string {
  const s = e.spec;
  const out = [`### ${_heading(e.path)}`, "", prose(s.summary) + ".", ""];
  out.push(`Mode: **${s.effect}** — ${_MODES[s.effect]}.`);
  if (s.json) out.push(`With ${code("--json")}: the ${code(s.json.schema)} document only, on stdout.`);
  out.push("", "```sh", _usage(e), "```", "");
  if (s.args?.length) out.push(table(["argument", "meaning"], s.args.map(_argumentRow)), "");
  const options = [
    ...s.options,
    ...(s.json ? [{ flags: "--json", description: `print the ${s.json.schema} JSON document only` }] : []),
  ];
  if (options.length) out.push(table(["option", "meaning"], options.map(_optionRow)), "");
  if (s.examples.length) out.push("Examples:", "", "```sh", ...s.examples, "```", "");
  if (s.notes) out.push(prose(s.notes.replace(/\s*\n\s*/g, " ")), "");
  const mine = tools.filter((t) => t.command === e.path);
  out.push(
    mine.length
      ? [
        `As ${mine.length === 1 ? "an MCP tool" : "MCP tools"} (\`smtpilot mcp\`):`,
        "",
        ...mine.map((t) => _toolLine(t, s)),
      ]
        .join("\n")
      : "Not an MCP tool.",
    "",
  );
  return out.join("\n");
}

/** The whole page. */
export function renderCommandReference(src: ReferenceSources): string {
  const entries = _entries(src.commands);
  const toolsOf = (path: string) => src.tools.filter((t) => t.command === path).map((t) => code(t.name)).join(", ");
  const out = [
    "# Command reference",
    "",
    "<!-- Generated by `npm run docs` from cli/commands/*.spec.ts, cli/mcp/tools.ts and cli/program.ts.",
    "     Do not edit: test/docs/generated-docs.test.ts fails when this page and the specs differ. -->",
    "",
    `${prose(src.summary)}. Every command below is defined once, as data; the command line (\`--help\`), the shell`,
    "completions and the MCP server (`smtpilot mcp`) are all built from those definitions, and so is this page.",
    "",
    "Each command declares its **mode** before it runs:",
    "",
    ...Object.entries(_MODES).map(([mode, what]) => `- **${mode}**: ${what}`),
    "",
    `MCP tools never take ${
      NEVER_FROM_AN_AGENT.map((n) => code(`--${_kebab(n)}`)).join(", ")
    }: output plumbing, and what only a person may give. Exit codes and every diagnosis, finding, gate and bounce code: [codes.md](codes.md).`,
    "",
    "## Commands",
    "",
    table(
      ["command", "mode", "what it does", "MCP tool"],
      entries.map((e) => [
        referenceLink(e.path),
        e.spec.effect,
        cell(e.spec.summary),
        toolsOf(e.path) || "-",
      ]),
    ),
    "",
    "## Global options",
    "",
    "Given before or after the command name.",
    "",
    table(["option", "meaning"], [
      ...src.globals.map(_optionRow),
      [code("-V, --version"), "print the version and exit"],
      [code("-h, --help"), "help for smtpilot or for a command (`smtpilot help COMMAND` too)"],
    ]),
    "",
  ];
  for (const top of src.commands) {
    if (isGroup(top)) {
      out.push(`## \`smtpilot ${top.name}\``, "", prose(top.summary) + ".", "");
      if (top.examples?.length) out.push("```sh", ...top.examples, "```", "");
      for (const e of entries.filter((x) => x.group === top)) out.push(_section(e, src.tools));
    } else {
      out.push(_section({ path: top.name, spec: top }, src.tools).replace(/^### /, "## "));
    }
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

/**
 * The MCP tools as a table (docs/agents.md): name, the command it runs, what
 * it may do (MCP's annotations) and the description an agent is given.
 */
export function renderToolTable(tools: readonly ToolDef[], commands: CommandTree): string {
  const entries = _entries(commands);
  return table(
    ["tool", "runs", "may", "what it does"],
    tools.map((t) => {
      const spec = entries.find((e) => e.path === t.command)?.spec;
      const may = t.destructive ? "destructive" : t.readOnly ? "read only" : "write";
      return [
        code(t.name),
        referenceLink(t.command, "reference.md"),
        `${may}${t.openWorld ? ", network" : ""}`,
        cell(t.description ?? spec?.summary ?? ""),
      ];
    }),
  );
}
