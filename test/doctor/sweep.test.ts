// The sweep and the diagnosis of the best path against fixture scenarios on consecutive ports
// (startFixture's portBase): implicit TLS only, STARTTLS only, a filtered port and a refusing one,
// standing in for 465, 587, 25 and 2525 of one host.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type DoctorStandIn, startDoctorStandIn } from "../../cli/commands/doctor-fixture.ts";
import { runDoctor } from "../../core/doctor/doctor.ts";
import { startSweep } from "../../core/doctor/sweep.ts";
import { parseSecretRef, resolveSecret } from "../../core/secrets.ts";
import { FIXTURE_DEMO_SECRET, startFixture } from "../../fixtures/index.ts";
import { codes, deps, PERSON, request, settingsFile } from "./doctor-run.ts";
import { randomPortBase } from "../helpers/port-base.ts";

let stand: DoctorStandIn;
let base = 0;

before(async () => {
  // Consecutive ports from a base picked at random, moved on if another suite holds one.
  for (let attempt = 0; attempt < 20 && !stand; attempt++) {
    base = randomPortBase();
    try {
      stand = await startDoctorStandIn(base);
    } catch (err) {
      if ((err as { code?: string }).code !== "E_PORT_IN_USE") throw err;
    }
  }
});
after(() => stand?.close());

/** Dependencies playing the stand-in, with secrets resolved for real. */
async function net(over: Parameters<typeof deps>[0] = {}) {
  return await deps({
    io: stand.io,
    mx: stand.mx,
    detect: stand.detect,
    standIn: stand.standIn,
    resolveSecret: (ref) => resolveSecret(parseSecretRef(ref)),
    ...over,
  });
}

const laravel = (port: number, encryption: string) =>
  `MAIL_MAILER=smtp\nMAIL_HOST=smtp.example.test\nMAIL_PORT=${port}\nMAIL_USERNAME=demo\n` +
  `MAIL_PASSWORD=${FIXTURE_DEMO_SECRET}\nMAIL_ENCRYPTION=${encryption}\nMAIL_FROM_ADDRESS=shop@example.test\n`;

test("the scenarios sit on consecutive ports from the base", () => {
  assert.ok(base > 0);
});

test("each port is classified: STARTTLS, implicit TLS, filtered, refused", async () => {
  const results = startSweep(
    {
      host: "smtp.example.test",
      ports: [587, 465, 25, 2525],
      timeoutMs: 1500,
      ca: stand.standIn.ca,
      servername: "localhost",
    },
    stand.io,
  );
  const got = await Promise.all([...results.values()]);
  assert.deepEqual(got.map((r) => [r.port, r.class, r.tls ?? null, r.works]), [
    [587, "smtp", "starttls", true],
    [465, "tls", "implicit", true],
    [25, "filtered", null, false],
    [2525, "refused", null, false],
  ]);
  assert.equal(got.find((r) => r.port === 25)?.code, "tcp.timeout");
});

test("Laravel 587 + ssl: mismatch named, sweep, the corrected path passes an auth probe, two lines to change", async () => {
  const file = settingsFile(".env", laravel(587, "ssl"));
  const d = await net();
  const connects: number[] = [];
  const io = {
    ...stand.io,
    connect: (a: string, p: number, s?: AbortSignal) => (connects.push(p), stand.io.connect(a, p, s)),
  };
  d.io = io;
  const announcedBeforeNetwork: boolean[] = [];
  d.announce = () => void announcedBeforeNetwork.push(connects.length === 0);
  const report = await runDoctor(request(file, { offline: false, sweepTimeoutMs: 1500 }), PERSON, d);
  assert.deepEqual(announcedBeforeNetwork, [true]);
  assert.equal(report.mode, "auth-probe");
  assert.ok(codes(report).includes("doctor.implicit-tls-on-starttls-port"));
  assert.ok(codes(report).includes("doctor.port-25-blocked"));
  assert.deepEqual(report.path, { host: "smtp.example.test", port: 587, tls: "starttls", why: "corrected" });
  assert.equal(report.diagnosis?.mode, "auth-probe");
  assert.equal(report.diagnosis?.verdict.status, "pass");
  assert.ok(report.diagnosis?.layers.some((l) => l.id === "auth" && l.status === "pass"));
  assert.deepEqual(report.next.lines.map((l) => `${l.line ?? "add"}: ${l.text}`), [
    "6: MAIL_ENCRYPTION=tls",
    "add: MAIL_SCHEME=smtp",
  ]);
  assert.match(
    report.next.command ?? "",
    /--port 587 --tls starttls --user demo --secret 'dotenv:[^']+#MAIL_PASSWORD'/,
  );
  assert.deepEqual(report.verdict, { status: "fail", code: "doctor.implicit-tls-on-starttls-port", exitCode: 1 });
  // One sweep connection per port (plus side probes after silence), one for the diagnosis.
  assert.equal(connects.filter((p) => p === 587).length, 2);
});

