// The provider plugins' reply knowledge, fed with replies as Gmail, SES, Microsoft 365 and Postfix
// word them. Asserts the diagnosis code and the rule that produced it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { interpretReply } from "../../core/knowledge/interpret-reply.ts";
import type { ReplyStage } from "../../core/knowledge/reply-rule.ts";
import { loadPlugins } from "../../core/plugin.ts";
import { providerFor, rulesForTarget } from "../../core/provider.ts";
import { toReply } from "../../core/smtp/reply.ts";

const registry = await loadAllPlugins([]);

/** provider, stage, reply lines, expected code, expected rule id, and options. */
const cases: [string, ReplyStage, string[], string, string, { port?: number; authenticated?: boolean }?][] = [
  [
    "gmail",
    "auth",
    [
      "534-5.7.9 Application-specific password required. Learn more at",
      "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor d2-20020a05 - gsmtp",
    ],
    "auth.app-password-required",
    "gmail.app-password-required",
  ],
  [
    "gmail",
    "auth",
    [
      "535-5.7.8 Username and Password not accepted. For more information, go to",
      "535 5.7.8  https://support.google.com/mail/?p=BadCredentials a1-20020a17 - gsmtp",
    ],
    "auth.invalid-credentials",
    "gmail.bad-credentials",
  ],
  [
    "gmail",
    "auth",
    [
      "534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1> Please log in via your web browser and",
      "534 5.7.14 then try again. - gsmtp",
    ],
    "auth.web-login-required",
    "gmail.web-login-required",
  ],
  [
    "gmail",
    "mail",
    [
      "530-5.7.0 Authentication Required. For more information, go to",
      "530 5.7.0  https://support.google.com/mail/?p=WantAuthError x4sm - gsmtp",
    ],
    "envelope.auth-required",
    "gmail.auth-required",
  ],
  [
    "gmail",
    "data",
    [
      "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users,",
      "550 5.7.26 and has been blocked. The sender must authenticate with at least one of SPF or DKIM. - gsmtp",
    ],
    "envelope.policy-rejected",
    "gmail.unauthenticated",
  ],
  [
    "gmail",
    "rcpt",
    [
      "421-4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating",
      "421 4.7.28 from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp",
    ],
    "envelope.rate-limited",
    "gmail.unsolicited-rate",
  ],
  [
    "gmail",
    "mail",
    ["421 4.7.0 Try again later, closing connection. (MAIL) - gsmtp"],
    "envelope.rate-limited",
    "gmail.unsolicited-rate",
  ],
  ["gmail", "greeting", ["421 4.7.0 Try again later, closing connection. - gsmtp"], "greeting.busy", "gmail.busy"],
  [
    "gmail",
    "rcpt",
    [
      "550-5.4.5 Daily user sending limit exceeded. For more information on Gmail",
      "550 5.4.5 sending limits go to https://support.google.com/a/answer/166852 - gsmtp",
    ],
    "envelope.rate-limited",
    "gmail.daily-limit",
  ],
  [
    "gmail",
    "data",
    [
      "552-5.2.3 Your message exceeded Google's message size limits. Please visit",
      "552 5.2.3 https://support.google.com/mail/?p=MaxSizeError - gsmtp",
    ],
    "envelope.size-exceeded",
    "gmail.size",
  ],
  [
    "gmail",
    "auth",
    ["454 4.7.0 Too many login attempts, please try again later. - gsmtp"],
    "auth.rate-limited",
    "gmail.too-many-logins",
  ],
  ["ses", "auth", ["535 Authentication Credentials Invalid"], "auth.invalid-credentials", "ses.credentials-invalid"],
  [
    "ses",
    "data",
    ["554 Message rejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: app@example.com"],
    "envelope.identity-not-verified",
    "ses.not-verified",
  ],
  ["ses", "data", ["454 Throttling failure: Maximum sending rate exceeded."], "envelope.rate-limited", "ses.max-rate"],
  [
    "ses",
    "mail",
    ["454 Throttling failure: Daily message quota exceeded."],
    "envelope.rate-limited",
    "ses.daily-quota",
  ],
  [
    "ses",
    "data",
    ["554 Message rejected: Sending paused for this account. For more information, please check the AWS console."],
    "envelope.policy-rejected",
    "ses.sending-paused",
  ],
  [
    "m365",
    "auth",
    ["535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [AM0PR02CA0001.eurprd02.prod.outlook.com]"],
    "auth.smtp-auth-disabled",
    "m365.smtp-auth-disabled",
  ],
  [
    "m365",
    "auth",
    ["535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator. [DB8PR04CA0001]"],
    "auth.smtp-auth-disabled",
    "m365.conditional-access",
  ],
  [
    "m365",
    "auth",
    ["535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator. [MN2PR01CA0012.prod.exchangelabs.com]"],
    "auth.basic-auth-disabled",
    "m365.security-defaults",
  ],
  [
    "m365",
    "auth",
    ["550 5.7.30 Basic authentication is not supported for Client Submission."],
    "auth.basic-auth-disabled",
    "m365.basic-auth-retired",
  ],
  [
    "m365",
    "rcpt",
    ["550 5.7.705 Access denied, tenant has exceeded threshold. For more information please go to http://go.microsoft.com/fwlink/?LinkId=524931 AS(831)"],
    "envelope.tenant-restricted",
    "m365.tenant-over-threshold",
  ],
  [
    "m365",
    "rcpt",
    ["550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(842)"],
    "envelope.unregistered-domain",
    "m365.unregistered-domain",
  ],
  [
    "m365",
    "auth",
    ["535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [VI1PR0102CA0001]"],
    "auth.invalid-credentials",
    "m365.credentials-incorrect",
  ],
  [
    "m365",
    "auth",
    ["535 5.7.3 Authentication unsuccessful [BN9PR03CA0001.namprd03.prod.outlook.com]"],
    "auth.invalid-credentials",
    "m365.auth-unsuccessful",
  ],
  [
    "m365",
    "data",
    ["554 5.2.252 SendAsDenied; app@contoso.com not allowed to send as ceo@contoso.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied"],
    "envelope.sender-rejected",
    "m365.send-as-denied",
  ],
  [
    "m365",
    "mail",
    ["550 5.7.60 SMTP; Client does not have permissions to send as this sender"],
    "envelope.sender-rejected",
    "m365.send-as-denied",
  ],
  [
    "m365",
    "mail",
    ["530 5.7.57 Client not authenticated to send mail. [MAIL FROM] [AM0PR01CA0001]"],
    "envelope.auth-required",
    "m365.not-authenticated",
  ],
  [
    "m365",
    "data",
    ["550 5.1.8 Access denied, bad outbound sender. AS(42004)"],
    "envelope.policy-rejected",
    "m365.restricted-sender",
  ],
  [
    "postfix-relay",
    "rcpt",
    ["554 5.7.1 <rcpt@example.net>: Relay access denied"],
    "envelope.relay-denied",
    "postfix-relay.relay-denied",
  ],
  [
    "postfix-relay",
    "rcpt",
    ["553 5.7.1 <ceo@corp.example>: Sender address rejected: not owned by user app@corp.example"],
    "envelope.sender-rejected",
    "postfix-relay.sender-not-owned",
  ],
  [
    "postfix-relay",
    "rcpt",
    ["553 5.7.1 <app@corp.example>: Sender address rejected: not logged in"],
    "envelope.auth-required",
    "postfix-relay.sender-not-logged-in",
  ],
  [
    "postfix-relay",
    "rcpt",
    ["504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname"],
    "envelope.helo-rejected",
    "postfix-relay.helo-rejected",
  ],
  [
    "postfix-relay",
    "ehlo",
    ["504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname"],
    "ehlo.rejected",
    "postfix-relay.helo-rejected-at-ehlo",
  ],
  [
    "postfix-relay",
    "rcpt",
    ["554 5.7.1 <unknown[192.0.2.7]>: Client host rejected: Access denied"],
    "envelope.auth-required",
    "postfix-relay.client-rejected-anonymous",
    { authenticated: false },
  ],
  [
    "postfix-relay",
    "rcpt",
    ["554 5.7.1 <unknown[192.0.2.7]>: Client host rejected: Access denied"],
    "envelope.policy-rejected",
    "postfix-relay.client-rejected",
    { authenticated: true },
  ],
  [
    "postfix-relay",
    "rcpt",
    ["450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.7]"],
    "envelope.policy-rejected",
    "postfix-relay.client-rejected",
  ],
  [
    "postfix-relay",
    "mail",
    ["530 5.7.0 Must issue a STARTTLS command first"],
    "envelope.tls-required",
    "postfix-relay.starttls-first",
  ],
  [
    "postfix-relay",
    "auth",
    ["535 5.7.8 Error: authentication failed: authentication failure"],
    "auth.invalid-credentials",
    "postfix-relay.sasl-failed",
  ],
  [
    "postfix-relay",
    "auth",
    ["503 5.5.1 Error: authentication not enabled"],
    "auth.not-offered",
    "postfix-relay.auth-not-enabled",
  ],
  [
    "postfix-relay",
    "rcpt",
    ["550 5.1.1 <nobody@corp.example>: Recipient address rejected: User unknown in local recipient table"],
    "envelope.recipient-unknown",
    "postfix-relay.no-such-user",
  ],
  [
    "postfix-relay",
    "mail",
    ["552 5.3.4 Message size exceeds fixed limit"],
    "envelope.size-exceeded",
    "postfix-relay.size-limit",
  ],
  [
    "postfix-relay",
    "mail",
    ["421 4.7.0 relay.corp.example Error: too many connections from 192.0.2.7"],
    "envelope.rate-limited",
    "postfix-relay.too-many",
  ],
  [
    "postfix-relay",
    "rcpt",
    ["452 4.3.1 Insufficient system storage"],
    "envelope.temporary-failure",
    "postfix-relay.storage",
  ],
  [
    "postfix-relay",
    "mail",
    ["450 4.7.1 Error: too much mail from 192.0.2.7"],
    "envelope.rate-limited",
    "postfix-relay.message-rate",
  ],
  [
    "postfix-relay",
    "auth",
    ["454 4.7.0 Temporary authentication failure"],
    "auth.temporary-failure",
    "postfix-relay.sasl-backend-down",
  ],
  [
    "ses",
    "mail",
    ["554 Access denied: User `arn:aws:iam::123456789012:user/ses-smtp-user.20261130' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:eu-west-1:123456789012:identity/example.com'"],
    "envelope.permission-denied",
    "ses.send-raw-email-denied",
  ],
  ["ses", "auth", ["454 Temporary authentication/service failure"], "auth.temporary-failure", "ses.auth-tempfail"],
  [
    "gmail-relay",
    "mail",
    [
      "550-5.7.1 Invalid credentials for relay [192.0.2.7]. The IP address you've registered in your Google Workspace SMTP",
      "550 5.7.1 Relay service doesn't match domain of the account this email is being sent from. - gsmtp",
    ],
    "envelope.relay-denied",
    "gmail-relay.invalid-credentials",
  ],
  [
    "gmail-relay",
    "mail",
    ["550 5.4.5 Daily SMTP relay limit exceeded for user. - gsmtp"],
    "envelope.rate-limited",
    "gmail-relay.daily-limit",
  ],
  [
    "gmail-relay",
    "rcpt",
    ["450 4.2.1 Peak SMTP relay limit exceeded for customer. This is a temporary error. - gsmtp"],
    "envelope.rate-limited",
    "gmail-relay.peak-limit",
  ],
  [
    "m365",
    "mail",
    ["451 4.7.500 Server busy. Please try again later from [192.0.2.7]. (S77719) [BN0PR04MB8000.namprd04.prod.outlook.com]"],
    "envelope.rate-limited",
    "m365.throttled",
  ],
];

