/**
 * One OAuth scenario run through any build of the CLI (the single binary,
 * Deno): an app-only Microsoft 365 profile (client credentials, the client
 * secret from the environment, so no credential store is needed) against
 * the fixture's identity server and m365 persona, started in this process —
 * so oauth4webapi, jose and the verifying HTTPS fetch run inside that build.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { type RunningFixture, startFixture } from "../../fixtures/index.ts";
import {
  FIXTURE_M365_ACCOUNT,
  FIXTURE_M365_APP_ID,
  FIXTURE_M365_APP_SECRET,
  FIXTURE_TENANT,
} from "../../fixtures/oauth-apps.ts";

/** Runs the build with arguments and extra environment; resolves with its exit code and output. */
export type RunBuild = (
  args: string[],
  env: Record<string, string>,
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** Adds, checks and inspects an app-only OAuth profile through `run`; asserts each step. */
export async function appOnlyOAuthThrough(run: RunBuild, dir: string): Promise<void> {
  const fx: RunningFixture = await startFixture({ scenarios: ["m365"] });
  try {
    const ca = path.join(dir, "oauth-ca.pem");
    fs.writeFileSync(ca, fx.caPem);
    const home = path.join(dir, "oauth-home");
    const env = { APP_SECRET: FIXTURE_M365_APP_SECRET };
    const step = async (args: string[], expect = 0) => {
      const r = await run(["--home", home, ...args], env);
      assert.equal(r.code, expect, `${args.join(" ")}: ${r.stderr}`);
      return r;
    };
    await step(["init"]);
    await step([
      "profile",
      "add",
      "app",
      "--provider",
      "m365",
      "--host",
      "127.0.0.1",
      "--port",
      String(fx.ports.m365),
      "--ca",
      ca,
      "--user",
      FIXTURE_M365_ACCOUNT,
      "--oauth",
      "client-credentials",
      "--client-id",
      FIXTURE_M365_APP_ID,
      "--tenant",
      FIXTURE_TENANT,
      "--oauth-origin",
      fx.oauth!.origin,
      "--oauth-ca",
      ca,
      "--secret",
      "env:APP_SECRET",
    ]);
    const check = await step(["profile", "check", "app", "--json"]);
    assert.equal(JSON.parse(check.stdout).report.verdict.status, "pass");
    assert.match(check.stderr, /getting an access token from https:\/\/127\.0\.0\.1:\d+\//);
    const status = JSON.parse((await step(["auth", "status", "app", "--json"])).stdout);
    assert.equal(status.state, "ok");
    assert.deepEqual(status.token.roles, ["SMTP.SendAsApp"]);
    assert.ok(!check.stdout.includes(FIXTURE_M365_APP_SECRET) && !check.stderr.includes(FIXTURE_M365_APP_SECRET));
  } finally {
    await fx.close();
  }
}
