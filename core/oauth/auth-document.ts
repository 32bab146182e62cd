/**
 * The versioned document of `smtpilot auth login|status|logout` and what a
 * token's state looks like in it: decoded facts and the problem found, never
 * the token, never the refresh token.
 */

/** Version tag of the auth commands' documents. */
export const AUTH_SCHEMA = "smtpilot.auth/1";
