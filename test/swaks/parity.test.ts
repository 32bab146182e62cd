// Every fixture scenario of the catalogue through both backends: the built-in client and swaks
// must name the same failing layer and code, or the scenario is listed below with what swaks
// cannot tell. New scenarios are covered as they are added (the loop reads FIXTURE_SCENARIOS).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { diagnose } from "../../core/diagnose.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { systemIo } from "../../core/io.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import {
  FIXTURE_DEMO_SECRET,
  FIXTURE_DEMO_USER,
  FIXTURE_SCENARIOS,
  type RunningFixture,
  startFixture,
} from "../../fixtures/index.ts";
import { diagnoseWithSwaks } from "../../plugins/swaks-backend/index.ts";
import { skipUnlessSwaks, swaksRequest } from "./swaks-env.ts";

/**
 * Scenarios where swaks sees less than smtpilot's own client, with the code the swaks backend
 * reports instead and why. Anything else must match exactly.
 */
const SWAKS_CANNOT_TELL: Readonly<Record<string, { swaks: string; why: string }>> = {
  "size-limit": {
    swaks: "pass",
    why:
      "swaks sends MAIL FROM without SIZE=, so the server's size refusal never comes; the backend warns envelope.size-unknown",
  },
};

/**
 * Scenarios whose verdict comes from a timeout firing (a silent port, a stalled session): a short
 * one keeps them quick. Every other scenario answers, and gets a timeout a busy machine cannot
 * reach — banner-slow's 2.5 s greeting against 4 s raced on a loaded machine.
 */
const ENDS_BY_TIMEOUT: ReadonlySet<string> = new Set(["no-banner", "stall-after-ehlo", "http-server"]);

const skip = skipUnlessSwaks();
let fx: RunningFixture;

before(async () => {
  if (!skip) fx = await startFixture({});
});
after(async () => {
  await fx?.close();
});

function request(name: string, needs: readonly string[]): DiagnoseOptions {
  const port = fx.ports[name];
  if (port === undefined) throw new Error(`No port for ${name}`);
  return {
    host: fx.host,
    port,
    tls: needs.includes("tls-none") ? "none" : "auto",
    ca: fx.caPem,
    to: needs.includes("envelope") ? ["rcpt@smtpilot.test"] : [],
    ...(needs.includes("envelope") ? { from: "sender@smtpilot.test" } : {}),
    ...(needs.includes("auth")
      ? { auth: { user: FIXTURE_DEMO_USER, secret: FIXTURE_DEMO_SECRET, secretRef: "env:SMTPILOT_DEMO_SECRET" } }
      : {}),
    timeoutMs: ENDS_BY_TIMEOUT.has(name) ? 4000 : 15_000,
    declaredSize: 10240,
  };
}

const outcome = (r: DiagnoseReport) => (r.verdict.code ?? "pass");
const failing = (r: DiagnoseReport) => r.verdict.layer ?? "none";

