// A list send through an OAuth profile against the Microsoft 365 persona and the fixture's identity
// server: each new session asks the run's token source (one request for many connections while the
// token has life left, a fresh one near its end), and a token the server refuses although it looked
// valid is renewed once and the login tried again — every recipient accepted exactly once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { loginProfile } from "../../core/oauth/login.ts";
import { profileRun } from "../../core/oauth/profile-credential.ts";
import { sessionCredential } from "../../core/oauth/session-credential.ts";
import { AccessTokenSource } from "../../core/oauth/token-source.ts";
import { type ProviderProfile } from "../../core/profile.ts";
import { makeDraft } from "../../core/send/draft.ts";
import { readRecipients } from "../../core/send/recipients.ts";
import { runScale } from "../../core/send/scale.ts";
import { type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { FIXTURE_M365_ACCOUNT } from "../../fixtures/oauth-apps.ts";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { memoryKeyring } from "./memory-keyring.ts";
import { completeDeviceLogin } from "./person.ts";
import { m365Profile } from "./m365-profile.ts";
import { ANSWERED_WITHIN_MS } from "../helpers/wait-until.ts";

const registry = await loadAllPlugins([]);
const m365 = registry.providers.get("m365")!;
const dir = makeTestDir("smtpilot-long-send-");
let fx: RunningFixture;
const keyring = memoryKeyring();
const entries = keyring.entries;
const protectedTokens: string[] = [];

function profile(): ProviderProfile {
  return m365Profile(fx, {}, { ca: "fixture-ca.pem" });
}

const run = () =>
  profileRun(profile(), m365, {
    resolve: (ref: string) => Promise.resolve(entries.get(ref.replace(/^keyring:/, ""))),
    protect: (v: string) => void protectedTokens.push(v),
    readFile: () => fx.caPem,
    keyring,
    announce: () => {},
  });

before(async () => {
  fx = await startFixture({ scenarios: ["m365"] });
  const result = await loginProfile(run(), {
    showDeviceCode: (code) => completeDeviceLogin(code.verificationUri, code.userCode),
    openUrl: () => {},
  });
  entries.set("smtpilot/work", result.tokens.refreshToken!);
});
after(async () => await fx.close());

/** Token requests the identity server answered so far (refresh grants). */
const refreshes = () => fx.events.filter((e) => e.kind === "oauth" && / refresh_token$/.test(e.detail)).length;
/** The persona's login verdicts so far, in order. */
const logins = () => fx.events.filter((e) => e.scenario === "m365" && e.kind === "auth").map((e) => e.detail);

let sends = 0;
/** A scale send of `count` recipients over `connections` sessions, each asking `source` for its token. */
async function send(source: AccessTokenSource, count: number, connections: number, seen: string[] = []) {
  const list = Array.from({ length: count }, (_, i) => `long${++sends}-${i}@example.net`);
  const listFile = path.join(dir, `list-${sends}.txt`);
  fs.writeFileSync(listFile, `${list.join("\n")}\n`);
  const credential = sessionCredential(source, "https://identity.test/token", (token) => void seen.push(token));
  const options: DiagnoseOptions = {
    host: fx.host,
    port: fx.ports.m365!,
    tls: "starttls",
    ca: fx.caPem,
    auth: { user: FIXTURE_M365_ACCOUNT, secret: undefined, secretRef: "keyring:smtpilot/work", mechanism: "XOAUTH2" },
    to: [],
    timeoutMs: ANSWERED_WITHIN_MS,
    declaredSize: 4096,
    probes: "off",
  };
  const before = fx.messages.length;
  const result = await runScale({
    options,
    rules: [],
    redact: (t) => t,
    draft: makeDraft({ from: FIXTURE_M365_ACCOUNT, subject: "Long send", text: "Hello\n" }),
    envelopeFrom: FIXTURE_M365_ACCOUNT,
    recipients: readRecipients(listFile),
    count,
    journalFile: path.join(dir, `journal-${sends}.jsonl`),
    connections,
    ratePerSecond: Infinity,
    credential,
  });
  const delivered = new Map<string, number>();
  for (const m of fx.messages.slice(before)) for (const to of m.to) delivered.set(to, (delivered.get(to) ?? 0) + 1);
  return { list, result, delivered };
}

test("a list send's sessions ask the token source: three connections share one token request", async () => {
  const source = new AccessTokenSource(run());
  const [tokensBefore, loginsBefore] = [refreshes(), logins().length];
  const { list, result, delivered } = await send(source, 6, 3);
  assert.equal(result.accepted, 6, JSON.stringify(result));
  assert.equal(refreshes() - tokensBefore, 1, "one token request for the three sessions");
  const now = logins().slice(loginsBefore);
  assert.equal(now.length, 3);
  assert.ok(now.every((d) => /: accepted$/.test(d)), now.join("\n"));
  for (const to of list) assert.equal(delivered.get(to), 1, to);
});

test("a token revoked after it was cached: each login refused once, one renewal, every recipient accepted once", async () => {
  const source = new AccessTokenSource(run());
  const first = await source.current();
  // The platform revokes it (a password change, an admin); the source still believes it valid.
  fx.oauth!.tokens.revoke(first.token);
  const [tokensBefore, loginsBefore] = [refreshes(), logins().length];
  const seen: string[] = [];
  const { list, result, delivered } = await send(source, 6, 3, seen);
  assert.equal(result.accepted, 6, JSON.stringify(result));
  // Each token was handed to the run (its redactor) before any session used it: the cached one, then its renewal.
  assert.deepEqual(seen, [first.token, (await source.current()).token]);
  assert.deepEqual(result.unknown, []);
  assert.equal(result.stopped, undefined);
  assert.equal(refreshes() - tokensBefore, 1, "the three refused sessions share one renewal");
  const now = logins().slice(loginsBefore);
  assert.equal(now.filter((d) => /refused 535 \(token revoked\)$/.test(d)).length, 3, now.join("\n"));
  assert.equal(now.filter((d) => /: accepted$/.test(d)).length, 3, now.join("\n"));
  assert.notEqual((await source.current()).token, first.token);
  for (const to of list) assert.equal(delivered.get(to), 1, to);
});

test("a renewed token refused too is not retried again: the run stops at auth, nothing sent", async () => {
  const source = new AccessTokenSource(run());
  await source.current();
  // Every token the platform issues from now on is refused by the server (revoked as it is issued).
  const tokens = fx.oauth!.tokens;
  const issue = tokens.issue.bind(tokens);
  tokens.issue = async (...args: Parameters<typeof issue>) => {
    const out = await issue(...args);
    tokens.revoke(String(out.access_token));
    return out;
  };
  const cached = (await source.current()).token;
  tokens.revoke(cached);
  try {
    const loginsBefore = logins().length;
    const { result, delivered } = await send(source, 3, 1);
    assert.equal(result.accepted, 0);
    assert.equal(result.stopped?.reason, "session-failed");
    assert.equal(result.failedSession?.verdict.code, "auth.oauth-token-rejected");
    assert.equal(delivered.size, 0);
    assert.equal(logins().length - loginsBefore, 2, "one login, and one retry with the renewed token");
  } finally {
    tokens.issue = issue;
  }
});

test("a short-lived token is reused while it has most of its life, and refreshed in its last quarter", async () => {
  const tokens = fx.oauth!.tokens;
  tokens.lifetimes.accessTokenSeconds = 8;
  try {
    const source = new AccessTokenSource(run());
    const t0 = Date.now();
    const first = await source.current(t0);
    assert.equal((await source.current(t0 + 1_000)).token, first.token, "reused with most of its life left");
    const later = await source.current(t0 + 6_500);
    assert.notEqual(later.token, first.token, "refreshed with under a quarter of its life left");
    // renew() of a token already replaced asks nothing more.
    const before = refreshes();
    assert.equal((await source.renew(first.token, t0 + 6_500)).token, later.token);
    assert.equal(refreshes(), before);
  } finally {
    tokens.lifetimes.accessTokenSeconds = 3600;
  }
});
