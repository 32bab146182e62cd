/**
 * The definition of `smtpilot draft`: compose a message offline and show
 * what a send would carry.
 */
import { DRAFT_SCHEMA } from "../../core/schemas.ts";
import type { CommandSpec } from "../command-spec.ts";
import { MESSAGE_OPTIONS } from "./message-options.ts";

/** `smtpilot draft`. */
export const draftSpec: CommandSpec = {
  name: "draft",
  summary: "Compose a message offline: headers, size, content digest and the Message-ID it will carry",
  effect: "offline",
  json: { schema: DRAFT_SCHEMA },
  options: [
    { flags: "--from <address>", description: 'header From, e.g. "Me <me@example.com>"' },
    {
      flags: "--to <address>",
      description: "recipient shown in To (repeatable; a send sets each one)",
      repeatable: true,
    },
    ...MESSAGE_OPTIONS,
    { flags: "--out <file>", description: "also write the composed message to this .eml file", complete: "file" },
  ],
  examples: [
    'smtpilot draft --from "Me <me@example.com>" --to you@example.net --subject "Hello" --text "Hi there"',
    "smtpilot draft --from me@example.com --subject Report --html-file report.html --attach report.pdf --json",
    "smtpilot draft --eml ./message.eml",
  ],
  notes:
    "Nothing is sent and the network is not used. Exit codes: 0 composed, 2 usage error, 3 --out cannot be written.",
  load: async () => (await import("./draft.ts")).runDraft,
};
