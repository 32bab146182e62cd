/**
 * The device authorization grant (RFC 8628), for terminals and agents: the
 * identity platform gives a user code and a verification URL, the person
 * completes the login there — on any device, in their own browser — and the
 * client polls the token endpoint at the interval the server asked for.
 * `show` puts the URL and code in front of the person (a terminal line, an
 * MCP elicitation); the code never goes anywhere else.
 */
import {
  deviceAuthorizationRequest,
  deviceCodeGrantRequest,
  processDeviceAuthorizationResponse,
  processDeviceCodeResponse,
  ResponseBodyError,
} from "oauth4webapi";
import type { Tokens } from "./grants.ts";
import { reduceTokens } from "./grants.ts";
import type { OAuthClient } from "./oauth-client.ts";

/** What the person must see to complete the login. */
export interface DeviceCode {
  verificationUri: string;
  verificationUriComplete?: string;
  userCode: string;
  /** Epoch ms after which the code is void. */
  expiresAt: number;
}

/** Hooks of the device flow. */
export interface DeviceFlowHooks {
  /** Shows the code to the person; may return a promise that rejects to cancel (a declined elicitation). */
  show(code: DeviceCode): void | Promise<void>;
  signal?: AbortSignal;
}

/** The shortest poll interval honoured, whatever a server says (RFC 8628 defaults to 5 s). */
const _MIN_INTERVAL_MS = 200;

/** Runs the device flow to the end: resolves with tokens, or throws the platform's error (access_denied, expired_token…). */
export async function deviceFlow(c: OAuthClient, scopes: readonly string[], hooks: DeviceFlowHooks): Promise<Tokens> {
  const res = await deviceAuthorizationRequest(
    c.as,
    c.client,
    c.auth,
    new URLSearchParams({ scope: scopes.join(" ") }),
    c.options,
  );
  const d = await processDeviceAuthorizationResponse(c.as, c.client, res);
  const code: DeviceCode = {
    verificationUri: d.verification_uri,
    userCode: d.user_code,
    expiresAt: Date.now() + d.expires_in * 1000,
    ...(d.verification_uri_complete ? { verificationUriComplete: d.verification_uri_complete } : {}),
  };
  let cancelled: unknown;
  const shown = Promise.resolve(hooks.show(code)).catch((err) => void (cancelled = err ?? new Error("cancelled")));
  let interval = Math.max((d.interval ?? 5) * 1000, _MIN_INTERVAL_MS);
  for (;;) {
    await _wait(interval, hooks.signal);
    if (cancelled) throw cancelled;
    const poll = await deviceCodeGrantRequest(c.as, c.client, c.auth, d.device_code, c.options);
    try {
      const tokens = reduceTokens(await processDeviceCodeResponse(c.as, c.client, poll));
      void shown;
      return tokens;
    } catch (err) {
      if (err instanceof ResponseBodyError && err.error === "authorization_pending") continue;
      if (err instanceof ResponseBodyError && err.error === "slow_down") {
        interval += 5000;
        continue;
      }
      throw err;
    }
  }
}

function _wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
