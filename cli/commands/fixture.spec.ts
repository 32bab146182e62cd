/**
 * The definition of `smtpilot fixture`: serve the local SMTP fixture on
 * loopback until stopped.
 */
import type { CommandSpec } from "../command-spec.ts";
import { intOption } from "../usage.ts";

/** Version tag of `smtpilot fixture --json`. */
export const FIXTURE_SCHEMA = "smtpilot.fixture/1";

/** `smtpilot fixture`. */
export const fixtureSpec: CommandSpec = {
  name: "fixture",
  summary: "Serve the local SMTP fixture (healthy and broken servers) on loopback for offline tests",
  effect: "serve",
  json: { schema: FIXTURE_SCHEMA },
  options: [
    {
      flags: "--scenario <name>",
      description: "serve only this scenario (repeatable; default: all)",
      repeatable: true,
      complete: { dynamic: "fixture-scenarios" },
    },
    {
      flags: "--port-base <port>",
      description: "listen on consecutive ports from here (default: random ports)",
      parse: intOption("--port-base", 1, 65000),
    },
    { flags: "--list", description: "list the scenarios and exit" },
  ],
  examples: [
    "smtpilot fixture --list",
    "smtpilot fixture --scenario healthy-starttls --scenario cert-expired",
    "smtpilot fixture --port-base 2500 --json",
  ],
  notes: "Exit codes: 0 stopped with Ctrl-C or SIGTERM, 2 usage error, 3 a port or the temp folder cannot be used.",
  load: async () => (await import("./fixture.ts")).runFixture,
};
