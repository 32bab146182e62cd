/**
 * `smtpilot fixture`: serves the fixture scenarios on loopback until Ctrl-C,
 * printing each port, the CA to trust and the (public) demo credentials.
 */
import {
  FIXTURE_DEMO_SECRET,
  FIXTURE_DEMO_TOKEN,
  FIXTURE_DEMO_USER,
  FIXTURE_SCENARIOS,
  startFixture,
} from "../../fixtures/index.ts";
import { UsageError } from "../usage.ts";

/** Flags of `smtpilot fixture`. */
export interface FixtureFlags {
  scenario?: string[];
  portBase?: number;
  list?: true;
  json?: true;
}

/** Runs the command; resolves when the user stops it. */
export async function runFixture(flags: FixtureFlags): Promise<number> {
  if (flags.list) {
    const rows = FIXTURE_SCENARIOS.map((s) => ({ name: s.name, tls: s.tls, expect: s.expect, summary: s.summary }));
    if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {for (const r of rows) {
        process.stdout.write(`${r.name.padEnd(22)} ${r.tls.padEnd(9)} ${r.expect.padEnd(28)} ${r.summary}\n`);
      }}
    return 0;
  }
  const known = new Set(FIXTURE_SCENARIOS.map((s) => s.name));
  for (const name of flags.scenario ?? []) {
    if (!known.has(name)) {
      throw new UsageError(`Unknown --scenario "${name}": run \`smtpilot fixture --list\` for the names`);
    }
  }
  const fixture = await startFixture({
    ...(flags.scenario ? { scenarios: flags.scenario } : {}),
    ...(flags.portBase === undefined ? {} : { portBase: flags.portBase }),
  });
  const info = {
    host: fixture.host,
    caPath: fixture.caPath,
    demo: { user: FIXTURE_DEMO_USER, password: FIXTURE_DEMO_SECRET, oauthToken: FIXTURE_DEMO_TOKEN },
    ports: fixture.ports,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  } else {
    process.stdout.write(`smtpilot fixture on ${fixture.host} (Ctrl-C to stop)\n`);
    process.stdout.write(`CA certificate: ${fixture.caPath}\n`);
    process.stdout.write(
      `Demo credentials (public, fixture only): user ${FIXTURE_DEMO_USER}, password ${FIXTURE_DEMO_SECRET}, OAuth token ${FIXTURE_DEMO_TOKEN}\n\n`,
    );
    for (const [name, port] of Object.entries(fixture.ports)) {
      const s = FIXTURE_SCENARIOS.find((x) => x.name === name);
      process.stdout.write(`  ${String(port).padStart(5)}  ${name.padEnd(22)} ${s?.tls ?? ""}\n`);
    }
    process.stdout.write(
      `\nTry: smtpilot diagnose --host ${fixture.host} --port ${
        fixture.ports["healthy-starttls"] ?? "PORT"
      } --ca ${fixture.caPath}\n`,
    );
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await fixture.close();
  return 0;
}
