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
  /** Inputs the tool requires besides its command's required arguments (the command would otherwise read stdin or fail later). */
  required?: readonly string[];
  /** Descriptions written for an agent, by input name, where the command's (for a person at a shell) does not fit. */
  describe?: Readonly<Record<string, string>>;
  /** MCP annotations. */
  readOnly: boolean;
  openWorld: boolean;
  destructive?: boolean;
}

/** Options no tool takes: output plumbing, and what only a person may give. */
export const NEVER_FROM_AN_AGENT = ["json", "reporter", "transcript", "confirm", "plugin"] as const;

/** How a tool describes a profile input whose saved login must not be pointed elsewhere. */
const _PROFILE_TARGET =
  "a saved profile (see profile_list): its server, TLS mode, CA and login. With a profile that holds a secret, " +
  "host, port, tls, servername, ca and authMech may only repeat the profile's own values (otherwise refused)";

/** The secret reference a tool call may name (cmd: and prompt are refused from a tool call). */
const _SECRET_REF = "a secret REFERENCE: env:NAME or dotenv:FILE#KEY — never the secret itself";

/** The descriptions every send tool shares. */
const _SEND_DESCRIBE = {
  profile: "the saved profile to send through (see profile_list)",
  to: "the canary recipient: exactly one address approved as a canary (see canary_list)",
  toList: "the recipient list, one address per line" +
    " — a path inside the folder the person gave this server (relative names are taken there)",
} as const;

/** The tools, in the order tools/list shows them. */
export const TOOLS: readonly ToolDef[] = [
  { name: "status", command: "status", readOnly: true, openWorld: false },
  // `names` only changes how the CLI prints the list.
  { name: "profile_list", command: "profile list", readOnly: true, openWorld: false, omit: ["names"] },
  { name: "profile_show", command: "profile show", readOnly: true, openWorld: false },
  { name: "canary_list", command: "canary list", readOnly: true, openWorld: false },
  {
    name: "explain",
    command: "explain",
    readOnly: true,
    openWorld: false,
    needsInput: "reply",
    required: ["reply"],
    describe: {
      reply: "the SMTP replies to explain, one per item, as the server said them (code and text; a multi-line " +
        "reply as one item)",
    },
  },
  {
    name: "bounce",
    command: "bounce",
    readOnly: true,
    openWorld: false,
    textInput: { arg: "source", description: "one bounce message pasted as text (instead of source)" },
    needsInput: "source",
    describe: {
      source: "message files, mbox files or Maildir folders to read, inside the folder the person gave this " +
        "server (relative names are taken there); or paste one message as content",
    },
  },
  {
    name: "recipes",
    command: "recipes",
    readOnly: true,
    openWorld: false,
    omit: ["format"],
    describe: {
      profile: _PROFILE_TARGET,
      secret: `${_SECRET_REF}; the commands name it, nothing resolves it`,
    },
  },
  {
    name: "redact",
    command: "redact",
    readOnly: true,
    openWorld: false,
    textInput: { arg: "file", description: "the transcript, log or report to mask, pasted as text" },
    needsInput: "file",
    required: ["content"],
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
    describe: { profile: _PROFILE_TARGET },
  },
  // A settings file only from the folder the person gave the server (or pasted settings), and in an agent's
  // run the doctor reads no environment variable and uses no credential: the settings' host could be any server.
  {
    name: "doctor",
    command: "doctor",
    description: "Read an app's mail settings, name their contradictions, sweep the ports of the host and diagnose " +
      "the best path (connectivity probes: no credentials, no mail); says the lines to change",
    readOnly: false,
    openWorld: true,
    textInput: {
      arg: "target",
      description: "the app's mail settings pasted as text (.env, settings.py, application.properties or .yml, " +
        "wp-config.php, a Rails .rb or .yml), or one line: an SMTP URL, host[:port], an email address or a domain",
    },
    needsInput: "target",
    omit: ["fixture", "portBase", "user", "secret", "ca"],
    describe: {
      target: "the app's settings file (.env, settings.py, application.properties…), a path inside the folder the " +
        "person gave this server (relative names are taken there); or paste the settings or one line as content",
    },
  },
  {
    name: "domain",
    command: "domain",
    readOnly: true,
    openWorld: true,
    omit: ["note"],
    describe: {
      fromFile: "audit every domain listed in this file (one a line, or JSON {domain, ip, sender, helo}) — a path " +
        "inside the folder the person gave this server (relative names are taken there)",
    },
  },
  { name: "align", command: "align", readOnly: true, openWorld: true },
  {
    name: "preflight",
    command: "preflight",
    description: "Check a send without sending: diagnosis up to envelope (no DATA) and identity alignment. No plan " +
      "token is issued to an agent: send_canary and send_scale ask the person to confirm.",
    readOnly: false,
    openWorld: true,
    required: ["profile"],
    describe: {
      ..._SEND_DESCRIBE,
      to: `${_SEND_DESCRIBE.to}; give to or toList`,
      toList: `${_SEND_DESCRIBE.toList}; give to or toList`,
    },
  },
  {
    name: "verify",
    command: "verify",
    description: "Find out where an accepted canary landed: inbox, spam, bounced or missing (IMAP into the canary " +
      "mailbox, or a bounce). Only the person can state a placement, at a terminal.",
    readOnly: false,
    openWorld: true,
    omit: ["placement", "note"],
    describe: {
      messageId: "the Message-ID of the canary (see the send log); give messageId or last",
      last: "the last canary in the send log; give messageId or last",
      bounce: "bounce messages to check for this canary: message files, mbox files or Maildir folders inside " +
        "the folder the person gave this server (relative names are taken there)",
    },
  },
  {
    name: "profile_add",
    command: "profile add",
    description: "Save a provider profile. The person approves it (with any profile it replaces) through the client.",
    readOnly: false,
    openWorld: true,
    describe: { secret: _SECRET_REF },
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
    describe: {
      imapHost: "IMAP server of the mailbox, where verify looks for the canary",
      imapSecret: `${_SECRET_REF} (the IMAP login's)`,
    },
  },
  {
    name: "send_canary",
    command: "send",
    description:
      "Send ONE live canary to an approved recipient. The person confirms the exact plan through the client " +
      "(elicitation); the agent never sees or supplies a plan token.",
    fixed: { canary: true },
    omit: ["toList", "connections", "rate"],
    required: ["profile", "to"],
    describe: _SEND_DESCRIBE,
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
    required: ["profile", "toList"],
    describe: _SEND_DESCRIBE,
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
