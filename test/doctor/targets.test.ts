// What the doctor can be pointed at besides a file: an address or a domain (its SRV and MX records
// name the host), a host[:port], a URL — and the findings that need provider knowledge but no
// connection (a From the provider will not send as, a test inbox, a missing host or password).
import { test } from "node:test";
import assert from "node:assert/strict";
import { runDoctor } from "../../core/doctor/doctor.ts";
import { parseTarget } from "../../core/doctor/target.ts";
import { codes, deps, offline, PERSON, request } from "./doctor-run.ts";

const refused = () => Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
const nodata = () => Promise.reject(Object.assign(new Error("none"), { code: "ENODATA" }));
const loopback = {
  lookup: () => Promise.resolve([{ address: "127.0.0.1", family: 4 as const }]),
  resolveCname: nodata,
};

test("parseTarget tells the forms apart", () => {
  assert.equal(parseTarget("smtp://h.example:25").kind, "url");
  assert.equal(parseTarget("./x.env").kind, "settings");
  assert.equal(parseTarget("me@example.com").kind, "address");
  assert.deepEqual(parseTarget("smtp.example.com:2525"), { kind: "host", host: "smtp.example.com", port: 2525 });
  assert.deepEqual(parseTarget("[::1]:25"), { kind: "host", host: "::1", port: 25 });
  assert.deepEqual(parseTarget("mail.example.com"), { kind: "host", host: "mail.example.com" });
  assert.deepEqual(parseTarget("example.com"), { kind: "domain", domain: "example.com" });
  assert.throws(() => parseTarget("a\u0007b"), /control/);
  assert.throws(() => parseTarget("h.example:70000"), /1-65535/);
});

test("an address: the domain's MX names the provider, whose submission host is swept", async () => {
  const d = await deps({
    io: { ...(await deps()).io, resolver: loopback, connect: refused },
    detect: {
      resolveSrv: nodata,
      resolveMx: (name) =>
        name === "shop.example" ? Promise.resolve([{ exchange: "aspmx.l.google.com", priority: 1 }]) : nodata(),
    },
    mx: { resolveMx: nodata },
  });
  const report = await runDoctor(request("me@shop.example", { offline: false, sweepTimeoutMs: 500 }), PERSON, d);
  assert.equal(report.input.kind, "address");
  assert.equal(report.settings?.host, "smtp.gmail.com");
  assert.match(report.contacts[0] ?? "", /SRV and MX of shop\.example/);
  assert.ok(codes(report).includes("doctor.no-port-answers"));
  assert.equal(report.diagnosis?.verdict.code, "tcp.refused");
});

test("a domain whose DNS names no submission server: no-submission-host, nothing swept", async () => {
  const d = await deps({
    detect: {
      resolveSrv: nodata,
      resolveMx: () => Promise.resolve([{ exchange: "mx1.unknown-host.example", priority: 10 }]),
    },
  });
  const report = await runDoctor(request("shop.example", { offline: false }), PERSON, d);
  assert.deepEqual(codes(report), ["doctor.no-submission-host"]);
  assert.equal(report.sweep, undefined);
  assert.equal(report.verdict.exitCode, 1);
});

test("provider knowledge offline: Gmail will not send as another domain's From", async () => {
  const report = await offline(
    ".env",
    "SMTP_HOST=smtp.gmail.com\nSMTP_PORT=587\nSMTP_USER=me@gmail.com\nSMTP_PASS=x\nSMTP_FROM=app@shop.example\n",
  );
  const f = report.findings.find((x) => x.code === "doctor.from-not-allowed");
  assert.equal(f?.severity, "warning");
  assert.deepEqual(f?.from.map((x) => x.key), ["SMTP_FROM", "SMTP_USER"]);
});

test("the smaller findings each have their code", async () => {
  const cases: [string, string, string][] = [
    [".env", "MAIL_MAILER=smtp\nMAIL_HOST=sandbox.smtp.mailtrap.io\nMAIL_PORT=2525\n", "doctor.sandbox-host"],
    ["settings.py", "EMAIL_PORT = 587\nEMAIL_USE_TLS = True\n", "doctor.host-not-set"],
    [".env", "SMTP_HOST=smtp.example.com\nSMTP_PORT=abc\n", "doctor.invalid-value"],
    [
      ".env",
      "SMTP_HOST=smtp.example.com\nSMTP_PORT=587\nSMTP_USER=me@example.com\nSMTP_PASS=\n",
      "doctor.secret-missing",
    ],
    [".env", "SMTP_HOST=${MAIL_RELAY_HOST}\nSMTP_PORT=587\n", "doctor.env-not-set"],
    [
      "production.rb",
      "config.action_mailer.smtp_settings = { address: 'smtp.example.com', port: 587, openssl_verify_mode: 'none' }\n",
      "doctor.tls-verification-off",
    ],
    [
      "application.properties",
      "spring.mail.host=smtp.example.com\nspring.mail.port=587\nspring.mail.properties.mail.smtp.starttls.enable=true\n" +
      "spring.mail.properties.mail.smtp.ssl.trust=*\n",
      "doctor.tls-verification-off",
    ],
  ];
  for (const [name, content, code] of cases) {
    const report = await offline(name, content);
    assert.ok(codes(report).includes(code), `${name}: ${codes(report).join(", ")} (wanted ${code})`);
  }
});

test("no host in the file: doctor.host-not-set, an error (exit 1), and its own fix as the next move", async () => {
  const cases: [string, string][] = [
    [".env", "MAIL_MAILER=smtp\nMAIL_PORT=587\nMAIL_USERNAME=demo\nMAIL_PASSWORD=x\n"],
    [".env", "SMTP_HOST=\nSMTP_PORT=587\n"],
    ["wp-config.php", "<?php\ndefine( 'WPMS_ON', true );\ndefine( 'WPMS_SMTP_PORT', 587 );\n"],
  ];
  for (const [name, content] of cases) {
    const report = await offline(name, content);
    assert.ok(codes(report).includes("doctor.host-not-set"), `${content}: ${codes(report).join(", ")}`);
    assert.deepEqual(report.verdict, { status: "fail", code: "doctor.host-not-set", exitCode: 1 });
    assert.ok(report.next.text.startsWith(report.findings[0]?.fix?.text ?? "(no fix)"), report.next.text);
  }
  // A host the file gives but smtpilot refuses is that finding alone, not a missing host as well.
  const refused = await offline(".env", "MAIL_MAILER=smtp\nMAIL_HOST=smtp.example.com\u001b[31m\nMAIL_PORT=587\n");
  assert.deepEqual(codes(refused), ["doctor.invalid-value"]);
  assert.equal(refused.verdict.exitCode, 1);
});
