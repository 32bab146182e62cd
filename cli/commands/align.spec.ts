/**
 * The definition of `smtpilot align`: a message's identities in, their
 * alignment out — for the command line and the MCP tool alike.
 */
import type { CommandSpec } from "../command-spec.ts";
import { secondsOption } from "../usage.ts";

/** `smtpilot align`. */
export const alignSpec: CommandSpec = {
  name: "align",
  summary: "Check that a message's identities (AUTH account, envelope sender, From, DKIM d=) align for DMARC",
  effect: "network",
  json: { schema: "smtpilot.align/1" },
  options: [
    { flags: "--from <address>", description: "the header From address (required unless the --profile has one)" },
    { flags: "--envelope-from <address>", description: "the envelope sender (MAIL FROM, later the Return-Path)" },
    { flags: "--auth-user <user>", description: "the SMTP AUTH account the message is submitted with" },
    { flags: "--dkim-domain <domain>", description: "the d= domain the message is signed with" },
    {
      flags: "--return-path <address>",
      description: "the Return-Path as delivered, when it differs from --envelope-from",
    },
    {
      flags: "--profile <name>",
      description: "take the identities from a saved profile and apply its provider's identity rules",
      complete: { dynamic: "profile-names" },
    },
    { flags: "--resolver <ip[:port]>", description: "use this DNS server instead of the system's" },
    {
      flags: "--timeout <seconds>",
      description: "per-query DNS timeout in seconds, at most 600 (default: 2.5, two tries)",
      parse: secondsOption("--timeout"),
    },
  ],
  examples: [
    "smtpilot align --from news@example.com --envelope-from bounces@mail.example.com --dkim-domain example.com",
    "smtpilot align --from me@example.com --auth-user me@gmail.com --envelope-from me@gmail.com",
    "smtpilot align --from app@example.com --dkim-domain sendgrid.net --json",
    "smtpilot align --profile gmail --from newsletter@example.com",
  ],
  notes: "Exit codes: 0 at least one method aligns (or nothing to compare), 1 an alignment error,\n" +
    "2 usage error, 3 environment error (no DNS answer), 70 internal error (a bug).",
  load: async () => (await import("./align.ts")).runAlign,
};
