// The envelope layer reads a refused recipient in the session's context: a relay refusal worded
// as a recipient error (OpenSMTPD's "550 Invalid recipient" for a domain it does not serve, to an
// unauthenticated client), and a server that hangs up with its refusal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { diagnose } from "../../core/diagnose.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { systemIo } from "../../core/io.ts";
import type { LayerContext } from "../../core/layers/context.ts";
import { relayLikelihood } from "../../core/layers/_recipient-context.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { options } from "../helpers/fake-io.ts";
import { startScriptServer } from "../helpers/script-server.ts";

/** A server in OpenSMTPD's words: every recipient outside `domain` is "Invalid recipient". */
async function openSmtpdLike(
  hostname: string,
  domain: string,
  over: Partial<DiagnoseOptions>,
): Promise<DiagnoseReport> {
  const srv = await startScriptServer({
    greeting: `220 ${hostname} ESMTP OpenSMTPD\r\n`,
    onLine: (line) => {
      if (/^EHLO/i.test(line)) return `250-${hostname} Hello [127.0.0.1], pleased to meet you\r\n250 8BITMIME\r\n`;
      const rcpt = /^RCPT TO:<(.*)>/i.exec(line)?.[1];
      if (rcpt !== undefined) {
        return rcpt.endsWith(`@${domain}`) && rcpt.startsWith("known@")
          ? "250 2.1.5 Destination address valid: Recipient ok\r\n"
          : `550 Invalid recipient: <${rcpt}>\r\n`;
      }
      return /^QUIT/i.test(line) ? "221 2.0.0 Bye\r\n" : "250 2.0.0 Ok\r\n";
    },
  });
  try {
    return await diagnose(
      options({ port: srv.port, tls: "none", from: "app@example.org", timeoutMs: 2000, ...over }),
      systemIo(),
    );
  } finally {
    await srv.close();
  }
}

const envelope = (r: DiagnoseReport) => r.layers.find((l) => l.id === "envelope");

test("550 Invalid recipient for another domain, unauthenticated: relaying is named the likely cause", async () => {
  const external = await openSmtpdLike("mx.osmtpd.test", "osmtpd.test", { to: ["someone@example.net"] });
  const local = await openSmtpdLike("mx.osmtpd.test", "osmtpd.test", { to: ["nobody@osmtpd.test"] });
  // The server's own word stays the code; the context is a fact and the cause.
  assert.equal(external.verdict.code, "envelope.recipient-unknown");
  assert.equal(local.verdict.code, "envelope.recipient-unknown");
  assert.equal(envelope(external)?.facts.relay, "likely");
  assert.equal(envelope(local)?.facts.relay, undefined);
  assert.notEqual(envelope(external)?.diagnosis?.cause, envelope(local)?.diagnosis?.cause);
  assert.notEqual(envelope(external)?.diagnosis?.next, envelope(local)?.diagnosis?.next);
});

test("a server that names no domain (OpenSMTPD on a host called 'vm') makes relaying possible, not likely", async () => {
  const report = await openSmtpdLike("vm", "osmtpd.test", { to: ["someone@example.net"] });
  assert.equal(report.verdict.code, "envelope.recipient-unknown");
  assert.equal(envelope(report)?.facts.relay, "possible");
});

test("a subdomain of the server's organisational domain is the server's own", async () => {
  const report = await openSmtpdLike("mx1.mail.osmtpd.test", "osmtpd.test", { to: ["nobody@osmtpd.test"] });
  assert.equal(envelope(report)?.facts.relay, undefined);
});

test("an authenticated session is never told its refusal is about relaying", () => {
  const ctx = {
    options: options({ auth: { user: "u", secret: "s", secretRef: "env:X" } }),
    state: { greetingName: "mx.osmtpd.test", tls: "starttls", tlsVerified: true, usedHelo: false, addresses: [] },
  } as unknown as LayerContext;
  assert.equal(relayLikelihood(ctx, "someone@example.net"), undefined);
  const anonymous = { ...ctx, options: options({}) } as LayerContext;
  assert.equal(relayLikelihood(anonymous, "someone@example.net"), "likely");
});