describe("the swaks backend against every fixture scenario", { skip, concurrency: 3 }, () => {
  for (const scenario of FIXTURE_SCENARIOS) {
    test(`${scenario.name}: swaks and the built-in client agree (${scenario.expect})`, async () => {
      const options = request(scenario.name, scenario.needs);
      const builtin = await diagnose(options, systemIo());
      const started = performance.now();
      const swaks = await diagnoseWithSwaks(swaksRequest(options));
      const took = performance.now() - started;
      const exception = SWAKS_CANNOT_TELL[scenario.name];
      const seen = JSON.stringify({ builtin: builtin.layers, swaks: swaks.layers, transcript: swaks.transcript });
      assert.equal(outcome(builtin), scenario.expect, seen);
      if (exception) {
        assert.equal(outcome(swaks), exception.swaks, seen);
      } else {
        assert.equal(failing(swaks), failing(builtin), seen);
        assert.equal(outcome(swaks), outcome(builtin), seen);
      }
      if (scenario.warning && !exception) {
        assert.ok(swaks.layers.some((l) => l.warnings.some((w) => w.code === scenario.warning)), seen);
      }
      assert.equal(swaks.schema, builtin.schema);
      assert.deepEqual(swaks.layers.map((l) => l.id).sort(), builtin.layers.map((l) => l.id).sort());
      // Never swaks' own 30 s: a silent or endless server is answered within the run's own timers.
      assert.ok(took < 25_000, `took ${Math.round(took)} ms`);
      assert.ok(!JSON.stringify(swaks).includes(FIXTURE_DEMO_SECRET), "the secret leaked into the report");
    });
  }

  test("size-limit through swaks warns envelope.size-unknown instead of guessing a pass", async () => {
    const swaks = await diagnoseWithSwaks(swaksRequest(request("size-limit", ["envelope"])));
    const envelope = swaks.layers.find((l) => l.id === "envelope");
    assert.equal(envelope?.status, "warn");
    assert.deepEqual(envelope?.warnings.map((w) => w.code), ["envelope.size-unknown"]);
  });

  test("a healthy server with login and envelope passes through swaks as through the built-in client", async () => {
    const options = request("healthy-starttls", ["auth", "envelope"]);
    const [builtin, swaks] = [await diagnose(options, systemIo()), await diagnoseWithSwaks(swaksRequest(options))];
    assert.equal(builtin.verdict.status, "pass");
    assert.equal(swaks.verdict.status, "pass", JSON.stringify(swaks));
    assert.equal(swaks.layers.find((l) => l.id === "auth")?.facts.mechanism, "PLAIN");
    assert.equal(swaks.mode, "auth-probe");
  });

  test("implicit TLS with a login passes, and swaks is started with --tls-on-connect", async () => {
    const options: DiagnoseOptions = { ...request("healthy-implicit", ["auth"]), tls: "implicit" };
    const swaks = await diagnoseWithSwaks(swaksRequest(options));
    assert.equal(swaks.verdict.status, "pass", JSON.stringify(swaks));
    assert.equal(swaks.layers[2]?.id, "tls");
  });

  test("--tls starttls on an implicit-TLS port is tls.mode-mismatch within seconds, not swaks' 30 s", async () => {
    const options: DiagnoseOptions = { ...request("healthy-implicit", []), tls: "starttls", timeoutMs: 30_000 };
    const t0 = performance.now();
    const builtin = await diagnose(options, systemIo());
    const t1 = performance.now();
    const swaks = await diagnoseWithSwaks(swaksRequest(options));
    const t2 = performance.now();
    assert.equal(builtin.verdict.code, "tls.mode-mismatch");
    assert.equal(swaks.verdict.code, "tls.mode-mismatch");
    // The built-in client's greeting pause plus swaks' start-up: seconds, even on a busy machine,
    // never the 30 s step timeout (swaks' own default too).
    assert.ok(t2 - t1 < 20_000, `builtin ${Math.round(t1 - t0)} ms, swaks ${Math.round(t2 - t1)} ms`);
  });

  test("--tls implicit on a STARTTLS port is tls.mode-mismatch", async () => {
    const options: DiagnoseOptions = { ...request("healthy-starttls", []), tls: "implicit" };
    const swaks = await diagnoseWithSwaks(swaksRequest(options));
    assert.equal(swaks.verdict.code, "tls.mode-mismatch", JSON.stringify(swaks.layers));
  });

  test("a certificate for another name stops swaks before AUTH: no credential reaches the server", async () => {
    const options = request("cert-wrong-host", ["auth"]);
    const before = fx.events.length;
    const swaks = await diagnoseWithSwaks(swaksRequest(options));
    assert.equal(swaks.verdict.code, "tls.cert-hostname-mismatch");
    const mine = fx.events.slice(before).filter((e) => e.scenario === "cert-wrong-host");
    assert.ok(!mine.some((e) => e.kind === "auth" || /^AUTH/i.test(e.detail)), JSON.stringify(mine));
  });

  test("one login attempt only: a failed PLAIN is not retried with LOGIN (swaks given one mechanism)", async () => {
    const before = fx.events.length;
    const swaks = await diagnoseWithSwaks(swaksRequest(request("auth-invalid", ["auth"])));
    assert.equal(swaks.verdict.code, "auth.invalid-credentials");
    const attempts = fx.events.slice(before).filter((e) => e.scenario === "auth-invalid" && /^AUTH\b/i.test(e.detail));
    assert.equal(attempts.length, 1, JSON.stringify(attempts));
  });
});
