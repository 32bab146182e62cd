/**
 * Version tags of the JSON documents whose command definitions need them at
 * start-up. Kept in a module that imports nothing, so `--help` and
 * `--version` load no crypto or network module to learn a string.
 */

/** `smtpilot preflight --json`. */
export const PLAN_SCHEMA = "smtpilot.plan/1";
/** `smtpilot recipes --json`. */
export const RECIPES_SCHEMA = "smtpilot.recipes/1";
