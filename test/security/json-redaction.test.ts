// Whatever the secret is — one character, a digit, a quote, a backslash, a piece of a field name or
// of the schema — the --json document stays valid JSON with its structure intact. The report is
// redacted as data, where text entered, and never again as serialised text.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { diagnose } from "../../core/diagnose.ts";
import { systemIo } from "../../core/io.ts";
import { makeRedactor } from "../../core/redact.ts";
import type { DiagnoseReport } from "../../core/report.ts";
import { renderableReport } from "../../cli/commands/diagnose.ts";
import { FIXTURE_DEMO_USER, FIXTURE_SCENARIOS, type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { runCli } from "../helpers/cli.ts";

let fixture: RunningFixture;
const reports: { scenario: string; report: DiagnoseReport }[] = [];

before(async () => {
  fixture = await startFixture({ slowBannerMs: 200 });
  // One auth probe with an envelope per scenario: every layer that can run, runs.
  for (const s of FIXTURE_SCENARIOS) {
    const port = fixture.ports[s.name];
    if (port === undefined) continue;
    const report = await diagnose({
      host: fixture.host,
      port,
      tls: s.tls === "none" ? "none" : "auto",
      ca: fixture.caPem,
      auth: { user: FIXTURE_DEMO_USER, secret: "S3ntinel-passw0rd", secretRef: "env:PW" },
      from: "demo@smtpilot.test",
      to: ["postmaster@smtpilot.test"],
      timeoutMs: 1500,
      declaredSize: 10240,
    }, systemIo());
    reports.push({ scenario: s.name, report });
  }
});
after(() => fixture.close());

/** The vocabulary of a report: what no secret may ever change. */
function skeleton(r: DiagnoseReport): unknown {
  return {
    schema: r.schema,
    mode: r.mode,
    tls: r.target.tls,
    port: r.target.port,
    verdict: r.verdict,
    layers: r.layers.map((l) => ({
      id: l.id,
      status: l.status,
      ms: l.ms,
      code: l.diagnosis?.code,
      warnings: l.warnings.map((w) => w.code),
    })),
    transcript: r.transcript.map((e) => [e.t, e.dir]),
  };
}

/** Secrets that collide with the document itself, plus arbitrary ones. */
function secrets(serialised: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom("0", "1", "9", '"', "\\", ":", ",", "{", "}", "[", "]", "smtp", "pass", "status", "schema"),
    fc.constantFrom("smtpilot.diagnose/1", "auth-probe", "fail", "<redacted>", "***", "null", "true", "ms", "t"),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.integer({ min: 0, max: Math.max(0, serialised.length - 4) }).chain((start) =>
      fc.integer({ min: 1, max: 8 }).map((len) => serialised.slice(start, start + len))
    ),
  ).filter((s) => s.length > 0);
}

test("every fixture scenario was diagnosed", () => {
  assert.equal(reports.length, FIXTURE_SCENARIOS.length);
});

test("--json stays valid and structurally intact for any secret, in every fixture scenario", () => {
  for (const { scenario, report } of reports) {
    const serialised = JSON.stringify(report);
    fc.assert(
      fc.property(secrets(serialised), (secret) => {
        const redact = makeRedactor([secret]);
        const text = `${JSON.stringify(renderableReport(report, redact), null, 2)}\n`;
        const parsed = JSON.parse(text) as DiagnoseReport;
        assert.deepEqual(skeleton(parsed), skeleton(report), `${scenario} with secret ${JSON.stringify(secret)}`);
        // A secret that is not vocabulary is gone from every free-text value.
        if (secret.length >= 6) {
          for (const e of parsed.transcript) assert.ok(!e.text.includes(secret), `${scenario}: transcript kept it`);
        }
      }),
      { numRuns: 40 },
    );
  }
});

// End to end through the CLI, the cases the issue reproduced.
for (const pw of ["pass", "smtp", "0", "1", '"', "\\", "status"]) {
  test(`diagnose --json stays a valid smtpilot.diagnose/1 document with the secret ${JSON.stringify(pw)}`, async () => {
    const r = await runCli(
      ["diagnose", "--fixture", "auth-invalid", "--user", "demo", "--secret", "env:PW", "--json"],
      { PW: pw },
    );
    assert.equal(r.code, 15, r.stderr);
    const doc = JSON.parse(r.stdout) as DiagnoseReport;
    assert.equal(doc.schema, "smtpilot.diagnose/1");
    assert.equal(doc.mode, "auth-probe");
    assert.equal(doc.verdict.code, "auth.invalid-credentials");
    for (const l of doc.layers) assert.equal(typeof l.ms, "number");
  });
}
