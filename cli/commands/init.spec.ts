/**
 * The definition of `smtpilot init`: create the memory folder and its files.
 */
import type { CommandSpec } from "../command-spec.ts";

/** Version tag of `smtpilot init --json`. */
export const INIT_SCHEMA = "smtpilot.init/1";

/** `smtpilot init`. */
export const initSpec: CommandSpec = {
  name: "init",
  summary: "Create the memory folder (~/smtp: memory, provider profiles, send log, deliverability notes)",
  effect: "memory",
  json: { schema: INIT_SCHEMA },
  options: [],
  examples: [
    "smtpilot init",
    "smtpilot --home ./smtp-memory init --json",
    "SMTPILOT_HOME=/srv/app/smtp smtpilot init",
  ],
  notes: "Idempotent: existing files are kept (permissions narrowed to the owner) and must still parse.\n" +
    "Never touches the network. Exit codes: 0 done, 2 usage error, 3 the folder or a file cannot be used or does\n" +
    "not parse (named with its line and field).",
  load: async () => (await import("./init.ts")).runInit,
};
