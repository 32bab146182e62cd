/**
 * The definition of `smtpilot diagnose`: every flag with its validator, once,
 * for the command line and the MCP tool alike.
 */
import type { CommandSpec } from "../command-spec.ts";
import { DIAGNOSE_SCHEMA } from "../../core/report.ts";
import { intOption, secondsOption } from "../usage.ts";

/** TLS modes a diagnosis understands. */
export const TLS_MODES = ["auto", "starttls", "implicit", "none"] as const;
/** SASL mechanisms that can be forced. */
export const AUTH_MECHANISMS = [
  "PLAIN",
  "LOGIN",
  "SCRAM-SHA-256",
  "SCRAM-SHA-1",
  "CRAM-MD5",
  "XOAUTH2",
  "OAUTHBEARER",
] as const;

/** `smtpilot diagnose`. */
export const diagnoseSpec: CommandSpec = {
  name: "diagnose",
  summary: "Walk one SMTP submission path layer by layer and name the first broken layer",
  effect: "network",
  json: { schema: DIAGNOSE_SCHEMA },
  options: [
    { flags: "--host <host>", description: "SMTP server host name or IP" },
    {
      flags: "--port <port>",
      description: "port (default: 587; 465 with --tls implicit; 25 with --tls none)",
      parse: intOption("--port", 1, 65535),
    },
    {
      flags: "--tls <mode>",
      description: "TLS mode: auto|starttls|implicit|none (default: auto, or the profile's)",
      choices: TLS_MODES,
    },
    { flags: "--servername <name>", description: "name the certificate must match, and SNI (default: --host)" },
    {
      flags: "--ca <file>",
      description: "trust this private CA (PEM file) for the server certificate",
      complete: "file",
    },
    {
      flags: "--ehlo-name <name>",
      description: "name to send in EHLO (default: this host's FQDN or its address literal)",
    },
    { flags: "--user <user>", description: "user name: makes this an auth probe (needs --secret)" },
    {
      flags: "--secret <ref>",
      description:
        "where the secret comes from: env:NAME, dotenv:FILE#KEY, cmd:COMMAND, keyring:NAME or prompt (never the secret itself)",
    },
    {
      flags: "--auth-mech <mech>",
      description: `SASL mechanism: ${
        AUTH_MECHANISMS.join("|")
      } (default: PLAIN, then LOGIN; others when only they are offered)`,
      choices: AUTH_MECHANISMS,
    },
    { flags: "--from <address>", description: "envelope sender to test with MAIL FROM (needs --to)" },
    { flags: "--to <address>", description: "envelope recipient to test with RCPT TO (repeatable)", repeatable: true },
    {
      flags: "--size <bytes>",
      description: "message size to declare with MAIL FROM SIZE= (default: 10240)",
      parse: intOption("--size", 0, 2 ** 31 - 1),
    },
    { flags: "--resolver <ip[:port]>", description: "use this DNS server instead of the system's" },
    {
      flags: "--probes <mode>",
      description:
        "side connections to learn what a silent port speaks: gentle (a TLS ClientHello only after a greeting pause, nothing plaintext before a banner) or off",
      choices: ["gentle", "off"],
      default: "gentle",
    },
    {
      flags: "--timeout <seconds>",
      description: "per-step timeout in seconds, at most 600 (default: 10)",
      parse: secondsOption("--timeout"),
    },
    {
      flags: "--profile <name>",
      description: "start from a saved profile (smtpilot profile list); flags given here override its values",
      conflicts: ["fixture"],
      complete: { dynamic: "profile-names" },
    },
    {
      flags: "--fixture <scenario>",
      description: "run against the built-in fixture server (see `smtpilot fixture --list`)",
      complete: { dynamic: "fixture-scenarios" },
    },
    {
      flags: "--backend <name>",
      description:
        "who performs the network layers: builtin (smtpilot's own client, the default) or a plugin's backend, e.g. swaks",
    },
    {
      flags: "--swaks <path>",
      description: "the swaks program for --backend swaks (default: swaks on PATH); implies --backend swaks",
      complete: "file",
    },
    {
      flags: "--recipes",
      description:
        "after a failed diagnosis, also print the commands that check the failing layer and the one below it by hand",
    },
    { flags: "--transcript", description: "show the SMTP transcript (credentials redacted)", cliOnly: true },
    {
      flags: "--reporter <name>",
      description: "render with this reporter: text (default) or one a plugin adds",
      conflicts: ["json"],
      cliOnly: true,
    },
  ],
  examples: [
    "smtpilot diagnose --host smtp.example.com --port 587",
    "SMTP_PASSWORD=… smtpilot diagnose --host smtp.example.com --user me@example.com --secret env:SMTP_PASSWORD",
    "smtpilot diagnose --host mail.internal --tls implicit --port 465 --ca ./private-ca.pem --json",
    "smtpilot diagnose --host smtp.example.com --from me@example.com --to you@example.net",
    "smtpilot diagnose --fixture cert-expired",
    "smtpilot diagnose --profile work --to bob@example.net --json",
    "smtpilot --plugin ./my-reporter.mjs diagnose --fixture healthy-starttls --reporter oneline",
    "smtpilot diagnose --backend swaks --host smtp.example.com --recipes",
  ],
  notes: "Exit codes: 0 pass, 10 dns, 11 tcp, 12 greeting, 13 tls, 14 ehlo, 15 auth, 16 envelope,\n" +
    "2 usage error, 3 environment error, 70 internal error (a bug), 130 interrupted.\n" +
    "Plugins and reporters: see docs/plugins.md.",
  load: async () => (await import("./diagnose.ts")).runDiagnose,
};
