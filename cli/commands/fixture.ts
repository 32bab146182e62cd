/**
 * `smtpilot fixture`: serves the fixture scenarios on loopback until Ctrl-C
 * or SIGTERM, printing each port, the CA to trust and the (public) demo
 * credentials.
 */
import { UsageError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";
import {
  FIXTURE_DEMO_SECRET,
  FIXTURE_DEMO_TOKEN,
  FIXTURE_DEMO_USER,
  FIXTURE_SCENARIOS,
  startFixture,
} from "../../fixtures/index.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { waitForStop } from "../lifecycle.ts";
import { FIXTURE_SCHEMA } from "./fixture.spec.ts";

/** Flags of `smtpilot fixture`. */
export interface FixtureFlags {
  scenario?: string[];
  portBase?: number;
  list?: true;
  json?: true;
}

/** Runs the command; resolves when the user stops it. */
export async function runFixture(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as FixtureFlags;
  if (flags.list) {
    const scenarios = FIXTURE_SCENARIOS.map((s) => ({
      name: s.name,
      tls: s.tls,
      expect: s.expect,
      summary: s.summary,
    }));
    return {
      exitCode: 0,
      document: { schema: FIXTURE_SCHEMA, scenarios },
      text: scenarios.map((r) => `${r.name.padEnd(22)} ${r.tls.padEnd(9)} ${r.expect.padEnd(28)} ${r.summary}\n`)
        .join(""),
    };
  }
  const known = new Set(FIXTURE_SCENARIOS.map((s) => s.name));
  for (const name of flags.scenario ?? []) {
    if (!known.has(name)) {
      throw new UsageError(`Unknown --scenario ${shown(name)}: run \`smtpilot fixture --list\` for the names`);
    }
  }
  const stopped = waitForStop();
  const fixture = await startFixture({
    ...(flags.scenario ? { scenarios: flags.scenario } : {}),
    ...(flags.portBase === undefined ? {} : { portBase: flags.portBase }),
  });
  const unregister = ctx.onCleanup(fixture.close);
  const document = {
    schema: FIXTURE_SCHEMA,
    host: fixture.host,
    caPath: fixture.caPath,
    demo: { user: FIXTURE_DEMO_USER, password: FIXTURE_DEMO_SECRET, oauthToken: FIXTURE_DEMO_TOKEN },
    ports: fixture.ports,
  };
  const lines = [
    `smtpilot fixture on ${fixture.host} (Ctrl-C to stop)`,
    `CA certificate: ${fixture.caPath}`,
    `Demo credentials (public, fixture only): user ${FIXTURE_DEMO_USER}, password ${FIXTURE_DEMO_SECRET}, OAuth token ${FIXTURE_DEMO_TOKEN}`,
    "",
    ...Object.entries(fixture.ports).map(([name, port]) =>
      `  ${String(port).padStart(5)}  ${name.padEnd(22)} ${FIXTURE_SCENARIOS.find((x) => x.name === name)?.tls ?? ""}`
    ),
    "",
    `Try: smtpilot diagnose --host ${fixture.host} --port ${
      fixture.ports["healthy-starttls"] ?? "PORT"
    } --ca ${fixture.caPath}`,
  ];
  ctx.emit({ document, text: `${lines.join("\n")}\n` });
  await stopped;
  unregister();
  await fixture.close();
  return { exitCode: 0 };
}
