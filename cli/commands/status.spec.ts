/**
 * The definition of `smtpilot status`: what the memory folder holds.
 */
import { STATUS_SCHEMA } from "../../core/schemas.ts";
import type { CommandSpec } from "../command-spec.ts";

/** `smtpilot status`. */
export const statusSpec: CommandSpec = {
  name: "status",
  summary: "Show the memory folder: what is approved, each profile's last check, and warnings",
  effect: "offline",
  json: { schema: STATUS_SCHEMA },
  options: [],
  examples: ["smtpilot status", "smtpilot status --json", "smtpilot --home ./smtp-memory status"],
  notes: "Warnings: memory.permissions-too-open, memory.profile-never-checked, memory.profile-check-failed,\n" +
    "memory.file-invalid, memory.file-missing, memory.entry-torn. Exit codes: 0 shown (warnings allowed), 2 usage error, 3 no memory folder, or a file missing or not parsing.",
  load: async () => (await import("./status.ts")).runStatus,
};
