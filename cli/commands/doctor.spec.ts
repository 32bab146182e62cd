/**
 * The definition of `smtpilot doctor`: point it at an application's mail
 * settings (or a URL, host, address or domain) and get the contradictions,
 * the port sweep, the diagnosis of the best path and the one next move.
 */
import { DOCTOR_SCHEMA } from "../../core/schemas.ts";
import type { CommandSpec } from "../command-spec.ts";
import { intOption, secondsOption } from "../usage.ts";

/** Conventions `--framework` can force. */
export const DOCTOR_FRAMEWORKS = [
  "laravel",
  "symfony",
  "django",
  "rails",
  "nodemailer",
  "spring",
  "wordpress",
] as const;

/** `smtpilot doctor`. */
export const doctorSpec: CommandSpec = {
  name: "doctor",
  summary: "Read an app's mail settings, sweep the ports, diagnose the best path and say the one next move",
  effect: "network",
  json: { schema: DOCTOR_SCHEMA },
  args: [{
    name: "target",
    description:
      "an app's settings file (.env, settings.py, application.properties/.yml, wp-config.php, a Rails .rb/.yml), " +
      "an SMTP URL (smtp://, smtps://, submission://, a MAILER_DSN), host[:port], an email address or a domain",
    required: true,
    complete: "file",
  }],
  options: [
    {
      flags: "--framework <name>",
      description: `read the file with this convention: ${
        DOCTOR_FRAMEWORKS.join("|")
      } (default: recognised from its keys)`,
      choices: DOCTOR_FRAMEWORKS,
    },
    { flags: "--offline", description: "read the settings only: no DNS query, no connection" },
    {
      flags: "--user <user>",
      description: "log in as this user instead of the settings' (needs a password reference)",
    },
    {
      flags: "--secret <ref>",
      description:
        "where the password is, instead of the settings' key: env:NAME, dotenv:FILE#KEY, settings:FILE#KEY, cmd:COMMAND or prompt",
    },
    {
      flags: "--from <address>",
      description: "the sender to check instead of the settings' From (MAIL FROM with --to)",
    },
    {
      flags: "--to <address>",
      description:
        "also test the envelope on the best path: MAIL FROM (the settings' From) and RCPT TO, then RSET; no mail",
      repeatable: true,
    },
    {
      flags: "--port <port>",
      description:
        "a port to sweep instead of 587, 465, 25 and 2525 (repeatable; the settings' own port is always swept)",
      parse: intOption("--port", 1, 65535),
      repeatable: true,
    },
    {
      flags: "--sweep-timeout <seconds>",
      description: "per-step timeout of each port of the sweep (default: 3)",
      parse: secondsOption("--sweep-timeout"),
    },
    {
      flags: "--timeout <seconds>",
      description: "per-step timeout of the diagnosis of the best path (default: 10)",
      parse: secondsOption("--timeout"),
    },
    {
      flags: "--ca <file>",
      description: "trust this private CA (PEM file) for the server certificate",
      complete: "file",
    },
    { flags: "--servername <name>", description: "name the certificate must match, and SNI (default: the host)" },
    { flags: "--ehlo-name <name>", description: "name to send in EHLO (default: this host's FQDN or address literal)" },
    { flags: "--resolver <ip[:port]>", description: "use this DNS server instead of the system's" },
    {
      flags: "--name <profile>",
      description: "the profile name in the proposed `profile add` line (default: the app's folder)",
    },
    {
      flags: "--fixture",
      description:
        "the built-in fixture plays the settings' server on loopback: 587 STARTTLS, 465 implicit TLS, 25 filtered, 2525 refusing",
    },
    {
      flags: "--port-base <port>",
      description: "with --fixture: listen on consecutive ports from here (default: free ports)",
      parse: intOption("--port-base", 1024, 65532),
    },
  ],
  examples: [
    "smtpilot doctor ./.env",
    "smtpilot doctor config/settings.py --to me@example.com",
    "smtpilot doctor src/main/resources/application.properties --json",
    "smtpilot doctor 'smtps://apikey@smtp.sendgrid.net:587'",
    "smtpilot doctor smtp.example.com:587",
    "smtpilot doctor me@example.com",
    "smtpilot doctor ./.env --offline",
    "smtpilot doctor examples/doctor/laravel.env --fixture",
  ],
  notes: "Never sends mail, never prints a password (it is used through a reference to where it is written).\n" +
    "Exit codes: 0 the settings work as written, 1 they need a change (the lines are printed), 10-16 the best path\n" +
    "fails at that layer, 2 usage error (or no mail settings in the file), 3 a file that cannot be read.",
  load: async () => (await import("./doctor.ts")).runDoctorCommand,
};
