// The OAuth grants against the fixture's identity server (HTTPS on loopback, fixture CA): the device
// flow completed by a "person" at the verification page, code + PKCE through a loopback redirect,
// client credentials with a secret and with a certificate, refresh with rotation written back to the
// credential store, invalid_grant after the refresh token's lifetime, and Gmail's device flow refused
// before any request.
import { memoryKeyring } from "./memory-keyring.ts";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fixtureCa } from "../../fixtures/cert-profiles.ts";
import { daysFromNow, selfSignedCert } from "../../fixtures/certs.ts";
import type { FixtureEvent } from "../../fixtures/events.ts";
import {
  FIXTURE_GMAIL_ACCOUNT,
  FIXTURE_GOOGLE_CLIENT_ID,
  FIXTURE_M365_ACCOUNT,
  FIXTURE_M365_APP_ID,
  FIXTURE_M365_APP_SECRET,
  FIXTURE_M365_CLIENT_ID,
  FIXTURE_M365_NOROLE_APP_ID,
  FIXTURE_TENANT,
} from "../../fixtures/oauth-apps.ts";
import { type FixtureOAuthServer, startOAuthServer } from "../../fixtures/oauth-server.ts";
import { loginProfile } from "../../core/oauth/login.ts";
import type { OAuthSettings } from "../../core/oauth/oauth-settings.ts";
import { tokenProblem } from "../../core/oauth/token-facts.ts";
import { AccessTokenSource, type OAuthProfileRun } from "../../core/oauth/token-source.ts";
import { GMAIL_OAUTH } from "../../plugins/gmail/oauth.ts";
import { M365_OAUTH } from "../../plugins/m365/oauth.ts";
import { completeDeviceLogin, consentInBrowser } from "./person.ts";

let server: FixtureOAuthServer;
const events: FixtureEvent[] = [];

before(async () => {
  server = await startOAuthServer({
    host: "127.0.0.1",
    record: (kind, detail) => void events.push({ scenario: "oauth", kind, detail }),
  });
});
after(async () => await server.close());

function run(
  settings: Partial<OAuthSettings> & Pick<OAuthSettings, "flow" | "clientId">,
  opts: { provider?: typeof M365_OAUTH; user?: string; secretRef?: string } = {},
) {
  const protectedValues: string[] = [];
  const requests: string[] = [];
  const keyring = memoryKeyring();
  const r: OAuthProfileRun = {
    name: "work",
    settings: { origin: server.origin, tenant: FIXTURE_TENANT, ...settings },
    provider: opts.provider ?? M365_OAUTH,
    user: opts.user ?? FIXTURE_M365_ACCOUNT,
    secretRef: opts.secretRef ?? "keyring:smtpilot/work",
    resolve: async (ref) => {
      const m = /^keyring:(.+)$/.exec(ref);
      const env = /^env:(.+)$/.exec(ref);
      const value = m ? await keyring.get(m[1] as string) : env ? process.env[env[1] as string] : undefined;
      if (value) protectedValues.push(value);
      return value;
    },
    readFile: (f) => (f === "ca" ? fixtureCa().certPem : f),
    keyring,
    onRequest: (method, url) => void requests.push(`${method} ${url.pathname}`),
    protect: (v) => void protectedValues.push(v),
  };
  r.settings.ca = "ca";
  return { run: r, protectedValues, requests, keyring };
}

test("device flow: the person approves at the verification page; the refresh token rotates into the keyring", async () => {
  const { run: r, protectedValues, requests, keyring } = run({ flow: "device", clientId: FIXTURE_M365_CLIENT_ID });
  let shown = 0;
  const result = await loginProfile(r, {
    showDeviceCode: async (code) => {
      shown++;
      assert.match(code.verificationUri, /^https:\/\/127\.0\.0\.1:\d+\/devicelogin$/);
      await completeDeviceLogin(code.verificationUri, code.userCode);
    },
    openUrl: () => assert.fail("no URL in the device flow"),
  });
  assert.equal(shown, 1);
  assert.equal(result.facts.kind, "jwt");
  assert.deepEqual(result.facts.audience, ["https://outlook.office.com"]);
  assert.deepEqual(result.facts.scopes, ["SMTP.Send"]);
  assert.equal(result.facts.account, FIXTURE_M365_ACCOUNT);
  assert.equal(tokenProblem(result.facts, M365_OAUTH), undefined);
  assert.ok(result.tokens.refreshToken);
  assert.ok(
    protectedValues.includes(result.tokens.accessToken) && protectedValues.includes(result.tokens.refreshToken!),
  );
  assert.ok(requests.some((x) => x.endsWith("/oauth2/v2.0/devicecode")) && requests.some((x) => x.endsWith("/token")));
  // A later run refreshes; Microsoft rotates the refresh token, and the new one is written back.
  keyring.entries.set("smtpilot/work", result.tokens.refreshToken!);
  const token = await new AccessTokenSource(r).current();
  assert.equal(token.rotated, true);
  assert.notEqual(keyring.entries.get("smtpilot/work"), result.tokens.refreshToken);
  assert.equal(server.tokens.check(token.token).status, "ok");
});

test("a declined device login ends with auth.oauth-login-required (exit 15)", async () => {
  const { run: r } = run({ flow: "device", clientId: FIXTURE_M365_CLIENT_ID });
  await assert.rejects(
    loginProfile(r, {
      showDeviceCode: (code) => completeDeviceLogin(code.verificationUri, code.userCode, "deny"),
      openUrl: () => {},
    }),
    (e: { code?: string; exitCode?: number; diagnosis?: { code: string } }) =>
      e.diagnosis?.code === "auth.oauth-login-required" && e.exitCode === 15,
  );
});