test("settings that work as written: the settings' own path, exit 0, only the profile line", async () => {
  const file = settingsFile(".env", laravel(465, "ssl"));
  const report = await runDoctor(request(file, { offline: false, sweepTimeoutMs: 1500 }), PERSON, await net());
  assert.deepEqual(report.path, { host: "smtp.example.test", port: 465, tls: "implicit", why: "settings" });
  assert.equal(report.diagnosis?.verdict.status, "pass");
  assert.deepEqual(report.next.lines, []);
  assert.ok(report.next.command?.includes("--port 465 --tls implicit"));
  assert.deepEqual(report.verdict, { status: "pass", exitCode: 0 });
});

test("a port that refuses: the working alternative is diagnosed and the port line changes", async () => {
  const file = settingsFile(".env", laravel(2525, "tls"));
  const report = await runDoctor(request(file, { offline: false, sweepTimeoutMs: 1500 }), PERSON, await net());
  assert.deepEqual(report.path, { host: "smtp.example.test", port: 587, tls: "starttls", why: "alternative" });
  assert.ok(codes(report).includes("doctor.own-path-fails"));
  assert.deepEqual(report.next.lines.map((l) => `${l.line ?? "add"}: ${l.text}`), ["3: MAIL_PORT=587"]);
  assert.equal(report.verdict.exitCode, 1);
});

test("port 25 filtered on a machine whose firmware says Google: Google Cloud's policy, with source and date", async () => {
  const file = settingsFile(".env", laravel(587, "tls"));
  const d = await net({ dmi: () => "Google\nGoogle Compute Engine" });
  const report = await runDoctor(request(file, { offline: false, sweepTimeoutMs: 1500 }), PERSON, d);
  const blocked = report.findings.find((f) => f.code === "doctor.port-25-blocked");
  assert.ok(blocked);
  assert.deepEqual(blocked.sources?.map((s) => s.url), [
    "https://cloud.google.com/compute/docs/tutorials/sending-mail",
  ]);
  assert.match(blocked.sources?.[0]?.asOf ?? "", /^\d{4}-\d{2}-\d{2}$/);
});

test("nothing answers: no-port-answers, and the settings' own path diagnosed to its failing layer", async () => {
  const filtered = stand.io.connect;
  const d = await net();
  // Every port behaves like the filtered one.
  d.io = { ...stand.io, connect: (a, _p, s) => filtered(a, 25, s) };
  const file = settingsFile(".env", laravel(587, "tls"));
  const report = await runDoctor(request(file, { offline: false, sweepTimeoutMs: 400, timeoutMs: 400 }), PERSON, d);
  assert.ok(codes(report).includes("doctor.no-port-answers"));
  assert.equal(report.diagnosis?.verdict.code, "tcp.timeout");
  assert.deepEqual(report.verdict, { status: "fail", code: "tcp.timeout", exitCode: 11 });
});

test("a host that is a provider's inbound MX: an error, fixed with the provider's submission host", async () => {
  const file = settingsFile(
    ".env",
    laravel(587, "tls").replace("smtp.example.test", "inbound-smtp.eu-west-1.amazonaws.com")
      .replace("shop@example.test", "shop@shop.example"),
  );
  const d = await net({
    mx: {
      resolveMx: (name) =>
        name === "shop.example"
          ? Promise.resolve([{ exchange: "inbound-smtp.eu-west-1.amazonaws.com", priority: 10 }])
          : Promise.reject(Object.assign(new Error("none"), { code: "ENODATA" })),
    },
  });
  const report = await runDoctor(request(file, { offline: false, sweepTimeoutMs: 1500 }), PERSON, d);
  const mx = report.findings.find((f) => f.code === "doctor.host-is-mx");
  assert.equal(mx?.severity, "error");
  assert.deepEqual(mx?.fix?.lines.map((l) => l.text), ["MAIL_HOST=email-smtp.eu-west-1.amazonaws.com"]);
});

test("an agent's run uses no credential and reads no environment: a connectivity probe", async () => {
  const file = settingsFile(".env", laravel(587, "tls"));
  const report = await runDoctor(
    request(file, { offline: false, sweepTimeoutMs: 1500 }),
    { readEnvironment: false, useSecrets: false, withheld: "agent" },
    await net({ resolveSecret: () => Promise.reject(new Error("must not be asked")) }),
  );
  assert.equal(report.mode, "connectivity-probe");
  assert.equal(report.diagnosis?.mode, "connectivity-probe");
});

