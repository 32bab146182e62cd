/**
 * The credential of each new SMTP session of a long run (a scale send): an
 * OAuth profile's access token is asked of the run's token source for every
 * connection and reconnection — the one in memory while it has life left,
 * a refreshed one near its end — so a send that outlives a token never
 * presents it expired. When a server refuses a token that looked valid
 * (revoked, a clock behind the platform's), the session's login is tried
 * once more with a renewed token. Never throws: a token that cannot be had
 * becomes the auth options' `failure`, which the auth layer reports after
 * the connection layers ran, with its own code.
 */
import type { AuthOptions } from "../diagnose-options.ts";
import { OAuthError } from "./oauth-error.ts";
import type { AccessToken, AccessTokenSource } from "./token-source.ts";

/** What a session's auth options take from the credential: the secret, or why there is none, and the token's facts. */
export type SessionAuth = Pick<AuthOptions, "secret" | "failure" | "token">;

/** Where each new session of a run gets its credential. */
export interface SessionCredential {
  /** The credential for a new session: an access token with life left, or the failure to report. */
  current(): Promise<SessionAuth>;
  /** A credential in place of `rejected`, which a server refused although it looked valid. */
  renew(rejected: string | undefined): Promise<SessionAuth>;
}

/** Diagnosis codes of a login refused for its token, which a renewed token may cure. */
export const RENEWABLE_AUTH_CODES: ReadonlySet<string> = new Set([
  "auth.oauth-token-rejected",
  "auth.oauth-token-expired",
]);

/**
 * The session credential of an OAuth run. `onToken` sees each new token
 * first (the run registers it for redaction); `tokenEndpoint` is named in
 * the token's facts, as the first token's are.
 */
export function sessionCredential(
  source: AccessTokenSource,
  tokenEndpoint: string,
  onToken: (token: string) => void,
): SessionCredential {
  let last: string | undefined;
  const auth = async (get: () => Promise<AccessToken>): Promise<SessionAuth> => {
    try {
      const t = await get();
      if (t.token !== last) onToken(t.token);
      last = t.token;
      return { secret: t.token, token: { ...t.facts, tokenEndpoint, rotated: t.rotated } };
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      return { secret: undefined, failure: err.diagnosis, token: { tokenEndpoint } };
    }
  };
  return {
    current: () => auth(() => source.current()),
    renew: (rejected) => auth(() => (rejected === undefined ? source.current() : source.renew(rejected))),
  };
}