test("550 … closing connection at RCPT: the server hung up on a policy (serverClosed)", async () => {
  const srv = await startScriptServer({
    greeting: "220 mx.osmtpd.test ESMTP\r\n",
    onLine: (line, socket) => {
      if (/^EHLO/i.test(line)) return "250-mx.osmtpd.test\r\n250 8BITMIME\r\n";
      if (/^RCPT/i.test(line)) {
        socket.end("550 5.7.1 Too many invalid recipients, closing connection\r\n");
        return undefined;
      }
      return "250 2.0.0 Ok\r\n";
    },
  });
  try {
    const report = await diagnose(
      options({ port: srv.port, tls: "none", from: "app@example.org", to: ["x@osmtpd.test"], timeoutMs: 2000 }),
      systemIo(),
    );
    assert.equal(report.verdict.layer, "envelope");
    assert.equal(envelope(report)?.facts.serverClosed, true);
  } finally {
    await srv.close();
  }
});

/** A server offering `smtputf8` or not, recording the raw bytes of every line it receives. */
async function utf8Session(smtputf8: boolean, from: string, to: string) {
  const received: Buffer[] = [];
  const srv = await startScriptServer({
    greeting: "220 mx.osmtpd.test ESMTP\r\n",
    onLine: (line) => {
      received.push(Buffer.from(line, "latin1"));
      if (/^EHLO/i.test(line)) {
        return `250-mx.osmtpd.test\r\n250-8BITMIME\r\n${smtputf8 ? "250-SMTPUTF8\r\n" : ""}250 SIZE 1000000\r\n`;
      }
      return /^QUIT/i.test(line) ? "221 Bye\r\n" : "250 2.0.0 Ok\r\n";
    },
  });
  try {
    const report = await diagnose(
      options({ port: srv.port, tls: "none", from, to: [to], timeoutMs: 2000 }),
      systemIo(),
    );
    return { report, received };
  } finally {
    await srv.close();
  }
}

test("a non-ASCII local part goes out with MAIL FROM … SMTPUTF8, in UTF-8, when the server offers it", async () => {
  const { report, received } = await utf8Session(true, "app@example.org", "jörg@osmtpd.test");
  assert.equal(report.verdict.status, "pass", JSON.stringify(report.verdict));
  const mail = received.find((b) => b.toString("latin1").startsWith("MAIL FROM:"));
  assert.match(mail?.toString("latin1") ?? "", / SMTPUTF8$/);
  const rcpt = received.find((b) => b.toString("latin1").startsWith("RCPT TO:"));
  assert.deepEqual(rcpt, Buffer.from("RCPT TO:<jörg@osmtpd.test>", "utf8"));
});

test("a non-ASCII local part without the server's SMTPUTF8 is envelope.smtputf8-required, nothing sent", async () => {
  const { report, received } = await utf8Session(false, "jörg@example.org", "bob@osmtpd.test");
  assert.equal(report.verdict.code, "envelope.smtputf8-required");
  assert.deepEqual(envelope(report)?.facts.utf8Addresses, ["jörg@example.org"]);
  assert.ok(!received.some((b) => /^(?:MAIL|RCPT)/.test(b.toString("latin1"))));
});

test("an ASCII envelope never asks for SMTPUTF8, even when offered", async () => {
  const { report, received } = await utf8Session(true, "app@example.org", "bob@xn--mller-kva.test");
  assert.equal(report.verdict.status, "pass");
  const mail = received.find((b) => b.toString("latin1").startsWith("MAIL FROM:"));
  assert.doesNotMatch(mail?.toString("latin1") ?? "", /SMTPUTF8/);
});
