/**
 * `smtpilot auth login NAME`: runs an OAuth profile's flow with the person —
 * the device code shown on the terminal (or, over MCP, in the client's
 * elicitation, never in a tool result), or the authorization URL opened in a
 * browser on this machine — and keeps the refresh token where the profile's
 * secret reference points: the credential store (`keyring:NAME`), or, with
 * --hand-over on a terminal, shown once for the person's own store. App-only
 * profiles check their credential instead (optionally storing the client
 * secret read from stdin). The access token is never printed.
 */
import { spawn } from "node:child_process";
import { UsageError } from "../../core/errors.ts";
import { EXIT_OK } from "../../core/exit.ts";
import { AUTH_SCHEMA } from "../../core/schemas.ts";
import type { DeviceCode } from "../../core/oauth/device-flow.ts";
import { loginProfile } from "../../core/oauth/login.ts";
import { oauthError } from "../../core/oauth/oauth-error.ts";
import { profileRun, tokenEndpointOf } from "../../core/oauth/profile-credential.ts";
import { resolveEndpoints } from "../../core/oauth/provider-oauth.ts";
import { tokenProblem } from "../../core/oauth/token-facts.ts";
import { providerFor } from "../../core/provider.ts";
import { refuse } from "../../core/send/gates.ts";
import { parseSecretRef } from "../../core/secrets.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { oauthDeps } from "../../core/oauth/run-credential.ts";
import { oauthProfileOf, renderTokenFacts } from "./auth-render.ts";

/** Flags of `auth login`. */
export interface AuthLoginFlags {
  browser?: boolean;
  handOver?: true;
  secretStdin?: true;
}

/** Runs the command. */
export async function runAuthLogin(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as AuthLoginFlags;
  const profile = await oauthProfileOf(memoryOf(ctx), String(input.args[0]));
  const provider = providerFor((await ctx.plugins()).providers, profile);
  const deps = oauthDeps(ctx);
  const run = profileRun(profile, provider, deps);
  const flow = run.settings.flow;
  const ref = parseSecretRef(run.secretRef);
  if (flags.handOver && (ctx.json || !ctx.interactive || ctx.agent)) {
    throw new UsageError("--hand-over shows the refresh token once on a terminal: not with --json, a pipe or MCP");
  }
  if (flow !== "client-credentials" && ref.kind !== "keyring" && !flags.handOver) {
    throw new UsageError(
      `Profile ${profile.name} keeps its refresh token at ${run.secretRef}, which smtpilot cannot write: ` +
        `use --secret keyring:smtpilot/${profile.name} on the profile, or --hand-over to put it in your own store`,
    );
  }
  if (ctx.agent && flow !== "device") {
    throw new UsageError(`Over MCP only the device flow can be started (the person completes it); ${flow} is not`);
  }
  if (ctx.agent && !ctx.confirm) {
    refuse("gate.no-confirmation", "A login needs the person, and this client cannot show them the code");
  }
  const endpoints = resolveEndpoints(run.provider, run.settings);
  const contacted = [
    flow === "device" ? endpoints.deviceAuthorization?.href : flow === "auth-code" ? endpoints.authorization.href : "",
    endpoints.token.href,
  ].filter(Boolean);
  // The mode line, before any request: what this login contacts.
  ctx.warn(`Mode: OAuth login (${flow}) for profile ${profile.name}; contacts ${contacted.join(" and ")}; no mail`);
  let appSecret: string | undefined;
  if (flags.secretStdin) {
    if (flow !== "client-credentials" || ref.kind !== "keyring") {
      throw new UsageError(
        "--secret-stdin stores an app-only profile's client secret; its secret must be keyring:NAME",
      );
    }
    appSecret = (await _stdinFirstLine()).trim();
    if (appSecret === "") throw new UsageError("--secret-stdin read nothing from stdin");
    ctx.protectSecrets([appSecret]);
  }
  const controller = new AbortController();
  const unregister = ctx.onCleanup(() => controller.abort(new Error("stopped")));
  try {
    const result = await loginProfile(run, {
      signal: controller.signal,
      showDeviceCode: (code) => _showCode(ctx, code, profile.name),
      openUrl: (url) => _openUrl(ctx, url, flags.browser !== false),
      ...(appSecret !== undefined ? { appSecret } : {}),
    });
    let stored: string;
    if (flow === "client-credentials") {
      if (appSecret !== undefined && ref.kind === "keyring") {
        await deps.keyring!.set(ref.name, appSecret, `smtpilot OAuth client secret (${profile.name})`);
        stored = run.secretRef;
      } else stored = "unchanged";
    } else if (ref.kind === "keyring") {
      await deps.keyring!.set(ref.name, result.tokens.refreshToken!, `smtpilot OAuth refresh token (${profile.name})`);
      stored = run.secretRef;
    } else {
      process.stderr.write(
        `\nThe refresh token, shown this once — put it in your own store, then point the profile's secret at it ` +
          `(e.g. --secret 'cmd:pass show smtpilot/${profile.name}'):\n\n${result.tokens.refreshToken}\n\n`,
      );
      stored = "handed-over";
    }
    const problem = tokenProblem(result.facts, run.provider);
    const document = {
      schema: AUTH_SCHEMA,
      action: "login",
      profile: profile.name,
      flow,
      tokenEndpoint: tokenEndpointOf(run),
      stored,
      token: result.facts,
      ...(problem ? { problem } : {}),
    };
    const text = [
      `Logged in: profile ${profile.name} (${flow})`,
      stored === "handed-over" ? "Refresh token: handed over (not stored by smtpilot)" : `Stored: ${stored}`,
      ...renderTokenFacts(result.facts),
      ...(problem ? [`Problem: ${problem.code}: ${problem.summary}`, `Next: ${problem.next}`] : []),
      `Next: smtpilot profile check ${profile.name}`,
    ].join("\n");
    return { exitCode: problem ? 15 : EXIT_OK, document, text: `${text}\n` };
  } finally {
    unregister();
  }
}

