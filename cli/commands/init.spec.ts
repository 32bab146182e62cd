/**
 * The definition of `smtpilot init`: create the memory folder and its files.
 */
import { INIT_SCHEMA } from "../../core/schemas.ts";
import type { CommandSpec } from "../command-spec.ts";

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
