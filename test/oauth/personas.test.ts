// The provider personas as an application meets them: Gmail's XOAUTH2 failure is a 334 challenge
// with base64 JSON {status, schemes, scope} before 535 5.7.8 (decoded into facts, explained as a token
// problem, not "create an app password"); an access token given as a password is stopped before it
// is sent; each persona's token bucket answers with that provider's throttling reply.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { diagnose } from "../../core/diagnose.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { systemIo } from "../../core/io.ts";
import { type RunningFixture, startFixture } from "../../fixtures/index.ts";
import {
  FIXTURE_GMAIL_ACCOUNT,
  FIXTURE_GOOGLE_CLIENT_ID,
  FIXTURE_M365_ACCOUNT,
  FIXTURE_M365_CLIENT_ID,
} from "../../fixtures/oauth-apps.ts";
import { ANSWERED_WITHIN_MS } from "../helpers/wait-until.ts";

let fx: RunningFixture;
before(async () => {
  fx = await startFixture({
    scenarios: ["gmail", "m365", "ses"],
    personaBucket: { capacity: 1, refillPerMinute: 0 },
  });
});
after(async () => await fx.close());

const run = (scenario: string, over: Partial<DiagnoseOptions>) =>
  diagnose(
    {
      host: fx.host,
      port: fx.ports[scenario]!,
      tls: "starttls",
      ca: fx.caPem,
      to: [],
      timeoutMs: ANSWERED_WITHIN_MS,
      declaredSize: 1000,
      ...over,
    },
    systemIo(),
  );

async function googleToken(account = FIXTURE_GMAIL_ACCOUNT, scopes = ["https://mail.google.com/"]): Promise<string> {
  const issued = await fx.oauth!.tokens.issue(
    { dialect: "google", clientId: FIXTURE_GOOGLE_CLIENT_ID, account, scopes },
    false,
  );
  return issued.access_token as string;
}

test("Gmail accepts its own token with XOAUTH2 and with OAUTHBEARER", async () => {
  for (const mechanism of ["XOAUTH2", "OAUTHBEARER"]) {
    const token = await googleToken();
    const report = await run("gmail", {
      auth: { user: FIXTURE_GMAIL_ACCOUNT, secret: token, secretRef: "env:T", mechanism },
    });
    assert.equal(report.verdict.status, "pass", `${mechanism}: ${JSON.stringify(report.verdict)}`);
  }
});

test("Gmail's 334 JSON is decoded and the failure named auth.oauth-token-rejected, for a revoked token and another account's", async () => {
  const revoked = await googleToken();
  fx.oauth!.tokens.revoke(revoked);
  for (const [secret, status] of [[revoked, "401"], [await googleToken("other@gmail.smtpilot.test"), "400"]] as const) {
    const report = await run("gmail", {
      auth: { user: FIXTURE_GMAIL_ACCOUNT, secret, secretRef: "env:T", mechanism: "XOAUTH2" },
    });
    const auth = report.layers.find((l) => l.id === "auth")!;
    assert.equal(report.verdict.code, "auth.oauth-token-rejected");
    assert.deepEqual(auth.facts.oauthError, { status, schemes: "Bearer", scope: "https://mail.google.com/" });
    assert.match(String(auth.facts.reply), /^535 5\.7\.8/);
    assert.doesNotMatch(auth.diagnosis!.next, /apppasswords/);
  }
});

test("an access token given to AUTH PLAIN is stopped before anything is sent", async () => {
  const token = await googleToken();
  const before = fx.events.filter((e) => e.scenario === "gmail" && e.kind === "auth").length;
  const report = await run("gmail", { auth: { user: FIXTURE_GMAIL_ACCOUNT, secret: token, secretRef: "env:T" } });
  assert.equal(report.verdict.code, "auth.token-as-password");
  assert.equal(fx.events.filter((e) => e.scenario === "gmail" && e.kind === "auth").length, before);
  assert.ok(!fx.events.some((e) => e.scenario === "gmail" && e.detail.startsWith("AUTH PLAIN")));
});

for (
  const [scenario, code, text] of [
    ["gmail", 421, /^421 4\.7\.0 Try again later/],
    ["m365", 451, /^451 4\.7\.500 Server busy/],
    ["ses", 454, /^454 Throttling failure/],
  ] as const
) {
  test(`the ${scenario} persona's empty token bucket answers ${code} as that provider does`, async () => {
    const auth = scenario === "ses"
      ? { user: "demo", secret: "smtpilot-demo-pass", secretRef: "env:T" }
      : scenario === "gmail"
      ? { user: FIXTURE_GMAIL_ACCOUNT, secret: await googleToken(), secretRef: "env:T", mechanism: "XOAUTH2" }
      : {
        user: FIXTURE_M365_ACCOUNT,
        secret: (await fx.oauth!.tokens.issue({
          dialect: "microsoft",
          clientId: FIXTURE_M365_CLIENT_ID,
          account: FIXTURE_M365_ACCOUNT,
          scopes: ["https://outlook.office.com/SMTP.Send"],
        }, false)).access_token as string,
        secretRef: "env:T",
        mechanism: "XOAUTH2",
      };
    const envelope = { auth, from: "sender@smtpilot.test", to: ["rcpt@smtpilot.test"] };
    const first = await run(scenario, envelope);
    assert.notEqual(first.verdict.code, "envelope.rate-limited");
    const second = await run(scenario, envelope);
    const layer = second.layers.find((l) => l.id === "envelope")!;
    assert.match(String((layer.facts.replies as string[] | undefined)?.[0]), text);
    assert.ok(fx.events.some((e) => e.scenario === scenario && e.detail === `throttled ${code}`));
  });
}
