/**
 * `diagnose --fixture NAME`: starts one fixture scenario in-process and hands
 * its address and CA to the diagnosis, so the whole tool can be tried offline.
 */
import { UsageError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";
import { FIXTURE_SCENARIOS, startFixture } from "../../fixtures/index.ts";
import { conventionalPortOf } from "../../fixtures/scenario-needs.ts";
import { makeTempDir } from "../lifecycle.ts";

/** Where the in-process fixture listens, and how to stop it. */
export interface FixtureTarget {
  host: string;
  port: number;
  caPem: string;
  /** 465 for an implicit-TLS scenario: it is given a 465's patience before a side probe. */
  conventionalPort?: number;
  close(): Promise<void>;
}

/**
 * Starts scenario `name`; an unknown name is a usage error listing the known
 * ones. The fixture's folder is made (and registered for removal) before
 * anything listens, so a signal at any moment leaves nothing behind.
 */
export async function startFixtureTarget(name: string): Promise<FixtureTarget> {
  if (!FIXTURE_SCENARIOS.some((s) => s.name === name)) {
    throw new UsageError(
      `Unknown --fixture ${shown(name)}: expected one of ${FIXTURE_SCENARIOS.map((s) => s.name).join(", ")}`,
    );
  }
  const temp = makeTempDir("smtpilot-fixture-");
  try {
    const fixture = await startFixture({ scenarios: [name], workDir: temp.dir });
    const port = fixture.ports[name];
    if (port === undefined) throw new Error(`Fixture scenario ${name} did not start`);
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= fixture.close().finally(() => temp.remove());
      return closing;
    };
    const conventionalPort = conventionalPortOf(name);
    return { host: fixture.host, port, caPem: fixture.caPem, ...(conventionalPort ? { conventionalPort } : {}), close };
  } catch (err) {
    temp.remove();
    throw err;
  }
}
