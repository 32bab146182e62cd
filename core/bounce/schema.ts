/** Version tag of `smtpilot bounce --json`; a file of its own so the command definition loads nothing else. */
export const BOUNCE_SCHEMA = "smtpilot.bounce/1";
