/**
 * Which commands are MCP tools, under which names, and how a tool narrows its
 * command: fixed options (send_canary is `send --canary`), options an agent
 * must never supply (a plan token: only a person confirms, through the
 * client), and a pasted-text input for commands that read a file or stdin.
 * Every option a tool takes comes from its command's definition, so the CLI
 * and the tool cannot drift.
 */
import type { CommandSpec, GroupSpec } from "../command-spec.ts";
import { isGroup } from "../command-spec.ts";

/** One MCP tool, defined over a command. */
export interface ToolDef {
  /** Tool name (snake_case). */
  name: string;
  /** The command: `diagnose`, `profile list`… */
  command: string;
  /** Replaces the command's summary, when the tool is narrower. */
  description?: string;
  /** Options the tool sets itself (by attribute name). */
  fixed?: Record<string, unknown>;
  /** Options of the command the tool does not take. */
  omit?: readonly string[];
  /** A `content` input (pasted text) written to a private file and passed as this positional argument. */
  textInput?: { arg: string; description: string };
  /** The command reads stdin when this positional argument is missing: the tool requires it (or `content`). */
  needsInput?: string;
  /** The positional argument named by textInput is not exposed: the tool takes pasted content only (no file reads). */
  contentOnly?: boolean;
  /** MCP annotations. */
  readOnly: boolean;
  openWorld: boolean;
  destructive?: boolean;
}

/** Options no tool takes: output plumbing, and what only a person may give. */
export const NEVER_FROM_AN_AGENT = ["json", "reporter", "transcript", "confirm", "plugin"] as const;

/** The tools, in the order tools/list shows them. */
export const TOOLS: readonly ToolDef[] = [
  { name: "status", command: "status", readOnly: true, openWorld: false },
  { name: "profile_list", command: "profile list", readOnly: true, openWorld: false },
  { name: "profile_show", command: "profile show", readOnly: true, openWorld: false },
  { name: "canary_list", command: "canary list", readOnly: true, openWorld: false },
  { name: "explain", command: "explain", readOnly: true, openWorld: false, needsInput: "reply" },
  {
    name: "bounce",
    command: "bounce",
    readOnly: true,
    openWorld: false,
    textInput: { arg: "source", description: "a bounce message pasted as text (instead of file paths)" },
    needsInput: "source",
  },
  { name: "recipes", command: "recipes", readOnly: true, openWorld: false, omit: ["format"] },
  {
    name: "redact",
    command: "redact",
    readOnly: true,
    openWorld: false,
    textInput: { arg: "file", description: "the transcript, log or report to mask, pasted as text" },
    needsInput: "file",
    // It prints what it reads: given paths, it would read any file for the caller.
    contentOnly: true,
    // Masking a value it resolves would let a tool call run a command or read a file on the agent's word.
    omit: ["secret"],
  },
  { name: "draft", command: "draft", readOnly: true, openWorld: false, omit: ["out"] },
  // Credentials come only from a profile a person saved: an agent naming a secret reference and a host
  // could send any secret (env:, dotenv:) to a server of its choosing, or run a command (cmd:).
  {
    name: "diagnose",
    command: "diagnose",
    readOnly: false,
    openWorld: true,
    omit: ["fixture", "recipes", "user", "secret", "backend", "swaks"],
  },
  { name: "domain", command: "domain", readOnly: true, openWorld: true, omit: ["note"] },
  { name: "align", command: "align", readOnly: true, openWorld: true },
  { name: "preflight", command: "preflight", readOnly: false, openWorld: true },
  { name: "verify", command: "verify", readOnly: false, openWorld: true, omit: ["placement", "note"] },
  {
    name: "profile_add",
    command: "profile add",
    description: "Save a provider profile. The person approves it (with any profile it replaces) through the client.",
    readOnly: false,
    openWorld: true,
  },
  { name: "profile_check", command: "profile check", readOnly: false, openWorld: true },
  {
    name: "auth_login",
    command: "auth login",
    description:
      "Start an OAuth device login for a saved OAuth profile. The person sees the verification URL and code through " +
      "the client (elicitation) and completes it; the agent never sees the code or any token. Refused without elicitation.",
    omit: ["browser"],
    readOnly: false,
    openWorld: true,
  },
  { name: "auth_status", command: "auth status", readOnly: true, openWorld: true },
  { name: "auth_logout", command: "auth logout", readOnly: false, openWorld: true, destructive: true },
  {
    name: "canary_add",
    command: "canary add",
    description: "Approve a canary recipient. The person confirms through the client (elicitation); the agent cannot.",
    readOnly: false,
    openWorld: false,
  },
  {
    name: "send_canary",
    command: "send",
    description:
      "Send ONE live canary to an approved recipient. The person confirms the exact plan through the client " +
      "(elicitation); the agent never sees or supplies a plan token.",
    fixed: { canary: true },
    omit: ["toList", "connections", "rate"],
    readOnly: false,
    openWorld: true,
    destructive: true,
  },
  {
    name: "send_scale",
    command: "send",
    description:
      "Send a message to a recipient list after a canary verified in the inbox. The person confirms the exact " +
      "plan (recipient count, message digest) through the client; refused otherwise.",
    omit: ["canary", "to"],
    readOnly: false,
    openWorld: true,
    destructive: true,
  },
];

/** The command definition a tool runs. */
export function commandOf(commands: readonly (CommandSpec | GroupSpec)[], path: string): CommandSpec {
  const [first, second] = path.split(" ");
  const top = commands.find((c) => c.name === first);
  const spec = top && isGroup(top) ? top.commands.find((c) => c.name === second) : top;
  if (!spec || isGroup(spec)) throw new Error(`No command ${path} for an MCP tool`);
  return spec;
}
