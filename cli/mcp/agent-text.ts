/**
 * Words for an agent, not for a shell: the commands' descriptions and error
 * messages name flags (`--to-list FILE`) and command lines (`smtpilot canary
 * add`), which a tool call does not have. Over MCP a command line that is a
 * tool becomes the tool's name (`smtpilot send --canary` → `send_canary`),
 * a flag that a tool fixes becomes that tool, and every other flag the tool
 * argument of the same meaning (its attribute name, `toList`); CLI-only
 * phrasing (repeatable flags) goes. Descriptions that need more than that
 * are written per tool (tools.ts).
 */
import { attributeName } from "../command-spec.ts";
import { TOOLS } from "./tools.ts";

/** A flag as messages write it: `--to-list`, optionally followed by its placeholder (`FILE`, `NAME`, `<file>`). */
const _FLAG = /(?<![\w-])--([a-z][a-z0-9-]*)(?: (?:[A-Z][A-Z0-9_]*|<[a-z-]+>)(?![\w-]))?/g;

/** `smtpilot WORD [WORD] [--flag]`: a command line, with the flag that may pick among tools of one command. */
const _COMMAND = /\bsmtpilot ([a-z]+)(?: ([a-z]+))?(?: --([a-z][a-z0-9-]*))?/g;

/** The flag (attribute name) a tool fixes, if any, e.g. `canary` for send_canary. */
function _fixedFlag(tool: typeof TOOLS[number]): string | undefined {
  return Object.keys(tool.fixed ?? {})[0];
}

/** The tool a command line names (and how many of its words): the one whose fixed flag follows, else the plain one. */
function _toolOf(
  words: string[],
  flag: string | undefined,
): { name: string; words: number; usedFlag: boolean } | undefined {
  for (const n of [2, 1]) {
    if (words.length < n) continue;
    const tools = TOOLS.filter((t) => t.command === words.slice(0, n).join(" "));
    if (tools.length === 0) continue;
    const fixed = flag === undefined ? undefined : tools.find((t) => _fixedFlag(t) === attributeName(`--${flag}`));
    if (fixed) return { name: fixed.name, words: n, usedFlag: true };
    const plain = tools.find((t) => _fixedFlag(t) === undefined) ?? tools[0];
    return plain ? { name: plain.name, words: n, usedFlag: false } : undefined;
  }
  return undefined;
}

/** `text` with command lines named as tools and flags as tool arguments (`--to-list FILE` → `toList`). */
export function agentWording(text: string): string {
  const commands = text.replace(_COMMAND, (whole, first: string, second: string | undefined, flag?: string) => {
    const words = second === undefined ? [first] : [first, second];
    const tool = _toolOf(words, flag);
    if (!tool) return whole;
    const rest = words.slice(tool.words).map((w) => ` ${w}`).join("");
    const tail = flag !== undefined && !tool.usedFlag ? ` --${flag}` : "";
    return `${tool.name}${rest}${tail}`;
  });
  return commands.replace(_FLAG, (_m, flag: string) => {
    const attribute = attributeName(`--${flag}`);
    return TOOLS.find((t) => _fixedFlag(t) === attribute)?.name ?? attribute;
  });
}

/** A command's option or argument description as a tool input's: argument names, no CLI-only phrasing. */
export function agentDescription(text: string): string {
  return agentWording(text)
    .replace(/ \(repeatable\)/g, "")
    .replace(/\(repeatable; /g, "(")
    .replace(/\(repeatable, /g, "(");
}

/** A positional argument's name as a tool input: camelCase like every other input (`message-id` → `messageId`). */
export function argumentInputName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