for (const [name, stage, raw, code, rule, target] of cases) {
  test(`${name}: ${raw[0]?.slice(0, 70)} at ${stage} is ${code} (${rule})`, () => {
    const provider = registry.providers.get(name);
    assert.ok(provider, name);
    const rules = rulesForTarget(provider, registry.replyRules, { port: 587, authenticated: true, ...target });
    const reply = toReply(Number(raw[0]?.slice(0, 3)), raw);
    const d = interpretReply(stage, reply, rules);
    assert.equal(d.rule, rule);
    assert.equal(d.code, code);
  });
}

test("the built-in providers load without failures or warnings", () => {
  assert.deepEqual(registry.failures, []);
  assert.deepEqual(registry.warnings, []);
  assert.deepEqual([...registry.providers.keys()], [
    "gmail",
    "gmail-relay",
    "ses",
    "m365",
    "postfix-relay",
    "postfix-smarthost",
  ]);
  for (const p of registry.providers.values()) assert.ok(p.identityPolicy, `${p.name} has an identity policy`);
});

test("provider rules apply only to their provider: a Postfix 535 on a gmail target is not Gmail's", () => {
  const postfix = toReply(535, ["535 5.7.8 Error: authentication failed: authentication failure"]);
  const gmail = registry.providers.get("gmail");
  assert.notEqual(
    interpretReply("auth", postfix, rulesForTarget(gmail, registry.replyRules, { port: 587, authenticated: true }))
      .rule,
    "postfix-relay.sasl-failed",
  );
  assert.match(interpretReply("auth", postfix, registry.replyRules).rule, /^core\./);
});

