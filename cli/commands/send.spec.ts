/**
 * The definition of `smtpilot send`: a canary to one approved recipient, or
 * a scale send to a list after a verified canary — never without a
 * confirmation bound to the exact plan.
 */
import { SEND_SCHEMA } from "../../core/schemas.ts";
import type { CommandSpec } from "../command-spec.ts";
import { intOption } from "../usage.ts";
import { SEND_TARGET_OPTIONS } from "./send-options.ts";

/** `smtpilot send`. */
export const sendSpec: CommandSpec = {
  name: "send",
  summary:
    "Send for real: a canary to one approved recipient, or a list after a verified canary (confirmation required)",
  effect: "mail",
  json: { schema: SEND_SCHEMA },
  options: [
    {
      flags: "--canary",
      description: "send one canary to the approved recipient given with --to",
      conflicts: ["toList"],
    },
    ...SEND_TARGET_OPTIONS,
    { flags: "--confirm <token>", description: "the plan token from `smtpilot preflight` for exactly this send" },
    {
      flags: "--connections <n>",
      description: "parallel connections of a scale send (default: 1)",
      parse: intOption("--connections", 1, 50),
    },
    {
      flags: "--rate <rate>",
      description: "pace of a scale send: 10/s, 600/min, 20000/day or none (default: the provider's, else memory.md's)",
    },
  ],
  examples: [
    "smtpilot send --canary --profile lab --to me+canary@example.com --eml ./welcome.eml   # asks on a terminal",
    "smtpilot send --canary --profile lab --to me+canary@example.com --eml ./welcome.eml --confirm spt-…",
    "smtpilot send --profile lab --to-list customers.txt --eml ./welcome.eml --confirm spt-… --rate 5/s",
  ],
  notes: "A 250 from the server means accepted and queued, not delivered: run `smtpilot verify` next. A scale send\n" +
    "needs a canary of the same profile, From and message verified in the inbox (smtpilot verify), journals every\n" +
    "recipient and, resumed after an interruption (a new preflight token for the same plan), never sends twice to a\n" +
    "recipient the server may have accepted.\n" +
    "Exit codes: 0 accepted (all recipients), 1 a scale send with refused recipients or stopped early, 2 usage error,\n" +
    "3 memory folder unusable, 4 refused by a safety gate (nothing was sent), 10-15 the session failed at that layer,\n" +
    "16 the canary was refused (at MAIL, RCPT or after DATA) or the session failed at envelope.",
  load: async () => (await import("./send.ts")).runSend,
};
