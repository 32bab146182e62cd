// An OAuth profile end to end in-process: a device login at the fixture's identity server, then the
// profile's run gets a fresh access token (announced before any request) and the auth layer uses it
// against the Microsoft 365 and Gmail personas; SMTP AUTH off, a token without the SMTP scope, an
// expired token and a refresh token past its lifetime each end with their own code.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { diagnose } from "../../core/diagnose.ts";
import { systemIo } from "../../core/io.ts";
import { loginProfile } from "../../core/oauth/login.ts";
import { oauthAuthOptions, profileRun } from "../../core/oauth/profile-credential.ts";
import { AccessTokenSource } from "../../core/oauth/token-source.ts";
import { retirementWarnings } from "../../core/oauth/retirement.ts";
import { parseProfile, type ProviderProfile } from "../../core/profile.ts";
import { type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { FIXTURE_M365_ACCOUNT, FIXTURE_TENANT } from "../../fixtures/oauth-apps.ts";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { memoryKeyring } from "./memory-keyring.ts";
import { completeDeviceLogin } from "./person.ts";
import { m365Profile } from "./m365-profile.ts";
import { ANSWERED_WITHIN_MS } from "../helpers/wait-until.ts";

const registry = await loadAllPlugins([]);
const m365 = registry.providers.get("m365")!;
let fx: RunningFixture;
const keyring = memoryKeyring();
const entries = keyring.entries;

before(async () => {
  fx = await startFixture({ scenarios: ["m365", "m365-smtp-auth-disabled"] });
});
after(async () => await fx.close());

function profile(over: Partial<ProviderProfile> = {}): ProviderProfile {
  return m365Profile(fx, over);
}

function deps(announced: string[] = []) {
  return {
    resolve: async (ref: string) => entries.get(ref.replace(/^keyring:/, "")) ?? (await Promise.resolve(undefined)),
    protect: () => {},
    readFile: () => fx.caPem,
    keyring,
    announce: (line: string) => void announced.push(line),
  };
}

async function probe(p: ProviderProfile, port = fx.ports.m365!) {
  const { auth } = await oauthAuthOptions({ ...p, oauth: { ...p.oauth!, ca: "fixture-ca.pem" } }, m365, deps());
  return await diagnose(
    {
      host: fx.host,
      port,
      tls: "starttls",
      ca: fx.caPem,
      auth,
      to: [],
      timeoutMs: ANSWERED_WITHIN_MS,
      declaredSize: 1000,
    },
    systemIo(),
  );
}

test("a profile that never logged in fails at auth with auth.oauth-login-required, after the connection layers", async () => {
  const report = await probe(profile());
  assert.equal(report.verdict.code, "auth.oauth-login-required");
  assert.equal(report.layers.find((l) => l.id === "ehlo")?.status, "pass");
});

test("device login, then a profile check passes with XOAUTH2; the token endpoint is announced first", async () => {
  const p = profile();
  const run = profileRun({ ...p, oauth: { ...p.oauth!, ca: "x" } }, m365, deps());
  const result = await loginProfile(run, {
    showDeviceCode: (code) => completeDeviceLogin(code.verificationUri, code.userCode),
    openUrl: () => {},
  });
  entries.set("smtpilot/work", result.tokens.refreshToken!);
  const announced: string[] = [];
  await oauthAuthOptions({ ...p, oauth: { ...p.oauth!, ca: "x" } }, m365, deps(announced));
  assert.equal(announced.length, 1);
  assert.match(announced[0]!, new RegExp(`${fx.oauth!.origin}/${FIXTURE_TENANT}/oauth2/v2\\.0/token`));
  const report = await probe(p);
  assert.equal(report.verdict.status, "pass", JSON.stringify(report.verdict));
  const auth = report.layers.find((l) => l.id === "auth")!;
  assert.equal(auth.facts.mechanism, "XOAUTH2");
  assert.equal((auth.facts.token as { account?: string }).account, FIXTURE_M365_ACCOUNT);
  assert.ok(!JSON.stringify(report).includes(entries.get("smtpilot/work")!), "the refresh token is in the report");
  assert.ok(fx.events.some((e) => e.scenario === "m365" && e.kind === "auth" && /XOAUTH2 .*: accepted/.test(e.detail)));
});

test("OAuth does not bypass SMTP AUTH turned off for the mailbox", async () => {
  const report = await probe(profile(), fx.ports["m365-smtp-auth-disabled"]);
  assert.equal(report.verdict.code, "auth.smtp-auth-disabled");
});

test("an expired access token is named before it is sent; a token near its end is refreshed", async () => {
  fx.oauth!.tokens.lifetimes.accessTokenSeconds = 0;
  try {
    const report = await probe(profile());
    assert.equal(report.verdict.code, "auth.oauth-token-expired");
  } finally {
    fx.oauth!.tokens.lifetimes.accessTokenSeconds = 3600;
  }
  const p = profile();
  const source = new AccessTokenSource(profileRun({ ...p, oauth: { ...p.oauth!, ca: "x" } }, m365, deps()));
  const first = await source.current();
  assert.equal((await source.current()).token, first.token, "a fresh token is reused");
  const later = await source.current(Date.now() + 3_560_000);
  assert.notEqual(later.token, first.token, "a token with less than a minute left is refreshed");
});

test("a token without SMTP.Send never reaches the server: auth.oauth-wrong-audience", async () => {
  const p = profile({
    oauth: { ...profile().oauth!, scopes: ["https://graph.microsoft.com/Mail.Send", "offline_access"] },
  });
  const run = profileRun({ ...p, oauth: { ...p.oauth!, ca: "x" } }, m365, deps());
  const result = await loginProfile(run, {
    showDeviceCode: (code) => completeDeviceLogin(code.verificationUri, code.userCode),
    openUrl: () => {},
  });
  entries.set("smtpilot/work", result.tokens.refreshToken!);
  const before = fx.events.filter((e) => e.kind === "auth").length;
  const report = await probe(p);
  assert.equal(report.verdict.code, "auth.oauth-wrong-audience");
  assert.equal(fx.events.filter((e) => e.kind === "auth").length, before, "the token was sent anyway");
});

test("a refresh token past its lifetime: auth.oauth-invalid-grant at the auth layer", async () => {
  fx.oauth!.tokens.lifetimes.refreshTokenSeconds = 0;
  try {
    const report = await probe(profile());
    assert.equal(report.verdict.code, "auth.oauth-invalid-grant");
  } finally {
    delete fx.oauth!.tokens.lifetimes.refreshTokenSeconds;
  }
});

test("a password profile of m365 is warned about Basic auth's retirement; an OAuth one is not", () => {
  const password = parseProfile({ ...profile(), oauth: undefined, auth: { user: "a@b.c", secret: "env:X" } });
  const w = retirementWarnings(password, m365, Date.parse("2026-12-07"));
  assert.equal(w[0]?.code, "profile.depends-on-retiring");
  assert.equal(w[0]?.date, "2026-12-31");
  assert.deepEqual(retirementWarnings(profile(), m365), []);
});