test("authorization code + PKCE through a loopback redirect (Google), then invalid_grant once the refresh token's lifetime is over", async () => {
  process.env.SMTPILOT_TEST_GOOGLE_SECRET = "smtpilot-demo-google-client-secret";
  const { run: r, keyring } = run(
    { flow: "auth-code", clientId: FIXTURE_GOOGLE_CLIENT_ID, clientSecret: "env:SMTPILOT_TEST_GOOGLE_SECRET" },
    { provider: GMAIL_OAUTH, user: FIXTURE_GMAIL_ACCOUNT },
  );
  let opened: URL | undefined;
  const result = await loginProfile(r, {
    showDeviceCode: () => assert.fail("no device code for Google"),
    openUrl: async (url) => {
      opened = url;
      await consentInBrowser(url);
    },
  });
  assert.equal(opened?.searchParams.get("code_challenge_method"), "S256");
  assert.equal(opened?.searchParams.get("access_type"), "offline");
  assert.match(opened?.searchParams.get("redirect_uri") ?? "", /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  assert.match(result.tokens.accessToken, /^ya29\./);
  assert.deepEqual(result.facts.scopes, ["https://mail.google.com/"]);
  keyring.entries.set("smtpilot/work", result.tokens.refreshToken!);
  assert.equal((await new AccessTokenSource(r).current()).rotated, false);
  server.tokens.lifetimes.refreshTokenSeconds = 0;
  try {
    await assert.rejects(new AccessTokenSource(r).current(), (e: { code?: string; diagnosis?: { next: string } }) => {
      assert.equal(e.code, "E_OAUTH_INVALID_GRANT");
      assert.match(e.diagnosis!.next, /In production/);
      return true;
    });
  } finally {
    delete server.tokens.lifetimes.refreshTokenSeconds;
  }
});

test("Gmail's device flow is refused before any request (Google allows no mail scope there)", async () => {
  const { run: r, requests } = run({ flow: "device", clientId: FIXTURE_GOOGLE_CLIENT_ID }, { provider: GMAIL_OAUTH });
  await assert.rejects(loginProfile(r, { showDeviceCode: () => {}, openUrl: () => {} }), {
    code: "E_OAUTH_FLOW_UNSUPPORTED",
  });
  assert.deepEqual(requests, []);
});

test("client credentials with a secret give an app-only token with SMTP.SendAsApp; without the role, auth.oauth-scope-missing", async () => {
  process.env.SMTPILOT_TEST_APP_SECRET = FIXTURE_M365_APP_SECRET;
  const ok = await new AccessTokenSource(
    run({ flow: "client-credentials", clientId: FIXTURE_M365_APP_ID }, { secretRef: "env:SMTPILOT_TEST_APP_SECRET" })
      .run,
  ).current();
  assert.deepEqual(ok.facts.roles, ["SMTP.SendAsApp"]);
  assert.deepEqual(ok.facts.audience, ["https://outlook.office365.com"]);
  assert.equal(tokenProblem(ok.facts, M365_OAUTH), undefined);
  const none = await new AccessTokenSource(
    run({ flow: "client-credentials", clientId: FIXTURE_M365_NOROLE_APP_ID }, {
      secretRef: "env:SMTPILOT_TEST_APP_SECRET",
    })
      .run,
  ).current();
  assert.equal(tokenProblem(none.facts, M365_OAUTH)?.code, "auth.oauth-scope-missing");
  process.env.SMTPILOT_TEST_APP_SECRET = "wrong";
  await assert.rejects(
    new AccessTokenSource(
      run({ flow: "client-credentials", clientId: FIXTURE_M365_APP_ID }, { secretRef: "env:SMTPILOT_TEST_APP_SECRET" })
        .run,
    ).current(),
    { code: "E_OAUTH_CLIENT_REJECTED" },
  );
});

test("client credentials with a certificate: a client assertion carrying the certificate's thumbprint", async () => {
  const cert = selfSignedCert({
    commonName: "smtpilot-app",
    sans: { dns: ["smtpilot-app"], ip: [] },
    notBefore: daysFromNow(-1),
    notAfter: daysFromNow(30),
  });
  server.registerCertificate(FIXTURE_M365_APP_ID, cert.certPem);
  process.env.SMTPILOT_TEST_APP_KEY = cert.keyPem;
  const { run: r } = run(
    { flow: "client-credentials", clientId: FIXTURE_M365_APP_ID, certificate: cert.certPem },
    { secretRef: "env:SMTPILOT_TEST_APP_KEY" },
  );
  const token = await new AccessTokenSource(r).current();
  assert.deepEqual(token.facts.roles, ["SMTP.SendAsApp"]);
});

test("a graph-scoped token is named as the wrong audience before any server sees it", async () => {
  const { run: r } = run({
    flow: "device",
    clientId: FIXTURE_M365_CLIENT_ID,
    scopes: ["https://graph.microsoft.com/Mail.Send", "offline_access"],
  });
  const result = await loginProfile(r, {
    showDeviceCode: (code) => completeDeviceLogin(code.verificationUri, code.userCode),
    openUrl: () => {},
  });
  assert.equal(tokenProblem(result.facts, M365_OAUTH)?.code, "auth.oauth-wrong-audience");
});
