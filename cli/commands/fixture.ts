/**
 * `smtpilot fixture`: serves the fixture scenarios on loopback until Ctrl-C,
 * SIGTERM or SIGHUP, printing each port with its TLS mode and expected
 * verdict, the CA to trust, where accepted messages go and the (public)
 * demo credentials. `--list` describes the scenarios without serving.
 */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EnvironmentError, UsageError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";
import {
  FIXTURE_DEMO_SECRET,
  FIXTURE_DEMO_TOKEN,
  FIXTURE_DEMO_USER,
  FIXTURE_SCENARIOS,
  type FixtureScenario,
  MESSAGES_INDEX,
  type RunningFixture,
  startFixture,
  type StartFixtureOptions,
} from "../../fixtures/index.ts";
import { oauthServingLines, oauthServingSummary } from "../../fixtures/oauth-summary.ts";
import { diagnoseCommandLine, NEED_ARGS } from "../../fixtures/scenario-needs.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { makeTempDir, waitForStop } from "../lifecycle.ts";
import { FIXTURE_SCHEMA } from "../../core/schemas.ts";

/** Flags of `smtpilot fixture`. */
export interface FixtureFlags {
  scenario?: string[];
  portBase?: number;
  outbox?: string;
  maildir?: string;
  caOut?: string;
  list?: true;
  json?: true;
  oauthTokenLifetime?: number;
  oauthRefreshLifetime?: number;
}

/** Runs the command; with --list returns at once, else resolves when the user stops it. */
export async function runFixture(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as FixtureFlags;
  const chosen = _chosen(flags.scenario);
  if (flags.list) return _list(chosen);

  const stopped = waitForStop();
  // Registered for cleanup before anything starts: a signal during start-up leaves no folder behind.
  const temp = makeTempDir("smtpilot-fixture-");
  let fixture: RunningFixture;
  try {
    fixture = await startFixture({
      scenarios: chosen.map((s) => s.name),
      workDir: temp.dir,
      ...(flags.portBase === undefined ? {} : { portBase: flags.portBase }),
      ...(flags.outbox === undefined ? {} : { outbox: flags.outbox }),
      ...(flags.maildir === undefined ? {} : { maildir: flags.maildir }),
      ...(_oauthTuning(flags) ?? {}),
    });
  } catch (err) {
    temp.remove();
    const e = err as { code?: string; message?: string };
    if (e.code === "E_PORT_IN_USE") {
      throw new EnvironmentError(`${e.message}: choose another --port-base, or omit it for random ports`, e.code);
    }
    throw err;
  }
  const unregister = ctx.onCleanup(fixture.close);
  try {
    const caOut = flags.caOut === undefined ? undefined : _writeCa(flags.caOut, fixture.caPem);
    const { document, text } = _serving(fixture, chosen, caOut, flags.outbox !== undefined);
    ctx.emit({ document, text });
    await stopped;
  } finally {
    unregister();
    await fixture.close();
    temp.remove();
  }
  return { exitCode: 0 };
}

/** The identity server's lifetimes, when a flag set one (it also starts the server without a persona). */
function _oauthTuning(flags: FixtureFlags): Pick<StartFixtureOptions, "oauth"> | undefined {
  if (flags.oauthTokenLifetime === undefined && flags.oauthRefreshLifetime === undefined) return undefined;
  return {
    oauth: {
      lifetimes: {
        ...(flags.oauthTokenLifetime !== undefined ? { accessTokenSeconds: flags.oauthTokenLifetime } : {}),
        ...(flags.oauthRefreshLifetime !== undefined ? { refreshTokenSeconds: flags.oauthRefreshLifetime } : {}),
      },
    },
  };
}

/** The scenarios asked for with --scenario (catalogue order), all when none was. */
function _chosen(names: string[] | undefined): FixtureScenario[] {
  if (names === undefined) return [...FIXTURE_SCENARIOS];
  const known = new Set(FIXTURE_SCENARIOS.map((s) => s.name));
  for (const name of names) {
    if (!known.has(name)) {
      throw new UsageError(`Unknown --scenario ${shown(name)}: run \`smtpilot fixture --list\` for the names`);
    }
  }
  return FIXTURE_SCENARIOS.filter((s) => names.includes(s.name));
}

/** One scenario as both documents describe it. */
function _describe(s: FixtureScenario): Record<string, unknown> {
  return {
    name: s.name,
    tls: s.tls,
    expect: s.expect,
    ...(s.warning === undefined ? {} : { warning: s.warning }),
    needs: s.needs,
    message: s.message,
  };
}

const _HEADER = ["SCENARIO", "TLS", "DIAGNOSE GIVES", "NEEDS", "A MESSAGE GETS"];
const _WIDTHS = [22, 9, 30, 15, 15];

