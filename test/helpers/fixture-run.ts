/**
 * Starts the whole fixture once per test file and runs diagnoses against it
 * in-process, with the demo credentials when asked.
 */
import { after, before } from "node:test";
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

/** The fixture shared by a test file; valid inside tests. */
export const shared: { fixture?: RunningFixture } = {};

/** Registers before/after hooks that start and stop the fixture. */
export function useFixture(options: { slowBannerMs?: number } = {}): void {
  before(async () => {
    shared.fixture = await startFixture(options);
  });
  after(async () => {
    await shared.fixture?.close();
  });
}

/** Demo credentials as an auth probe would carry them. */
export const DEMO_AUTH = {
  user: FIXTURE_DEMO_USER,
  secret: FIXTURE_DEMO_SECRET,
  secretRef: "env:SMTPILOT_DEMO_SECRET",
};

/** Diagnoses scenario `name` of the shared fixture with extra options. */
export async function diagnoseScenario(name: string, over: Partial<DiagnoseOptions> = {}): Promise<DiagnoseReport> {
  const fx = shared.fixture;
  if (!fx) throw new Error("useFixture() was not called");
  const port = fx.ports[name];
  if (port === undefined) throw new Error(`No fixture scenario ${name}`);
  // An implicit-TLS scenario stands in for port 465, as `diagnose --fixture` tells the engine.
  const implicit = FIXTURE_SCENARIOS.find((s) => s.name === name)?.tls === "implicit";
  return await diagnose(
    {
      host: fx.host,
      port,
      tls: "auto",
      ca: fx.caPem,
      to: [],
      // A step the fixture answers must not race a loaded machine (banner-slow waits 2.3–2.5 s);
      // scenarios whose verdict is a timeout pass their own.
      timeoutMs: 10_000,
      declaredSize: 10240,
      ...(implicit ? { conventionalPort: 465 } : {}),
      ...over,
    },
    systemIo(),
  );
}
