import { test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import { secretForms } from "../../core/redact.ts";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { runCli } from "../helpers/cli.ts";
import { shared, useFixture } from "../helpers/fixture-run.ts";

useFixture();

const fx = () => {
  if (!shared.fixture) throw new Error("fixture not started");
  return shared.fixture;
};
const target = (
  scenario: string,
) => ["--host", "127.0.0.1", "--port", String(fx().ports[scenario]), "--ca", fx().caPath];

test("--json prints one smtpilot.diagnose/1 document and nothing else", async () => {
  const r = await runCli([
    "diagnose",
    "--fixture",
    "healthy-starttls",
    "--json",
    "--user",
    "demo",
    "--secret",
    "env:DEMO_PW",
  ], { DEMO_PW: FIXTURE_DEMO_SECRET });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "smtpilot.diagnose/1");
  assert.equal(doc.mode, "auth-probe");
  assert.deepEqual(Object.keys(doc.target).sort(), ["host", "port", "tls"]);
  assert.deepEqual(doc.verdict, { status: "pass" });
  for (const layer of doc.layers) {
    assert.ok(["pass", "warn", "fail", "skip"].includes(layer.status));
    assert.equal(typeof layer.ms, "number");
    assert.ok(Array.isArray(layer.warnings));
  }
  assert.ok(Array.isArray(doc.transcript) && doc.transcript.length > 0);
});

test("the text report's first line is the mode", async () => {
  const r = await runCli(["diagnose", ...target("healthy-starttls")]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.split("\n")[0] ?? "", /^Mode: connectivity probe/);
});

const exits: { scenario: string; code: number; extra?: string[] }[] = [
  { scenario: "banner-busy", code: 12 },
  { scenario: "cert-expired", code: 13 },
  { scenario: "ehlo-rejected", code: 14 },
  { scenario: "auth-invalid", code: 15, extra: ["--user", "demo", "--secret", "env:DEMO_PW"] },
  { scenario: "relay-denied", code: 16, extra: ["--from", "a@smtpilot.test", "--to", "b@example.net"] },
];
for (const e of exits) {
  test(`smtpilot diagnose exits ${e.code} for ${e.scenario}`, async () => {
    const r = await runCli(["diagnose", ...target(e.scenario), "--json", ...(e.extra ?? [])], {
      DEMO_PW: FIXTURE_DEMO_SECRET,
    });
    assert.equal(r.code, e.code, r.stderr);
    assert.equal(JSON.parse(r.stdout).verdict.status, "fail");
  });
}

test("smtpilot diagnose exits 11 when nothing listens", async () => {
  const r = await runCli(["diagnose", "--host", "127.0.0.1", "--port", "1", "--json"]);
  assert.equal(r.code, 11);
  assert.equal(JSON.parse(r.stdout).verdict.code, "tcp.refused");
});

// The secret, and the base64 forms an AUTH exchange puts on the wire, never reach any output.
const secret = "Tr0ub4dor&3-very-distinct";
for (const mech of ["PLAIN", "LOGIN", "XOAUTH2"]) {
  for (const format of [["--json"], ["--transcript"]]) {
    test(`no form of the secret appears in stdout or stderr (${mech}, ${format[0]})`, async () => {
      const r = await runCli(
        [
          "diagnose",
          ...target("healthy-starttls"),
          ...format,
          "--user",
          "demo",
          "--secret",
          "env:LEAK_PW",
          "--auth-mech",
          mech,
        ],
        { LEAK_PW: secret },
      );
      assert.equal(r.code, 15, r.stderr);
      const out = r.stdout + r.stderr;
      assert.ok(out.includes("AUTH"), "the transcript shows the exchange");
      for (const form of [...secretForms(secret), Buffer.from(`\0demo\0${secret}`).toString("base64")]) {
        assert.ok(!out.includes(form), `found ${form}`);
      }
    });
  }
}

test("a successful auth probe keeps the real secret out of the output too", async () => {
  const r = await runCli([
    "diagnose",
    ...target("healthy-starttls"),
    "--transcript",
    "--json",
    "--user",
    "demo",
    "--secret",
    "env:PW",
    "--auth-mech",
    "PLAIN",
  ], { PW: FIXTURE_DEMO_SECRET });
  assert.equal(r.code, 0, r.stderr);
  for (const form of secretForms(FIXTURE_DEMO_SECRET)) assert.ok(!(r.stdout + r.stderr).includes(form));
});

test("--resolver asks the given DNS server", async () => {
  const server = dgram.createSocket("udp4");
  server.on("message", (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    const known = question?.name === "smtp.fixture.test";
    const answers = known && question?.type === "A"
      ? [{ type: "A" as const, name: question.name, ttl: 60, data: "127.0.0.1" }]
      : [];
    const reply = dnsPacket.encode({
      id: q.id,
      type: "response",
      flags: known ? 0x8180 : 0x8183,
      questions: q.questions,
      answers,
    });
    server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", () => r()));
  const dnsPort = server.address().port;
  try {
    const ok = await runCli([
      "diagnose",
      "--host",
      "smtp.fixture.test",
      "--port",
      String(fx().ports["healthy-starttls"]),
      "--servername",
      "localhost",
      "--ca",
      fx().caPath,
      "--resolver",
      `127.0.0.1:${dnsPort}`,
      "--json",
    ]);
    assert.equal(ok.code, 0, ok.stdout);
    assert.deepEqual(JSON.parse(ok.stdout).layers[0].facts.addresses, ["127.0.0.1"]);
    const missing = await runCli([
      "diagnose",
      "--host",
      "nope.fixture.test",
      "--resolver",
      `127.0.0.1:${dnsPort}`,
      "--json",
    ]);
    assert.equal(missing.code, 10);
    assert.equal(JSON.parse(missing.stdout).verdict.code, "dns.nxdomain");
  } finally {
    server.close();
  }
});

test("--resolver pointing at a dead server is dns.resolver-failed", async () => {
  const r = await runCli([
    "diagnose",
    "--host",
    "smtp.fixture.test",
    "--resolver",
    "127.0.0.1:9",
    "--timeout",
    "3",
    "--json",
  ]);
  assert.equal(r.code, 10);
  assert.equal(JSON.parse(r.stdout).verdict.code, "dns.resolver-failed");
});
