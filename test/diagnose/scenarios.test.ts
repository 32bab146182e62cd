import { test } from "node:test";
import assert from "node:assert/strict";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { FIXTURE_DEMO_TOKEN, FIXTURE_SCENARIOS } from "../../fixtures/index.ts";
import { DEMO_AUTH, diagnoseScenario, shared, useFixture } from "../helpers/fixture-run.ts";

useFixture({ slowBannerMs: 2300 });

const envelope = { from: "sender@smtpilot.test", to: ["rcpt@smtpilot.test"] };
const authProbe: Partial<DiagnoseOptions> = { auth: DEMO_AUTH, ...envelope };

/** Scenario + options in, verdict out (RuleTester style). `code: "pass"` means the verdict passes. */
const cases: { scenario: string; with?: Partial<DiagnoseOptions>; code: string; warning?: string; name?: string }[] = [
  { scenario: "healthy-starttls", with: authProbe, code: "pass" },
  { scenario: "healthy-starttls", name: "a connectivity probe", code: "pass" },
  {
    scenario: "healthy-starttls",
    name: "explicit --tls starttls",
    with: { ...authProbe, tls: "starttls" },
    code: "pass",
  },
  { scenario: "healthy-starttls", name: "MAIL FROM without AUTH", with: envelope, code: "envelope.auth-required" },
  {
    scenario: "healthy-starttls",
    name: "a wrong password",
    with: { auth: { ...DEMO_AUTH, secret: "wrong-password" } },
    code: "auth.invalid-credentials",
  },
  {
    scenario: "healthy-starttls",
    name: "an unset secret",
    with: { auth: { ...DEMO_AUTH, secret: undefined } },
    code: "auth.no-secret",
  },
  {
    scenario: "healthy-starttls",
    name: "implicit TLS on a STARTTLS port",
    with: { tls: "implicit" },
    code: "tls.mode-mismatch",
  },
  {
    scenario: "healthy-starttls",
    name: "a certificate for another name",
    with: { servername: "mail.example.org" },
    code: "tls.cert-hostname-mismatch",
  },
  { scenario: "healthy-starttls", name: "no private CA given", with: { ca: undefined }, code: "tls.cert-untrusted" },
  { scenario: "healthy-implicit", with: authProbe, code: "pass" },
  {
    scenario: "healthy-implicit",
    name: "explicit --tls implicit",
    with: { ...authProbe, tls: "implicit" },
    code: "pass",
  },
  {
    scenario: "healthy-implicit",
    name: "STARTTLS on an implicit-TLS port",
    with: { tls: "starttls" },
    code: "tls.mode-mismatch",
  },
  {
    scenario: "healthy-implicit",
    name: "plaintext on an implicit-TLS port",
    with: { tls: "none" },
    code: "tls.mode-mismatch",
  },
  { scenario: "no-starttls", code: "tls.starttls-not-offered" },
  {
    scenario: "no-starttls",
    name: "--tls none",
    with: { tls: "none" },
    code: "pass",
    warning: "ehlo.auth-offered-in-clear",
  },
  {
    scenario: "no-starttls",
    name: "credentials without TLS",
    with: { tls: "none", auth: DEMO_AUTH },
    code: "auth.tls-required",
  },
  { scenario: "cert-expired", code: "tls.cert-expired" },
  { scenario: "cert-not-yet-valid", code: "tls.cert-not-yet-valid" },
  { scenario: "cert-wrong-host", code: "tls.cert-hostname-mismatch" },
  { scenario: "cert-self-signed", code: "tls.cert-untrusted" },
  { scenario: "cert-untrusted-ca", code: "tls.cert-untrusted" },
  { scenario: "cert-expiring-soon", code: "pass", warning: "tls.cert-expiring-soon" },
  { scenario: "auth-invalid", with: authProbe, code: "auth.invalid-credentials" },
  { scenario: "auth-app-password", with: authProbe, code: "auth.app-password-required" },
  { scenario: "auth-xoauth2-only", with: authProbe, code: "auth.mechanism-unsupported" },
  {
    scenario: "auth-xoauth2-only",
    name: "an OAuth token",
    with: { auth: { ...DEMO_AUTH, secret: FIXTURE_DEMO_TOKEN, mechanism: "XOAUTH2" } },
    code: "pass",
  },
  { scenario: "auth-not-offered", with: authProbe, code: "auth.not-offered" },
  { scenario: "auth-tempfail", with: authProbe, code: "auth.temporary-failure" },
  { scenario: "relay-denied", with: envelope, code: "envelope.relay-denied" },
  { scenario: "sender-rejected", with: authProbe, code: "envelope.sender-rejected" },
  { scenario: "recipient-unknown", with: authProbe, code: "envelope.recipient-unknown" },
  { scenario: "greylisted", with: authProbe, code: "envelope.greylisted" },
  { scenario: "rate-limited", with: authProbe, code: "envelope.rate-limited" },
  { scenario: "size-limit", with: authProbe, code: "envelope.size-exceeded" },
  {
    scenario: "size-limit",
    name: "a declared size under the limit",
    with: { ...authProbe, declaredSize: 500 },
    code: "pass",
  },
  { scenario: "policy-rejected", with: envelope, code: "envelope.policy-rejected" },
  { scenario: "envelope-tempfail", with: authProbe, code: "envelope.temporary-failure" },
  { scenario: "banner-blocklisted", code: "greeting.rejected" },
  { scenario: "banner-busy", code: "greeting.busy" },
  { scenario: "banner-slow", code: "pass", warning: "greeting.slow" },
  { scenario: "drop-after-ehlo", code: "ehlo.connection-dropped" },
  { scenario: "ehlo-rejected", code: "ehlo.rejected" },
  { scenario: "helo-only", with: { tls: "none", ...envelope }, code: "pass", warning: "ehlo.helo-fallback" },
  { scenario: "no-banner", with: { timeoutMs: 2500 }, code: "greeting.timeout" },
  { scenario: "endless-line", code: "greeting.protocol-error" },
  { scenario: "endless-continuation", code: "greeting.protocol-error" },
  { scenario: "garbage-banner", code: "greeting.not-smtp" },
  { scenario: "non-numeric-reply", code: "greeting.protocol-error" },
  { scenario: "close-mid-reply", code: "greeting.protocol-error" },
  { scenario: "stall-after-ehlo", with: { timeoutMs: 1500 }, code: "ehlo.timeout" },
  // Silent until spoken to: the verdict comes after the whole timeout.
  { scenario: "http-server", with: { timeoutMs: 4000 }, code: "greeting.not-smtp" },
  // These fail only at DATA, which a diagnosis never sends: an auth probe with an envelope passes.
  { scenario: "spam", with: authProbe, code: "pass" },
  { scenario: "data-size-exceeded", with: authProbe, code: "pass" },
  { scenario: "data-rejected", with: authProbe, code: "pass" },
  { scenario: "data-tempfail", with: authProbe, code: "pass" },
  { scenario: "data-dropped", with: authProbe, code: "pass" },
  { scenario: "gmail", name: "a connectivity probe of the Gmail persona", code: "pass" },
  {
    scenario: "gmail",
    name: "a token the identity server never issued",
    with: {
      auth: {
        user: "demo@gmail.smtpilot.test",
        secret: "ya29.a0-not-issued-by-the-fixture-xxxxxxxx",
        secretRef: "env:T",
        mechanism: "XOAUTH2",
      },
    },
    code: "auth.oauth-token-rejected",
  },
  {
    scenario: "m365",
    name: "a password after Basic auth's retirement",
    with: authProbe,
    code: "auth.basic-auth-disabled",
  },
  { scenario: "m365-smtp-auth-disabled", with: authProbe, code: "auth.smtp-auth-disabled" },
  { scenario: "ses", with: authProbe, code: "pass" },
  // Ports rather than servers: a SYN nobody answers (a blocked port 25), and nothing listening.
  { scenario: "port-filtered", with: { timeoutMs: 800 }, code: "tcp.timeout" },
  { scenario: "port-refusing", code: "tcp.refused" },
];

