/**
 * The definition of `smtpilot canary add|list|rm`: the approved canary
 * recipients in memory.md — the only addresses a canary send may reach.
 */
import { CANARIES_SCHEMA } from "../../core/schemas.ts";
import type { CommandSpec, GroupSpec } from "../command-spec.ts";
import { intOption } from "../usage.ts";

const _NOTES =
  "Exit codes: 0 done, 2 usage error (also: not on the list), 3 no memory folder or memory.md does not parse.";

/** `smtpilot canary add`. */
export const canaryAddSpec: CommandSpec = {
  name: "add",
  summary: "Approve a mailbox you control as a canary recipient (with IMAP access for verify)",
  effect: "memory",
  json: { schema: CANARIES_SCHEMA },
  args: [{ name: "address", description: "the canary mailbox", required: true }],
  options: [
    { flags: "--note <text>", description: "why this mailbox is a canary (kept with it)" },
    { flags: "--imap-host <host>", description: "IMAP server of the mailbox, for `smtpilot verify`" },
    { flags: "--imap-port <port>", description: "IMAP port (default: 993)", parse: intOption("--imap-port", 1, 65535) },
    { flags: "--imap-tls <mode>", description: "implicit (default) or starttls", choices: ["implicit", "starttls"] },
    { flags: "--imap-user <user>", description: "IMAP login (default: the address)" },
    { flags: "--imap-secret <ref>", description: "secret REFERENCE for the IMAP login (env:, dotenv:, cmd:, prompt)" },
    { flags: "--imap-servername <name>", description: "name the IMAP certificate must match" },
    { flags: "--imap-ca <file>", description: "private CA (PEM) of the IMAP server", complete: "file" },
    { flags: "--replace", description: "replace the entry of an address already on the list" },
  ],
  examples: [
    "smtpilot canary add me+canary@example.com --note 'my own inbox'",
    "smtpilot canary add canary@example.com --imap-host imap.example.com --imap-secret env:CANARY_IMAP_PASSWORD",
  ],
  notes: _NOTES,
  load: async () => (await import("./canary.ts")).runCanaryAdd,
};

/** `smtpilot canary list`. */
export const canaryListSpec: CommandSpec = {
  name: "list",
  summary: "List the approved canary recipients",
  effect: "offline",
  json: { schema: CANARIES_SCHEMA },
  options: [],
  examples: ["smtpilot canary list", "smtpilot canary list --json"],
  notes: _NOTES,
  load: async () => (await import("./canary.ts")).runCanaryList,
};

/** `smtpilot canary rm`. */
export const canaryRmSpec: CommandSpec = {
  name: "rm",
  summary: "Remove a canary recipient",
  effect: "memory",
  json: { schema: CANARIES_SCHEMA },
  args: [{ name: "address", description: "the canary to remove", required: true }],
  options: [],
  examples: ["smtpilot canary rm me+canary@example.com"],
  notes: _NOTES,
  load: async () => (await import("./canary.ts")).runCanaryRm,
};

/** `smtpilot canary`. */
export const canarySpec: GroupSpec = {
  name: "canary",
  summary: "Manage the approved canary recipients (the only targets of `send --canary`)",
  commands: [canaryAddSpec, canaryListSpec, canaryRmSpec],
  examples: [
    "smtpilot canary add me+canary@example.com",
    "smtpilot canary list",
    "smtpilot canary rm me+canary@example.com",
  ],
};
