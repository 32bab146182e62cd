/**
 * smtpilot's command line. Commands are declared here, cheaply; their work is
 * imported only when they run, so `--version` and `--help` stay fast.
 */
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { EXIT_INTERNAL, EXIT_USAGE } from "../core/report.ts";
import { writeErr } from "./output.ts";
import { choiceOption, collect, intOption, secondsOption, UsageError } from "./usage.ts";
import { VERSION } from "./version.ts";

const _TLS_MODES = ["auto", "starttls", "implicit", "none"] as const;
const _MECHS = ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"] as const;

/** Commander echoes stray arguments and unknown options; show only what looks like an option name. */
function _maskEcho(text: string): string {
  return text
    .replace(/(got \d+):.*$/m, "$1 (not shown).")
    .replace(
      /(unknown option) '([^']*)'/,
      (_m, what: string, opt: string) =>
        /^(--[a-z][a-z0-9-]*|-[a-zA-Z])$/.test(opt) && opt.length <= 30 ? `${what} '${opt}'` : `${what} (not shown)`,
    );
}

/** Builds the command tree (also used to generate help and, later, completions). */
export function buildProgram(): Command {
  const program = new Command("smtpilot")
    .description("Configure, probe, diagnose and carefully send outbound email over SMTP")
    .version(VERSION, "-V, --version")
    .option("--plugin <path>", "load a plugin file (.mjs, .js, .cjs; .ts from source); repeatable", collect)
    .showSuggestionAfterError()
    // A stray argument may be a password typed in the wrong place: say how many, never echo it.
    .configureOutput({ outputError: (text, write) => write(_maskEcho(text)) })
    .exitOverride();

  program
    .command("diagnose")
    .description("Walk one SMTP submission path layer by layer and name the first broken layer")
    .option("--host <host>", "SMTP server host name or IP")
    .option(
      "--port <port>",
      "port (default: 587; 465 with --tls implicit; 25 with --tls none)",
      intOption("--port", 1, 65535),
    )
    .addOption(
      new Option("--tls <mode>", "TLS mode: auto|starttls|implicit|none").argParser(choiceOption("--tls", _TLS_MODES))
        .default("auto" as const),
    )
    .option("--servername <name>", "name the certificate must match, and SNI (default: --host)")
    .option("--ca <file>", "trust this private CA (PEM file) for the server certificate")
    .option("--ehlo-name <name>", "name to send in EHLO (default: this host's FQDN or its address literal)")
    .option("--user <user>", "user name: makes this an auth probe")
    .option("--secret <ref>", "where the secret comes from: env:NAME")
    .addOption(
      new Option(
        "--auth-mech <mech>",
        "SASL mechanism: PLAIN|LOGIN|CRAM-MD5|XOAUTH2|OAUTHBEARER (default: strongest offered)",
      ).argParser(choiceOption("--auth-mech", _MECHS)),
    )
    .option("--from <address>", "envelope sender to test with MAIL FROM (needs --to)")
    .option("--to <address>", "envelope recipient to test with RCPT TO (repeatable)", collect)
    .option("--size <bytes>", "message size to declare with MAIL FROM SIZE=", intOption("--size", 0, 2 ** 31 - 1))
    .option("--resolver <ip[:port]>", "use this DNS server instead of the system's")
    .option("--timeout <seconds>", "per-step timeout in seconds (default: 10)", secondsOption("--timeout"))
    .option("--profile <name>", "use a saved provider profile (reserved; not available yet)")
    .option("--fixture <scenario>", "run against the built-in fixture server (see `smtpilot fixture --list`)")
    .option("--transcript", "show the SMTP transcript (credentials redacted)")
    .option("--json", "print the smtpilot.diagnose/1 JSON document only")
    .option("--reporter <name>", "render with this reporter: text (default), json, or one a plugin adds")
    .addHelpText(
      "after",
      `
Examples:
  smtpilot diagnose --host smtp.example.com --port 587
  SMTP_PASSWORD=… smtpilot diagnose --host smtp.example.com --user me@example.com --secret env:SMTP_PASSWORD
  smtpilot diagnose --host mail.internal --tls implicit --port 465 --ca ./private-ca.pem --json
  smtpilot diagnose --host smtp.example.com --from me@example.com --to you@example.net
  smtpilot diagnose --fixture cert-expired
  smtpilot --plugin ./examples/plugins/oneline-reporter.mjs diagnose --fixture healthy-starttls --reporter oneline

Exit codes: 0 pass, 10 dns, 11 tcp, 12 greeting, 13 tls, 14 ehlo, 15 auth, 16 envelope, 2 usage error.`,
    )
    .action(async (opts, cmd) => {
      const { runDiagnose } = await import("./commands/diagnose.ts");
      process.exitCode = await runDiagnose({ ...opts, plugin: cmd.optsWithGlobals().plugin });
    });

  program
    .command("fixture")
    .description("Serve the local SMTP fixture (healthy and broken servers) on loopback for offline tests")
    .option("--scenario <name>", "serve only this scenario (repeatable; default: all)", collect)
    .option(
      "--port-base <port>",
      "listen on consecutive ports from here (default: random ports)",
      intOption("--port-base", 1, 65000),
    )
    .option("--list", "list the scenarios and exit")
    .option("--json", "print the ports, CA path and demo credentials as JSON")
    .addHelpText(
      "after",
      `
Examples:
  smtpilot fixture --list
  smtpilot fixture --scenario healthy-starttls --scenario cert-expired
  smtpilot fixture --port-base 2500 --json`,
    )
    .action(async (opts) => {
      const { runFixture } = await import("./commands/fixture.ts");
      process.exitCode = await runFixture(opts);
    });
  program
    .command("completions")
    .description("Print a shell completion script generated from the command tree")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText(
      "after",
      `
Examples:
  smtpilot completions bash > /etc/bash_completion.d/smtpilot
  smtpilot completions zsh > "\${fpath[1]}/_smtpilot"
  smtpilot completions fish > ~/.config/fish/completions/smtpilot.fish`,
    )
    .action(async (shell) => {
      const { renderCompletions, SHELLS } = await import("./completions.ts");
      const { FIXTURE_SCENARIOS } = await import("../fixtures/scenarios.ts");
      const known = SHELLS.find((s) => s === shell);
      if (!known) throw new UsageError(`Unknown shell "${shell}": expected one of ${SHELLS.join(", ")}`);
      const scenarios = FIXTURE_SCENARIOS.map((s) => s.name);
      process.stdout.write(renderCompletions(known, program, {
        "--tls": _TLS_MODES,
        "--auth-mech": _MECHS,
        "--fixture": scenarios,
        "--scenario": scenarios,
        "--ca": "file",
        "--plugin": "file",
      }));
    });
  return program;
}

/** Runs the CLI with `argv` (without the node and script entries); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (err instanceof UsageError || (err as { code?: string }).code === "E_USAGE") {
      writeErr(`smtpilot: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
    writeErr(`smtpilot: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_INTERNAL;
  }
}
