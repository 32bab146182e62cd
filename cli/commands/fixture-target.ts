/**
 * `diagnose --fixture NAME`: starts one fixture scenario in-process and hands
 * its address and CA to the diagnosis, so the whole tool can be tried offline.
 */
import { FIXTURE_SCENARIOS, startFixture } from "../../fixtures/index.ts";
import { UsageError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";

/** Where the in-process fixture listens, and how to stop it. */
export interface FixtureTarget {
  host: string;
  port: number;
  caPem: string;
  close(): Promise<void>;
}

/** Starts scenario `name`; an unknown name is a usage error listing the known ones. */
export async function startFixtureTarget(name: string): Promise<FixtureTarget> {
  if (!FIXTURE_SCENARIOS.some((s) => s.name === name)) {
    throw new UsageError(
      `Unknown --fixture ${shown(name)}: expected one of ${FIXTURE_SCENARIOS.map((s) => s.name).join(", ")}`,
    );
  }
  const fixture = await startFixture({ scenarios: [name] });
  const port = fixture.ports[name];
  if (port === undefined) throw new Error(`Fixture scenario ${name} did not start`);
  return { host: fixture.host, port, caPem: fixture.caPem, close: () => fixture.close() };
}
