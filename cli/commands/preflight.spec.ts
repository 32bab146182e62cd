/**
 * The definition of `smtpilot preflight`: everything a send would check,
 * without sending — and, when it passes, the plan token that approves
 * exactly that send.
 */
import { PLAN_SCHEMA } from "../../core/schemas.ts";
import type { CommandSpec } from "../command-spec.ts";
import { SEND_TARGET_OPTIONS } from "./send-options.ts";

/** `smtpilot preflight`. */
export const preflightSpec: CommandSpec = {
  name: "preflight",
  summary: "Check a send without sending: diagnosis up to envelope, identity alignment, and a plan token",
  effect: "network",
  json: { schema: PLAN_SCHEMA },
  options: SEND_TARGET_OPTIONS,
  examples: [
    'smtpilot preflight --profile lab --to me+canary@example.com --subject "Welcome" --text-file welcome.txt',
    "smtpilot preflight --profile lab --to me+canary@example.com --eml ./welcome.eml --json",
    "smtpilot preflight --profile lab --to-list customers.txt --eml ./welcome.eml",
  ],
  notes:
    "No mail is sent: MAIL FROM and RCPT TO are tried, then RSET (never DATA). A passing preflight prints a plan\n" +
    "token that `smtpilot send … --confirm TOKEN` accepts for exactly the same profile, recipients and message, until\n" +
    "it expires (30 min). Exit codes: 0 plan issued, 1 alignment error, 2 usage error, 3 memory folder unusable,\n" +
    "4 refused by a safety gate, 10-16 the diagnosis failed at that layer.",
  load: async () => (await import("./preflight.ts")).runPreflightCommand,
};