/** Shows the code to the person: on the terminal, or through the MCP client (the agent never gets it). */
async function _showCode(ctx: RunContext, code: DeviceCode, name: string): Promise<void> {
  const minutes = Math.max(1, Math.round((code.expiresAt - Date.now()) / 60_000));
  const where = code.verificationUriComplete ?? code.verificationUri;
  const line = `To log in profile ${name}, open ${where} and enter the code ${code.userCode} (valid ${minutes} min)`;
  if (!ctx.agent) {
    ctx.warn(line);
    return;
  }
  const typed = await ctx.confirm!({
    summary: `${line}. Sign in as the mailbox's owner there.`,
    code: "DONE",
  });
  if (typed === undefined) {
    throw oauthError(
      "auth.oauth-login-required",
      "The person declined the login",
      "The login was cancelled in the client before it completed.",
      `Start it again when the person is ready: smtpilot auth login ${name}`,
    );
  }
}

/** Prints the authorization URL, and opens it in the default browser unless --no-browser. */
function _openUrl(ctx: RunContext, url: URL, open: boolean): void {
  ctx.warn(`Open this URL to log in (it returns to a listener on 127.0.0.1): ${url.href}`);
  if (!open || !ctx.interactive) return;
  const [cmd, ...args] = process.platform === "darwin"
    ? ["open", url.href]
    : process.platform === "win32"
    ? ["rundll32", "url.dll,FileProtocolHandler", url.href]
    : ["xdg-open", url.href];
  const child = spawn(cmd as string, args, { stdio: "ignore", detached: true, shell: false });
  child.on("error", () => ctx.warn("No browser could be opened: open the URL above yourself"));
  child.unref();
}

function _stdinFirstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (d: string) => {
      data += d;
      if (data.includes("\n") || data.length > 64 * 1024) process.stdin.pause(), resolve(data.split(/\r?\n/)[0] ?? "");
    });
    process.stdin.on("end", () => resolve(data.split(/\r?\n/)[0] ?? ""));
    process.stdin.on("error", reject);
  });
}