for (const c of cases) {
  test(`diagnose() reports ${c.code} for ${c.scenario}${c.name ? ` with ${c.name}` : ""}`, async () => {
    const report = await diagnoseScenario(c.scenario, c.with);
    const got = report.verdict.status === "pass" ? "pass" : report.verdict.code;
    assert.equal(got, c.code, JSON.stringify(report.layers.filter((l) => l.status === "fail"), null, 1));
    if (c.warning) {
      assert.ok(report.layers.some((l) => l.warnings.some((w) => w.code === c.warning)), `warning ${c.warning}`);
    }
    const failedAt = report.layers.findIndex((l) => l.status === "fail");
    if (failedAt >= 0) {
      // Principle 1: everything after the first failure is skipped, nothing else failed.
      assert.ok(report.layers.slice(failedAt + 1).every((l) => l.status === "skip"));
      assert.equal(report.layers.filter((l) => l.status === "fail").length, 1);
    }
    assert.deepEqual([...report.layers.map((l) => l.id)].sort(), [
      "auth",
      "dns",
      "ehlo",
      "envelope",
      "greeting",
      "tcp",
      "tls",
    ]);
  });
}

test("every fixture scenario is covered by a diagnose case", () => {
  const covered = new Set(cases.map((c) => c.scenario));
  assert.deepEqual(FIXTURE_SCENARIOS.map((s) => s.name).filter((n) => !covered.has(n)), []);
});

