/**
 * Authorization code with PKCE and a loopback redirect (RFC 7636, RFC 8252),
 * where a browser runs on this machine: smtpilot listens on 127.0.0.1 on a
 * port the system picks, sends the person to the authorization URL, and
 * takes the code the browser brings back — checked against the state it
 * sent — before exchanging it with the S256 code verifier. The listener
 * answers one callback and closes.
 */
import http from "node:http";
import {
  authorizationCodeGrantRequest,
  calculatePKCECodeChallenge,
  generateRandomCodeVerifier,
  generateRandomState,
  processAuthorizationCodeResponse,
  validateAuthResponse,
} from "oauth4webapi";
import { reduceTokens, type Tokens } from "./grants.ts";
import type { OAuthClient } from "./oauth-client.ts";

/** Hooks of the flow. */
export interface AuthCodeHooks {
  /** Shows (or opens) the authorization URL for the person. */
  open(url: URL): void | Promise<void>;
  /** Extra authorization parameters (Google: access_type=offline, prompt=consent; login_hint). */
  extra?: Record<string, string>;
  signal?: AbortSignal;
}

const _PAGE = (ok: boolean) =>
  `<!doctype html><meta charset="utf-8"><title>smtpilot</title><p>${
    ok ? "Login complete: you can close this window and return to the terminal." : "Login failed: see the terminal."
  }</p>`;

/** Runs the flow: resolves with tokens once the browser came back with a code. */
export async function authCodeFlow(c: OAuthClient, scopes: readonly string[], hooks: AuthCodeHooks): Promise<Tokens> {
  const verifier = generateRandomCodeVerifier();
  const challenge = await calculatePKCECodeChallenge(verifier);
  const state = generateRandomState();
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  try {
    const port = (server.address() as { port: number }).port;
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const url = new URL(c.as.authorization_endpoint as string);
    const params: Record<string, string> = {
      client_id: c.client.client_id,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: scopes.join(" "),
      code_challenge: challenge,
      code_challenge_method: "S256",
      state,
      ...hooks.extra,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const callback = new Promise<URL>((resolve, reject) => {
      hooks.signal?.addEventListener("abort", () => reject(hooks.signal?.reason), { once: true });
      server.on("request", (req, res) => {
        const got = new URL(req.url ?? "/", redirectUri);
        if (got.pathname !== "/callback") {
          res.writeHead(404).end();
          return;
        }
        const ok = got.searchParams.has("code");
        res.writeHead(ok ? 200 : 400, { "content-type": "text/html; charset=utf-8" }).end(_PAGE(ok));
        resolve(got);
      });
    });
    await hooks.open(url);
    const returned = await callback;
    const validated = validateAuthResponse(c.as, c.client, returned, state);
    const res = await authorizationCodeGrantRequest(
      c.as,
      c.client,
      c.auth,
      validated,
      redirectUri,
      verifier,
      c.options,
    );
    return reduceTokens(await processAuthorizationCodeResponse(c.as, c.client, res));
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
