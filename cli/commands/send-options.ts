/**
 * The options `preflight` and `send` share, defined once — in a module of its
 * own so the command definitions load nothing heavy (--help stays fast).
 */
import type { OptionSpec } from "../command-spec.ts";
import { secondsOption } from "../usage.ts";
import { MESSAGE_OPTIONS } from "./message-options.ts";

/** Options shared by preflight and send. */
export const SEND_TARGET_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "--profile <name>",
    description: "the saved profile to send through (required)",
    complete: { dynamic: "profile-names" },
  },
  { flags: "--to <address>", description: "the canary recipient (exactly one; see smtpilot canary)", repeatable: true },
  {
    flags: "--to-list <file>",
    description: "recipients for a scale send, one address per line",
    complete: "file",
    conflicts: ["to"],
  },
  { flags: "--from <address>", description: "header From (default: the profile's)" },
  { flags: "--envelope-from <address>", description: "envelope sender, MAIL FROM (default: the profile's)" },
  ...MESSAGE_OPTIONS,
  { flags: "--allow-external", description: "allow a canary outside the sender's organisation" },
  { flags: "--resolver <ip[:port]>", description: "DNS server for the alignment lookups (DMARC)" },
  {
    flags: "--timeout <seconds>",
    description: "per-step timeout in seconds, at most 600 (default: 10)",
    parse: secondsOption("--timeout"),
  },
];
