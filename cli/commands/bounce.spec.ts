/**
 * The definition of `smtpilot bounce`: read bounce messages (files, an mbox,
 * a Maildir folder, stdin) and classify every recipient.
 */
import type { CommandSpec } from "../command-spec.ts";
import { BOUNCE_SCHEMA } from "../../core/bounce/schema.ts";

/** `smtpilot bounce`. */
export const bounceSpec: CommandSpec = {
  name: "bounce",
  summary: "Read bounce messages (DSNs, MTA bounces, complaints, auto-replies) and classify each recipient",
  effect: "offline",
  json: { schema: BOUNCE_SCHEMA },
  args: [{
    name: "source",
    description: "a message file, an mbox, a Maildir folder, or - for stdin (default: stdin when piped)",
    variadic: true,
    complete: "file",
  }],
  options: [{
    flags: "--explain",
    description: "show why each recipient got its reason: the rule, the evidence it read and the SMTP stage",
  }],
  examples: [
    "smtpilot bounce returned.eml",
    "smtpilot bounce ~/Maildir/.Bounces --json",
    "smtpilot bounce bounces.mbox other.eml",
    "smtpilot bounce --explain returned.eml",
    "cat returned.eml | smtpilot bounce -",
  ],
  notes: "Exit codes: 0 every source was read, 3 a source could not be read (it gets an error entry;\n" +
    "the others are still reported), 2 usage error, 70 internal error. Never touches the network;\n" +
    "messages are streamed and printed as they are read, so size and count do not matter (a progress\n" +
    "line on a terminal). Inside a Maildir only regular files are read (links, FIFOs and devices are\n" +
    "skipped with bounce.not-a-file). Reasons (Sisimai 5's names), kinds and fields: docs/bounces.md and docs/codes.md.",
  load: async () => (await import("./bounce.ts")).runBounce,
};