function _row(cells: string[]): string {
  return cells.map((cell, i) => (i < _WIDTHS.length ? cell.padEnd(_WIDTHS[i] ?? 0) : cell)).join(" ").trimEnd();
}

function _cells(s: FixtureScenario): string[] {
  const expect = s.warning === undefined ? s.expect : `${s.expect} (${s.warning})`;
  return [s.name, s.tls, expect, s.needs.length === 0 ? "-" : s.needs.join(",")];
}

/** What "needs" means, under every table that shows it. */
function _legend(): string {
  return [
    "NEEDS: what `smtpilot diagnose --fixture NAME` must be given for that verdict:",
    `  auth = ${NEED_ARGS.auth.join(" ")} (with SMTPILOT_DEMO_SECRET=${FIXTURE_DEMO_SECRET})`,
    `  envelope = ${NEED_ARGS.envelope.join(" ")}    tls-none = ${NEED_ARGS["tls-none"].join(" ")}`,
    "A MESSAGE GETS: what an application's message is answered (stored, junk, 552/554/451 after DATA, dropped);",
    "  none = the scenario fails before DATA. A diagnosis never sends DATA.",
  ].join("\n");
}

/** `--list`: the catalogue (or the chosen part of it) as a table and as a document. */
function _list(chosen: FixtureScenario[]): CommandResult {
  const scenarios = chosen.map((s) => ({
    ..._describe(s),
    summary: s.summary,
    invocation: diagnoseCommandLine(s.name),
  }));
  const rows = chosen.map((s) => _row([..._cells(s), s.message, s.summary]));
  return {
    exitCode: 0,
    document: { schema: FIXTURE_SCHEMA, scenarios },
    text: `${[_row([..._HEADER, "SUMMARY"]), ...rows, "", _legend()].join("\n")}\n`,
  };
}

/**
 * Writes the CA certificate to `file` through a temporary file and a rename,
 * so an application reading it never sees half a certificate. The file is
 * public material and stays after exit; the next start replaces it.
 */
function _writeCa(file: string, pem: string): string {
  const target = path.resolve(file);
  const partial = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, pem, { mode: 0o644 });
    renameSync(partial, target);
  } catch (err) {
    rmSync(partial, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new EnvironmentError(`Cannot write --ca-out ${shown(target, 200)} (${code})`);
  }
  return target;
}

/** The start-up document and text of a serving fixture. */
function _serving(
  fixture: RunningFixture,
  chosen: FixtureScenario[],
  caOut: string | undefined,
  keptOutbox: boolean,
): { document: unknown; text: string } {
  const scenarios = chosen.map((s) => ({ ..._describe(s), port: fixture.ports[s.name] }));
  const document = {
    schema: FIXTURE_SCHEMA,
    host: fixture.host,
    caPath: fixture.caPath,
    ...(caOut === undefined ? {} : { caOut }),
    outbox: fixture.outbox,
    messagesIndex: path.join(fixture.outbox, MESSAGES_INDEX),
    ...(fixture.maildir === undefined ? {} : { maildir: fixture.maildir }),
    demo: { user: FIXTURE_DEMO_USER, password: FIXTURE_DEMO_SECRET, oauthToken: FIXTURE_DEMO_TOKEN },
    scenarios,
    ports: fixture.ports,
    ...(fixture.oauth ? { oauth: oauthServingSummary(fixture.oauth.origin) } : {}),
  };
  const first = chosen.find((s) => s.name === "healthy-starttls") ?? chosen[0];
  const lines = [
    `smtpilot fixture on ${fixture.host} (Ctrl-C to stop)`,
    `CA certificate: ${caOut ?? fixture.caPath}`,
    `Outbox: ${fixture.outbox}${keptOutbox ? "" : " (removed on exit; --outbox DIR keeps messages)"}`,
    ...(fixture.maildir === undefined ? [] : [`Maildir: ${fixture.maildir}`]),
    `Demo credentials (public, fixture only): user ${FIXTURE_DEMO_USER}, password ${FIXTURE_DEMO_SECRET}, OAuth token ${FIXTURE_DEMO_TOKEN}`,
    ...(fixture.oauth ? oauthServingLines(fixture.oauth.origin) : []),
    "",
    `   PORT  ${_row(_HEADER)}`,
    ...chosen.map((s) => `  ${String(fixture.ports[s.name] ?? "").padStart(5)}  ${_row([..._cells(s), s.message])}`),
    "",
    ...(first === undefined ? [] : [
      `Try: smtpilot diagnose --host ${fixture.host} --port ${fixture.ports[first.name]} --ca ${
        caOut ?? fixture.caPath
      }`,
    ]),
  ];
  return { document, text: `${lines.join("\n")}\n` };
}