test("startFixture on a port base puts the four stand-ins on consecutive ports", async () => {
  let fx;
  for (let attempt = 0; attempt < 20 && !fx; attempt++) {
    const at = randomPortBase();
    try {
      fx = await startFixture({
        scenarios: ["healthy-starttls", "healthy-implicit", "port-filtered", "port-refusing"],
        portBase: at,
      });
      const ports = Object.values(fx.ports).sort((a, b) => a - b);
      assert.deepEqual(ports.map((p) => p - at), [0, 1, 2, 3]);
    } catch (err) {
      if ((err as { code?: string }).code !== "E_PORT_IN_USE") throw err;
    } finally {
      await fx?.close();
    }
  }
  assert.ok(fx);
});

test("a connection gets its own, shorter budget: a filtered port is named after it, not after the step timeout", async () => {
  const { diagnose } = await import("../../core/diagnose.ts");
  const { hangingConnect, ioWith, options } = await import("../helpers/fake-io.ts");
  const report = await diagnose(
    options({ port: 25, timeoutMs: 20_000, connectTimeoutMs: 200 }),
    ioWith({ connect: hangingConnect }),
  );
  assert.equal(report.verdict.code, "tcp.timeout");
  assert.equal(report.layers.find((l) => l.id === "tcp")?.facts.timeoutMs, 200);
});

test("a URL with no lines to write: the next move is the finding's fix and the working path, not 'as written'", async () => {
  const report = await runDoctor(
    request("smtps://demo@smtp.example.test:587", { offline: false, sweepTimeoutMs: 1500 }),
    PERSON,
    await net(),
  );
  assert.deepEqual(report.path, { host: "smtp.example.test", port: 587, tls: "starttls", why: "corrected" });
  const finding = report.findings.find((f) => f.code === "doctor.implicit-tls-on-starttls-port");
  assert.ok(finding?.fix?.text);
  assert.deepEqual(report.next.lines, []);
  assert.ok(report.next.text.startsWith(finding.fix.text), report.next.text);
  assert.match(report.next.command ?? "", /--port 587 --tls starttls/);
  assert.equal(report.verdict.exitCode, 1);
});

test("settings without a host: no DNS, no connection, the lines read and doctor.host-not-set (exit 1)", async () => {
  const file = settingsFile(".env", "MAIL_MAILER=smtp\nMAIL_PORT=587\nMAIL_USERNAME=demo\n");
  const d = await net();
  let contacted = 0;
  d.io = {
    ...stand.io,
    connect: (a, p, s) => (contacted++, stand.io.connect(a, p, s)),
    resolver: { ...stand.io.resolver, lookup: (h) => (contacted++, stand.io.resolver.lookup(h)) },
  };
  const report = await runDoctor(request(file, { offline: false, sweepTimeoutMs: 1500 }), PERSON, d);
  assert.equal(contacted, 0);
  assert.equal(report.sweep, undefined);
  assert.deepEqual(report.settings?.lines.map((l) => l.key), ["MAIL_MAILER", "MAIL_PORT", "MAIL_USERNAME"]);
  assert.ok(codes(report).includes("doctor.host-not-set"));
  assert.deepEqual([report.verdict.status, report.verdict.exitCode], ["fail", 1]);
});

test("the other classes, from the fixture's own scenarios: greets then closes, closes, not SMTP, SMTP without STARTTLS", async () => {
  const names = ["no-starttls", "banner-busy", "drop-after-ehlo", "garbage-banner"] as const;
  const fx = await startFixture({ scenarios: [...names] });
  try {
    // One host, four ports: each conventional port number stands for one scenario.
    const byPort = new Map(names.map((n, i) => [1000 + i, fx.ports[n] ?? 0]));
    const { systemConnect } = await import("../../core/io.ts");
    const results = startSweep(
      { host: "smtp.example.test", ports: [...byPort.keys()], timeoutMs: 1500, ca: fx.caPem, servername: "localhost" },
      { ...stand.io, connect: (_a, p, s) => systemConnect(fx.host, byPort.get(p) ?? 1, s) },
    );
    const got = await Promise.all([...results.values()]);
    assert.deepEqual(got.map((r) => [r.class, r.tls ?? null, r.code ?? null]), [
      ["smtp", "none", "tls.starttls-not-offered"],
      ["greets-then-closes", null, "greeting.busy"],
      ["greets-then-closes", null, "ehlo.connection-dropped"],
      ["not-smtp", null, "greeting.not-smtp"],
    ]);
  } finally {
    await fx.close();
  }
});