test("implicit TLS runs before the greeting, and auto detects it", async () => {
  const report = await diagnoseScenario("healthy-implicit");
  assert.deepEqual(report.layers.slice(0, 5).map((l) => l.id), ["dns", "tcp", "tls", "greeting", "ehlo"]);
});

test("a mode mismatch says what the port actually speaks", async () => {
  const a = await diagnoseScenario("healthy-implicit", { tls: "starttls" });
  assert.equal(a.layers.find((l) => l.id === "tls")?.facts.portSpeaks, "tls");
  const b = await diagnoseScenario("healthy-starttls", { tls: "implicit" });
  assert.equal(b.layers.find((l) => l.id === "tls")?.facts.portSpeaks, "smtp");
});

test("the ehlo layer compares capabilities before and after STARTTLS", async () => {
  const report = await diagnoseScenario("healthy-starttls", authProbe);
  const ehlo = report.layers.find((l) => l.id === "ehlo");
  const changed = ehlo?.facts.changedByTls as { added: string[]; removed: string[] };
  assert.ok(changed.added.includes("AUTH"));
  assert.ok(changed.removed.includes("STARTTLS"));
});

for (const mechanism of ["PLAIN", "LOGIN", "CRAM-MD5"]) {
  test(`an auth probe passes with ${mechanism}`, async () => {
    const report = await diagnoseScenario("healthy-starttls", { auth: { ...DEMO_AUTH, mechanism } });
    assert.equal(report.verdict.status, "pass");
    assert.equal(report.layers.find((l) => l.id === "auth")?.facts.mechanism, mechanism);
  });
}

for (const mechanism of ["XOAUTH2", "OAUTHBEARER"]) {
  test(`an auth probe passes with ${mechanism} and reports a bad token`, async () => {
    const good = await diagnoseScenario("healthy-starttls", {
      auth: { ...DEMO_AUTH, secret: FIXTURE_DEMO_TOKEN, mechanism },
    });
    assert.equal(good.verdict.status, "pass");
    const bad = await diagnoseScenario("healthy-starttls", {
      auth: { ...DEMO_AUTH, secret: "expired-token", mechanism },
    });
    assert.equal(bad.verdict.layer, "auth");
  });
}

test("a forced mechanism the server does not offer is auth.mechanism-unsupported", async () => {
  const report = await diagnoseScenario("auth-xoauth2-only", { auth: { ...DEMO_AUTH, mechanism: "PLAIN" } });
  assert.equal(report.verdict.code, "auth.mechanism-unsupported");
});

test("no diagnosis ever sent DATA, and nothing followed a refused certificate", () => {
  const events = shared.fixture?.events ?? [];
  assert.deepEqual(events.filter((e) => e.kind === "data-attempt"), []);
  for (
    const scenario of ["cert-expired", "cert-not-yet-valid", "cert-wrong-host", "cert-self-signed", "cert-untrusted-ca"]
  ) {
    const mine = events.filter((e) => e.scenario === scenario);
    const tlsAt = mine.findIndex((e) => e.kind === "tls");
    assert.ok(tlsAt >= 0, `${scenario} saw a TLS handshake`);
    assert.deepEqual(mine.slice(tlsAt).filter((e) => e.kind === "command" || e.kind === "auth"), [], scenario);
  }
});

test("a pass with warnings counts them in the verdict; a clean pass has no count", async () => {
  const warned = await diagnoseScenario("cert-expiring-soon");
  assert.equal(warned.verdict.status, "pass");
  assert.equal(warned.verdict.warnings, 1);
  const clean = await diagnoseScenario("healthy-starttls");
  assert.deepEqual(clean.verdict, { status: "pass" });
});
