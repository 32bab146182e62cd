// How the swaks backend speaks to swaks (its options) and reads it (its output), checked on
// argument lists and on lines swaks 20201014 really prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { swaksArgs, type SwaksArgsInput } from "../../plugins/swaks-backend/swaks-args.ts";
import { guardedEnv } from "../../plugins/swaks-backend/swaks-guard.ts";
import {
  connectErrorCode,
  type SwaksEvent,
  SwaksOutputParser,
  tlsFailureCode,
} from "../../plugins/swaks-backend/swaks-output.ts";

const base: SwaksArgsInput = {
  address: "192.0.2.10",
  port: 587,
  mode: "starttls",
  name: "smtp.example.com",
  ehloName: "app1.example.net",
  timeoutMs: 10_000,
  quitAfter: "EHLO",
  to: [],
  nativeHostCheck: false,
};

test("swaksArgs() maps the TLS mode, CA, SNI, EHLO name and stop point to swaks' options, values after =", () => {
  const args = swaksArgs({ ...base, caFile: "/tmp/x/ca.pem" });
  assert.deepEqual(args, [
    "--config",
    "--server=192.0.2.10",
    "--port=587",
    "--ehlo=app1.example.net",
    "--timeout=11s",
    "--tls",
    "--tls-verify",
    "--tls-get-peer-cert",
    "--tls-ca-path=/tmp/x/ca.pem",
    "--tls-sni=smtp.example.com",
    "--quit-after=EHLO",
  ]);
  const implicit = swaksArgs({ ...base, mode: "implicit", name: "192.0.2.10", nativeHostCheck: true });
  assert.ok(implicit.includes("--tls-on-connect") && !implicit.includes("--tls"));
  assert.ok(!implicit.some((a) => a.startsWith("--tls-sni")), "no SNI for an address");
  assert.ok(implicit.includes("--tls-target=192.0.2.10"));
  assert.ok(!swaksArgs({ ...base, mode: "none" }).some((a) => a.startsWith("--tls")));
});

test("swaksArgs() gives one mechanism, the user and a hidden password, never a password", () => {
  const args = swaksArgs({
    ...base,
    quitAfter: "RCPT",
    from: "-me@example.com",
    to: ["a@example.net", "b@example.net"],
    auth: { mechanism: "LOGIN", user: "-u" },
  });
  assert.ok(args.includes("--auth=LOGIN") && args.includes("--auth-user=-u") && args.includes("--auth-hide-password"));
  assert.ok(!args.some((a) => a.startsWith("--auth-password")));
  assert.ok(args.includes("--from=-me@example.com") && args.includes("--to=a@example.net,b@example.net"));
  assert.equal(args.at(-1), "--quit-after=RCPT");
});

test("guardedEnv() drops SWAKS_OPT_* and the caller's PERL5OPT, and loads the guard", () => {
  const env = guardedEnv(
    { PATH: "/usr/bin", SWAKS_OPT_auth_password: "x", PERL5OPT: "-d", PERL5LIB: "/opt/perl" },
    "/tmp/g",
    "smtp.example.com",
  );
  assert.equal(env.SWAKS_OPT_auth_password, undefined);
  assert.equal(env.PERL5OPT, "-MSmtpilotSwaksGuard");
  assert.equal(env.PERL5LIB, "/tmp/g:/opt/perl");
  assert.equal(env.SMTPILOT_SWAKS_VERIFY_NAME, "smtp.example.com");
});

test("guardedEnv() passes only what swaks needs, never a variable that holds the run's secret", () => {
  const env = guardedEnv(
    { PATH: "/usr/bin", SMTP_PASSWORD: "s3cret-value", OTHER: "prefix-s3cret-value", HOME: "/root" },
    "/tmp/g",
    undefined,
    ["s3cret-value"],
  );
  assert.equal(env.SMTP_PASSWORD, undefined);
  assert.equal(env.OTHER, undefined);
  assert.equal(env.HOME, "/root");
  assert.deepEqual(Object.keys(guardedEnv({ AWS_SECRET_ACCESS_KEY: "k", PATH: "/bin" }, "/g")).sort(), [
    "PATH",
    "PERL5LIB",
    "PERL5OPT",
  ]);
});

