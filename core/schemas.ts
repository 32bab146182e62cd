/**
 * Version tags of the JSON documents whose command definitions need them at
 * start-up. Kept in a module that imports nothing, so `--help` and
 * `--version` load no crypto or network module to learn a string — and so a
 * command's definition (cli/commands/<name>.spec.ts) and the code that builds
 * the document (the command, or its use case in core/) both name it here,
 * without importing each other.
 */

/** `smtpilot preflight --json`. */
export const PLAN_SCHEMA = "smtpilot.plan/1";
/** `smtpilot recipes --json`. */
export const RECIPES_SCHEMA = "smtpilot.recipes/1";
/** `smtpilot send --json`. */
export const SEND_SCHEMA = "smtpilot.send/1";
/** `smtpilot verify --json`. */
export const VERIFY_SCHEMA = "smtpilot.verify/1";
/** `smtpilot draft --json`. */
export const DRAFT_SCHEMA = "smtpilot.draft/1";
/** `smtpilot status --json`. */
export const STATUS_SCHEMA = "smtpilot.status/1";
/** `smtpilot init --json`. */
export const INIT_SCHEMA = "smtpilot.init/1";
/** The canary commands' documents (`canary add|list|rm --json`). */
export const CANARIES_SCHEMA = "smtpilot.canaries/1";
/** `smtpilot fixture --json` (and `--list --json`). */
export const FIXTURE_SCHEMA = "smtpilot.fixture/1";
/** `smtpilot profile add|show|rm --json`: one profile and what was done with it. */
export const PROFILE_SCHEMA = "smtpilot.profile/1";
/** `smtpilot profile list --json`. */
export const PROFILES_SCHEMA = "smtpilot.profiles/1";
/** `smtpilot profile check --json`. */
export const PROFILE_CHECK_SCHEMA = "smtpilot.profile-check/1";
/** `smtpilot domain` with many domains, as the MCP tool returns it (one document with every report). */
export const DOMAIN_BATCH_SCHEMA = "smtpilot.domain-batch/1";

/** Version tag of `smtpilot auth login|status|logout`. */
export const AUTH_SCHEMA = "smtpilot.auth/1";
/** `smtpilot doctor --json`: an application's mail settings read, swept and diagnosed. */
export const DOCTOR_SCHEMA = "smtpilot.doctor/1";
