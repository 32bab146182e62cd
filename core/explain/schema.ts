/** Version tag of `smtpilot explain --json`; a file of its own so the command definition loads nothing else. */
export const EXPLAIN_SCHEMA = "smtpilot.explain/1";
