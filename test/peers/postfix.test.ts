/**
 * smtpilot against a real Postfix (Dovecot SASL) on loopback: the diagnosis
 * codes must hold for Postfix's genuine wording, not only for our fixture's.
 * Asserts codes and facts, never wording. Skips on a developer machine where
 * Postfix or Dovecot is not installed (apt-get install postfix dovecot-core)
 * or not run as root; fails instead under CI=true.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { diagnosePeer, explain, peer, peerAuth, postfixPeerMissing, usePostfixPeer } from "../helpers/postfix-peer.ts";

const missing = postfixPeerMissing();
// In CI the peer is installed by .ci/run: a missing one is a broken CI, not a reason to skip.
if (missing && process.env.CI === "true") throw new Error(`CI must install the Postfix peer: ${missing}`);

/** The verdict as one string: "pass" or the failing code. */
const verdictOf = (r: DiagnoseReport) => r.verdict.status === "pass" ? "pass" : r.verdict.code;

function assertCode(report: DiagnoseReport, code: string): void {
  assert.equal(verdictOf(report), code, explain(report));
  const failedAt = report.layers.findIndex((l) => l.status === "fail");
  if (failedAt >= 0) assert.ok(report.layers.slice(failedAt + 1).every((l) => l.status === "skip"), explain(report));
}

function assertAllPass(report: DiagnoseReport): void {
  assert.equal(verdictOf(report), "pass", explain(report));
  assert.deepEqual(
    report.layers.map((l) => `${l.id}:${l.status}`).sort(),
    ["auth", "dns", "ehlo", "envelope", "greeting", "tcp", "tls"].map((id) => `${id}:pass`),
    explain(report),
  );
}

describe(`a real Postfix with Dovecot SASL on loopback`, { skip: missing ?? false }, () => {
  usePostfixPeer();

  /** An auth probe of the demo user with an envelope from its own address. */
  const authProbe = (over: Partial<DiagnoseOptions> = {}): Partial<DiagnoseOptions> => ({
    auth: peerAuth(),
    from: peer().addresses.own,
    to: [peer().addresses.localKnown],
    ...over,
  });

  for (const mechanism of ["PLAIN", "LOGIN"]) {
    test(`an auth probe on the STARTTLS port passes every layer with ${mechanism}`, async () => {
      const report = await diagnosePeer("starttls", authProbe({ auth: peerAuth({ mechanism }) }));
      assertAllPass(report);
      assert.equal(report.layers.find((l) => l.id === "auth")?.facts.mechanism, mechanism);
      assert.equal(report.layers.find((l) => l.id === "tls")?.facts.mode, "starttls");
    });
  }

  test("AUTH is offered only after STARTTLS (smtpd_tls_auth_only): no ehlo.auth-offered-in-clear", async () => {
    const report = await diagnosePeer("starttls", authProbe());
    assertAllPass(report);
    const ehlo = report.layers.find((l) => l.id === "ehlo");
    assert.ok(ehlo, explain(report));
    assert.deepEqual(ehlo.warnings, [], explain(report));
    assert.ok(!(ehlo.facts.beforeTls as string[]).includes("AUTH"), explain(report));
    assert.ok((ehlo.facts.changedByTls as { added: string[] }).added.includes("AUTH"), explain(report));
    assert.deepEqual([...(ehlo.facts.auth as string[])].sort(), ["LOGIN", "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"]);
  });

  test("an unauthenticated RCPT to an outside domain is envelope.relay-denied", async () => {
    const { outsideSender, outside } = peer().addresses;
    const report = await diagnosePeer("starttls", { from: outsideSender, to: [outside] });
    assert.equal(report.mode, "connectivity-probe");
    assertCode(report, "envelope.relay-denied");
  });

  test("an unauthenticated MAIL FROM a login-owned address is envelope.auth-required", async () => {
    const { own, outside } = peer().addresses;
    const report = await diagnosePeer("starttls", { from: own, to: [outside] });
    assertCode(report, "envelope.auth-required");
  });

  test("an unknown local recipient is envelope.recipient-unknown", async () => {
    const report = await diagnosePeer("starttls", authProbe({ to: [peer().addresses.localUnknown] }));
    assertCode(report, "envelope.recipient-unknown");
  });

  test("a sender the login does not own is envelope.sender-rejected", async () => {
    const report = await diagnosePeer("starttls", authProbe({ from: peer().addresses.notOwned }));
    assertCode(report, "envelope.sender-rejected");
  });

  test("MAIL FROM before STARTTLS on the submission port is envelope.tls-required", async () => {
    const { outsideSender, outside } = peer().addresses;
    const report = await diagnosePeer("starttls", { tls: "none", from: outsideSender, to: [outside] });
    assertCode(report, "envelope.tls-required");
  });

  test("--tls implicit against the STARTTLS port is tls.mode-mismatch (the port speaks smtp)", async () => {
    const report = await diagnosePeer("starttls", { tls: "implicit" });
    assertCode(report, "tls.mode-mismatch");
    assert.equal(report.layers.find((l) => l.id === "tls")?.facts.portSpeaks, "smtp");
  });

  test("--tls starttls against the wrapper-mode port is tls.mode-mismatch (the port speaks tls)", async () => {
    const report = await diagnosePeer("implicit", { tls: "starttls" });
    assertCode(report, "tls.mode-mismatch");
    assert.equal(report.layers.find((l) => l.id === "tls")?.facts.portSpeaks, "tls");
  });

  test("--tls auto on the wrapper-mode port detects implicit TLS and passes an auth probe", async () => {
    const report = await diagnosePeer("implicit", authProbe());
    assertAllPass(report);
    assert.deepEqual(report.layers.slice(0, 4).map((l) => l.id), ["dns", "tcp", "tls", "greeting"]);
    assert.equal(report.layers.find((l) => l.id === "tls")?.facts.mode, "implicit");
  });

  // Last of the AUTH tests: after a failure Dovecot's anvil "auth penalty"
  // delays the next AUTH from the same IP (about 4 s for the first success).
  test("a wrong password is auth.invalid-credentials", async () => {
    const report = await diagnosePeer("starttls", { auth: peerAuth({ secret: "not-the-password" }) });
    assertCode(report, "auth.invalid-credentials");
  });

  test("no diagnosis sent DATA and nothing was queued", async () => {
    const p = peer();
    await p.settleLog();
    const log = p.postfixLog();
    const disconnects = log.split("\n").filter((l) => /\]: disconnect from /.test(l));
    assert.ok(disconnects.length >= 10, p.logTail());
    // smtpd's per-session command counters: no DATA nor BDAT in any session.
    assert.deepEqual(disconnects.filter((l) => /\b(?:data|bdat)=/.test(l)), [], p.logTail());
    // A queued message would show cleanup's message-id or qmgr's from= line.
    assert.doesNotMatch(log, /\/cleanup\[\d+\]:|\/qmgr\[\d+\]: [0-9A-F]+: from=|queued as/, p.logTail());
    assert.match(await p.queueListing(), /Mail queue is empty/);
  });
});