/** Real swaks 20201014 output (STARTTLS, then a failed LOGIN), as it prints it. */
const SESSION = `=== smtpilot: guard loaded
Password: === Trying 127.0.0.1:36109...
=== Connected to 127.0.0.1.
<-  220 mail.smtpilot.test ESMTP Postfix
 -> EHLO client.test
<-  250-mail.smtpilot.test
<-  250 STARTTLS
 -> STARTTLS
<-  220 2.0.0 Ready to start TLS
=== smtpilot: the certificate must be valid for localhost
=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256
=== TLS no local certificate set
=== TLS peer DN="/CN=localhost/O=smtpilot fixtures"
=== -----BEGIN CERTIFICATE-----
=== MIIBszCCAVmgAwIBAgIU
=== -----END CERTIFICATE-----
 ~> EHLO client.test
<~  250 AUTH LOGIN PLAIN
 ~> AUTH LOGIN
<~  334 VXNlcm5hbWU6
<~* 535 5.7.8 Username and Password not accepted
*** No authentication type succeeded
 ~> QUIT
<~  221 2.0.0 Bye
=== Connection closed with remote host.`;

test("SwaksOutputParser reads a real session: who spoke, TLS, the certificate, swaks' own errors", () => {
  const parser = new SwaksOutputParser();
  const events = SESSION.split("\n").flatMap((l) => parser.push(l));
  const kinds = events.map((e) => e.kind);
  assert.deepEqual(kinds.slice(0, 4), ["guard", "trying", "connected", "server"]);
  assert.ok(
    events.some((e) => e.kind === "tls-started" && e.protocol === "TLSv1.3" && e.cipher === "TLS_AES_256_GCM_SHA384"),
  );
  const pem = events.find((e): e is Extract<SwaksEvent, { kind: "peer-cert" }> => e.kind === "peer-cert");
  assert.match(pem?.pem ?? "", /^-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----$/);
  assert.deepEqual(events.filter((e) => e.kind === "server" && e.tls).map((e) => (e as { line: string }).line), [
    "250 AUTH LOGIN PLAIN",
    "334 VXNlcm5hbWU6",
    "535 5.7.8 Username and Password not accepted",
    "221 2.0.0 Bye",
  ]);
  assert.ok(events.some((e) => e.kind === "error" && e.text === "No authentication type succeeded"));
});

test("SwaksOutputParser tells swaks' timeout, a lost connection and a connect error (reason on the next line)", () => {
  const parser = new SwaksOutputParser();
  const events = [
    "<** Timeout (11 secs) waiting for server response",
    "*** Remote host closed connection unexpectedly.",
    "*** Error connecting to 127.0.0.1:1:",
    "*** \tIO::Socket::INET: connect: Connection refused",
    "*** TLS startup failed (connect(): error:0A000086:SSL routines::certificate verify failed)",
  ].flatMap((l) => parser.push(l));
  assert.deepEqual(events.map((e) => e.kind), ["timeout", "lost", "error", "connect-error", "tls-failed"]);
  const reason = events.find((e) => e.kind === "connect-error") as { reason: string };
  assert.equal(connectErrorCode(reason.reason), "ECONNREFUSED");
  assert.equal(connectErrorCode("IO::Socket::INET: connect: Something new"), undefined);
  assert.equal(
    tlsFailureCode("connect(): error:0A000086:SSL routines::certificate verify failed"),
    "CERTIFICATE_VERIFY_FAILED",
  );
  assert.equal(tlsFailureCode("connect(): error:0A00010B:SSL routines::wrong version number"), "WRONG_VERSION_NUMBER");
});
