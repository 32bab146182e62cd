/**
 * The definition of `smtpilot fixture`: serve the local SMTP fixture on
 * loopback until stopped — a test server an application can send to.
 */
import { FIXTURE_SCHEMA } from "../../core/schemas.ts";
import { UsageError } from "../../core/errors.ts";
import { hasControl, shown } from "../../core/printable.ts";
import type { CommandSpec } from "../command-spec.ts";
import { intOption } from "../usage.ts";

/** A folder or file path flag: not empty, no control characters (it is printed back). */
function _pathOption(flag: string): (value: string) => string {
  return (value) => {
    if (value.trim() === "" || hasControl(value)) {
      throw new UsageError(`Invalid ${flag} ${shown(value)}: expected a path without control characters`);
    }
    return value;
  };
}

/** `smtpilot fixture`. */
export const fixtureSpec: CommandSpec = {
  name: "fixture",
  summary: "Serve the local SMTP fixture (healthy and broken servers) on loopback for offline tests",
  effect: "serve",
  json: { schema: FIXTURE_SCHEMA },
  options: [
    {
      flags: "--scenario <name>",
      description: "serve (or list) only this scenario (repeatable; default: all)",
      repeatable: true,
      complete: { dynamic: "fixture-scenarios" },
    },
    {
      flags: "--port-base <port>",
      description: "listen on consecutive ports from here, one per chosen scenario (default: random ports)",
      parse: intOption("--port-base", 1, 65000),
    },
    {
      flags: "--outbox <dir>",
      description: "keep accepted messages here: one .eml each plus messages.jsonl (created if missing, " +
        "kept on exit; default: a folder in the fixture's temp folder, removed on exit)",
      parse: _pathOption("--outbox"),
      complete: "dir",
    },
    {
      flags: "--maildir <dir>",
      description: "also deliver accepted messages to this Maildir (INBOX; .Junk for the spam scenario), " +
        "for an IMAP server such as Dovecot to serve (created private if missing, kept on exit; new files take " +
        "its permissions, so `mkdir -m 0777 DIR` first lets a server running as another user read them)",
      parse: _pathOption("--maildir"),
      complete: "dir",
    },
    {
      flags: "--ca-out <file>",
      description: "also write the CA certificate to this file, replaced at every start and left in place " +
        "on exit, so your app's configuration can point at one path (the CA itself changes per start)",
      parse: _pathOption("--ca-out"),
      complete: "file",
    },
    {
      flags: "--oauth-token-lifetime <seconds>",
      description:
        "identity server: access tokens live this long (default 3600; short to see a token expire and refresh)",
      parse: intOption("--oauth-token-lifetime", 0, 86400),
    },
    {
      flags: "--oauth-refresh-lifetime <seconds>",
      description:
        "identity server: refresh tokens answer invalid_grant after this long (Google's 7 days for apps in Testing)",
      parse: intOption("--oauth-refresh-lifetime", 0, 30 * 86400),
    },
    {
      flags: "--list",
      description: "list the scenarios: TLS mode, what diagnose needs, the verdict, what a message gets",
      conflicts: ["portBase", "outbox", "maildir", "caOut"],
    },
  ],
  examples: [
    "smtpilot fixture --list",
    "smtpilot fixture --list --scenario auth-invalid --json",
    "smtpilot fixture --scenario healthy-starttls --scenario data-rejected --port-base 2500",
    "smtpilot fixture --scenario healthy-starttls --outbox ./outbox --ca-out ./fixture-ca.pem",
    "smtpilot fixture --port-base 2500 --json",
    "smtpilot fixture --scenario m365 --scenario gmail --ca-out ./fixture-ca.pem   # personas + identity server",
  ],
  notes: "Exit codes: 0 stopped with Ctrl-C, SIGTERM or SIGHUP, 2 usage error, 3 a port, folder or file " +
    "cannot be used (a port already in use, TMPDIR missing).",
  load: async () => (await import("./fixture.ts")).runFixture,
};
