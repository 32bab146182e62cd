// Every fixture scenario of the catalogue through both backends: the built-in client and swaks
// must name the same failing layer and code, or the scenario is listed below with what swaks
// cannot tell. New scenarios are covered as they are added (the loop reads FIXTURE_SCENARIOS).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
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
import { startChildServer } from "../helpers/child-server.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { beforeHang } from "../helpers/wait-until.ts";
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

/**
 * swaks with its own timeout at ten minutes (the last --timeout wins): whatever ends a run through
 * it within seconds is one of smtpilot's timers, never swaks'.
 */
function slowSwaks(): string {
  const file = path.join(makeTestDir("smtpilot-slow-swaks-"), "swaks");
  fs.writeFileSync(file, '#!/bin/sh\nexec swaks "$@" --timeout=600s\n', { mode: 0o755 });
  return file;
}
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
      const swaks = await beforeHang(diagnoseWithSwaks(swaksRequest(options)), "the swaks run never ended");
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
      assert.ok(!JSON.stringify(swaks).includes(FIXTURE_DEMO_SECRET), "the secret leaked into the report");
    });
  }

  for (const name of ENDS_BY_TIMEOUT) {
    test(`${name}: smtpilot's own timers end the swaks run, never swaks' timer`, async () => {
      // swaks gets a timeout one second past smtpilot's, so smtpilot's timer decides. Here swaks'
      // own is ten minutes: the same verdict as the built-in client's, from a run that did not
      // wait for swaks, shows which timer ended it; a run that waited would hang, and fail.
      const options = request(name, []);
      const builtin = await diagnose(options, systemIo());
      const swaks = await beforeHang(
        diagnoseWithSwaks(swaksRequest(options, slowSwaks())),
        "the swaks run waited for swaks' own timeout",
      );
      assert.equal(outcome(swaks), outcome(builtin), JSON.stringify(swaks.layers));
      assert.equal(failing(swaks), failing(builtin));
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

  test("--tls starttls on an implicit-TLS port is tls.mode-mismatch after the greeting pause, not a timeout", async () => {
    // The mismatch is found by the side probe after the greeting pause (seconds). Here nothing else
    // can end the silence in time: the server keeps a silent connection for two minutes (the
    // fixture's closes it after 30 s), the step timeout is ten minutes and swaks' one second more.
    // A run that waited for any of them hangs, and fails.
    const { leaf } = loopbackCert();
    const child = await startChildServer({ kind: "tls", key: leaf.keyPem, cert: leaf.certPem });
    try {
      const options: DiagnoseOptions = {
        ...request("healthy-implicit", []),
        port: child.port,
        tls: "starttls",
        timeoutMs: 600_000,
      };
      const builtin = await beforeHang(diagnose(options, systemIo()), "the built-in run waited for a timeout");
      const swaks = await beforeHang(diagnoseWithSwaks(swaksRequest(options)), "the swaks run waited for a timeout");
      assert.equal(builtin.verdict.code, "tls.mode-mismatch");
      assert.equal(swaks.verdict.code, "tls.mode-mismatch");
    } finally {
      await child.close();
    }
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
