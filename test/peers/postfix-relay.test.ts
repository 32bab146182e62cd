/**
 * The postfix-relay provider plugin and SCRAM against a real Postfix with
 * Dovecot SASL on loopback, through the CLI with saved profiles: "Relay
 * access denied", "not owned by user", "Client host rejected" and "Helo
 * command rejected" are Postfix's own answers, explained by the plugin's
 * rules; SCRAM-SHA-256 and SCRAM-SHA-1 logins are Dovecot's. Skips where
 * Postfix and Dovecot are not installed or not run as root; fails under CI=true.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type CliResult, runCli } from "../helpers/cli.ts";
import { peer, postfixPeerMissing, usePostfixPeer } from "../helpers/postfix-peer.ts";

const missing = postfixPeerMissing();
if (missing && process.env.CI === "true") throw new Error(`CI must install the Postfix peer: ${missing}`);

describe("the postfix-relay plugin and SCRAM against a real Postfix + Dovecot", { skip: missing ?? false }, () => {
  usePostfixPeer();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-relay-"));
  const home = path.join(root, "smtp");
  const env = () => ({ PILOT_PW: peer().password, LEGACY_PW: peer().sha1User.password });
  const run = (args: string[]) => runCli(["--home", home, ...args], env());
  const json = (r: CliResult) => JSON.parse(r.stdout);
  /** The failing layer's reply rule and the verdict code of a diagnose --json run. */
  const verdict = (r: CliResult) => {
    const doc = json(r).report ?? json(r);
    const failing = doc.layers.find((l: { status: string }) => l.status === "fail");
    return { code: doc.verdict.code ?? "pass", rule: failing?.facts.replyRule, layer: failing };
  };

  before(async () => {
    const p = peer();
    const ca = path.join(p.dir, "ca.pem");
    assert.equal((await runCli(["--home", home, "init"])).code, 0);
    const base = (port: number) => [
      "--provider",
      "postfix-relay",
      "--host",
      p.host,
      "--port",
      String(port),
      "--tls",
      "starttls",
      "--ca",
      ca,
      "--servername",
      p.hostname,
      "--ehlo-name",
      "client.smtpilot.test",
    ];
    const adds = [
      ["anon", ...base(p.ports.starttls)],
      ["pilot", ...base(p.ports.starttls), "--user", p.user, "--secret", "env:PILOT_PW", "--from", p.addresses.own],
      [
        "pilot-scram",
        ...base(p.ports.starttls),
        "--user",
        p.user,
        "--secret",
        "env:PILOT_PW",
        "--auth-mech",
        "SCRAM-SHA-256",
        "--from",
        p.addresses.own,
      ],
      [
        "legacy-scram",
        ...base(p.ports.starttls),
        "--user",
        p.sha1User.user,
        "--secret",
        "env:LEGACY_PW",
        "--auth-mech",
        "SCRAM-SHA-1",
      ],
      ["restricted-anon", ...base(p.ports.restricted)],
      [
        "restricted",
        ...base(p.ports.restricted),
        "--user",
        p.user,
        "--secret",
        "env:PILOT_PW",
        "--from",
        p.addresses.own,
      ],
    ];
    for (const [name, ...args] of adds) {
      const r = await run(["profile", "add", name as string, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test("a good auth probe passes and profile check records PLAIN, the mechanism that worked", async () => {
    const r = await run(["profile", "check", "pilot", "--to", peer().addresses.localKnown, "--json"]);
    assert.equal(r.code, 0, r.stdout + r.stderr + peer().logTail(20));
    assert.deepEqual([json(r).lastCheck.verdict, json(r).lastCheck.mechanism, json(r).lastCheck.upTo], [
      "pass",
      "PLAIN",
      "envelope",
    ]);
  });

  test("SCRAM-SHA-256 logs in to Dovecot and is recorded", async () => {
    const r = await run(["profile", "check", "pilot-scram", "--json"]);
    assert.equal(r.code, 0, r.stdout + peer().logTail(20));
    assert.equal(json(r).lastCheck.mechanism, "SCRAM-SHA-256");
    const transcript = json(r).report.transcript.map((t: { text: string }) => t.text).join("\n");
    assert.match(transcript, /AUTH SCRAM-SHA-256 <redacted>/);
    assert.match(transcript, /^235 /m);
  });

  test("SCRAM-SHA-1 logs in a user whose password Dovecot keeps as SHA-1 keys", async () => {
    const r = await run(["profile", "check", "legacy-scram", "--json"]);
    assert.equal(r.code, 0, r.stdout + peer().logTail(20));
    assert.equal(json(r).lastCheck.mechanism, "SCRAM-SHA-1");
  });

  test("unauthenticated relaying is Postfix's Relay access denied, explained by the postfix-relay plugin", async () => {
    const { outsideSender, outside } = peer().addresses;
    const r = await run(["diagnose", "--profile", "anon", "--from", outsideSender, "--to", outside, "--json"]);
    assert.equal(r.code, 16);
    assert.deepEqual([verdict(r).code, verdict(r).rule], ["envelope.relay-denied", "postfix-relay.relay-denied"]);
    assert.match(verdict(r).layer.diagnosis.next, /postconf mynetworks smtpd_relay_restrictions/);
  });

  test("a sender the login does not own is Postfix's not owned by user (smtpd_sender_login_maps)", async () => {
    const r = await run([
      "diagnose",
      "--profile",
      "pilot",
      "--from",
      peer().addresses.notOwned,
      "--to",
      peer().addresses.localKnown,
      "--json",
    ]);
    assert.equal(r.code, 16);
    assert.deepEqual([verdict(r).code, verdict(r).rule], [
      "envelope.sender-rejected",
      "postfix-relay.sender-not-owned",
    ]);
    assert.match(verdict(r).layer.diagnosis.next, /smtpd_sender_login_maps/);
  });

  test("without a login, the restricted submission port's Client host rejected says authentication is missing", async () => {
    const { outsideSender, localKnown } = peer().addresses;
    const r = await run([
      "diagnose",
      "--profile",
      "restricted-anon",
      "--from",
      outsideSender,
      "--to",
      localKnown,
      "--json",
    ]);
    assert.equal(r.code, 16);
    assert.deepEqual([verdict(r).code, verdict(r).rule], [
      "envelope.auth-required",
      "postfix-relay.client-rejected-anonymous",
    ]);
  });

  test("an EHLO name that is not fully qualified is Postfix's Helo command rejected", async () => {
    const r = await run([
      "diagnose",
      "--profile",
      "restricted",
      "--ehlo-name",
      "localhost",
      "--to",
      peer().addresses.localKnown,
      "--json",
    ]);
    assert.equal(r.code, 16, r.stdout);
    assert.deepEqual([verdict(r).code, verdict(r).rule], ["envelope.helo-rejected", "postfix-relay.helo-rejected"]);
    const ok = await run(["diagnose", "--profile", "restricted", "--to", peer().addresses.localKnown, "--json"]);
    assert.equal(ok.code, 0, ok.stdout);
  });

  // Last: after a failed login Dovecot delays the next one from this address.
  test("SCRAM-SHA-1 for a password kept as SHA-256 keys fails once and names the other mechanisms", async () => {
    const r = await run(["diagnose", "--profile", "pilot-scram", "--auth-mech", "SCRAM-SHA-1", "--json"]);
    assert.equal(r.code, 15, r.stdout);
    const v = verdict(r);
    assert.equal(v.code, "auth.invalid-credentials");
    assert.deepEqual(v.layer.facts.otherMechanisms, ["PLAIN", "LOGIN", "SCRAM-SHA-256"]);
    assert.match(v.layer.diagnosis.next, /--auth-mech PLAIN/);
    // smtpd's session counters: one AUTH attempt, none succeeded — smtpilot did not retry.
    await peer().settleLog();
    const last = peer().postfixLog().split("\n").filter((l) => /\]: disconnect from /.test(l)).at(-1) ?? "";
    assert.match(last, /\bauth=0\/1\b/, peer().logTail(10));
  });
});