test("providerFor() finds a provider by profile, else by its submission host", () => {
  assert.equal(providerFor(registry.providers, { provider: "ses" })?.name, "ses");
  assert.equal(providerFor(registry.providers, { host: "SMTP.Gmail.com." })?.name, "gmail");
  assert.equal(providerFor(registry.providers, { host: "email-smtp.eu-west-1.amazonaws.com" })?.name, "ses");
  assert.equal(providerFor(registry.providers, { host: "smtp.office365.com" })?.name, "m365");
  assert.equal(providerFor(registry.providers, { host: "mail.example.org" }), undefined);
});

test("a malformed provider fails its plugin's setup; custom is reserved; a second gmail is ignored", async () => {
  const bad = (provider: unknown) => ({
    name: `p${Math.random()}`,
    version: "1",
    setup: (api: { addProvider(p: unknown): void }) => api.addProvider(provider),
  });
  const base = { name: "acme", title: "Acme", endpoints: [{ host: "smtp.acme.example", port: 587, tls: "starttls" }] };
  const r = await loadPlugins([
    bad({ ...base, name: "Not Kebab" }),
    bad({ ...base, endpoints: [] }),
    bad({ ...base, endpoints: [{ host: "smtp.{region}.acme.example", port: 587, tls: "starttls" }] }),
    bad({
      ...base,
      replyRules: [{
        id: "other.rule",
        stages: ["auth"],
        text: /x/,
        diagnosis: { code: "auth.rejected", title: "t", cause: "c", next: "n" },
      }],
    }),
    bad({ ...base, name: "custom" }),
    bad({ ...base, name: "ok-one" }),
  ]);
  assert.deepEqual(r.failures.map((f) => f.code), [
    "E_PLUGIN_SETUP",
    "E_PLUGIN_SETUP",
    "E_PLUGIN_SETUP",
    "E_PLUGIN_SETUP",
  ]);
  assert.deepEqual(r.warnings.map((w) => w.code), ["W_PLUGIN_RESERVED"]);
  assert.deepEqual([...r.providers.keys()], ["ok-one"]);
  const dup = await loadAllPlugins([]);
  const { setupPlugins } = await import("../../core/plugin.ts");
  await setupPlugins([{ plugin: bad({ ...base, name: "gmail" }), source: "user.mjs" }], dup);
  assert.deepEqual(dup.warnings.map((w) => w.code), ["W_PLUGIN_DUPLICATE"]);
  assert.equal(dup.providers.get("gmail")?.title, "Gmail / Google Workspace");
});
