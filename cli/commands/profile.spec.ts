/**
 * The definition of `smtpilot profile add|list|show|rm|check`: named SMTP
 * submission profiles kept in the memory folder's provider-profiles.md.
 */
import { PROFILE_CHECK_SCHEMA, PROFILE_SCHEMA, PROFILES_SCHEMA } from "../../core/schemas.ts";
import type { ArgSpec, CommandSpec, GroupSpec, OptionSpec } from "../command-spec.ts";
import { intOption, secondsOption } from "../usage.ts";
import { AUTH_MECHANISMS, TLS_MODES } from "./diagnose.spec.ts";
import { OAUTH_ADD_OPTIONS } from "./profile-oauth.spec.ts";

/** Providers shipped with smtpilot (plugins may add more), for completion. */
export const BUILTIN_PROVIDERS = [
  "gmail",
  "gmail-relay",
  "ses",
  "m365",
  "postfix-relay",
  "postfix-smarthost",
  "custom",
] as const;

const _READ_NOTES =
  "Exit codes: 0 shown, 2 usage error (also: no such profile), 3 no memory folder or a file that does not parse\n" +
  "(named with its line and field).";

const _NAME: ArgSpec = {
  name: "name",
  description: "profile name (kebab-case, e.g. work or ses-eu)",
  required: true,
  complete: { dynamic: "profile-names" },
};

const _ADD_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "--provider <name>",
    description: "gmail, ses, m365, postfix-relay, custom, or one a plugin adds: its preset fills host, port and TLS",
    complete: BUILTIN_PROVIDERS,
  },
  {
    flags: "--email <address>",
    description: "your address: without --provider, propose a provider from its domain's SRV and MX records",
  },
  { flags: "--host <host>", description: "SMTP server (default: the provider's)" },
  { flags: "--port <port>", description: "port (default: the provider's)", parse: intOption("--port", 1, 65535) },
  {
    flags: "--tls <mode>",
    description: "TLS mode: starttls|implicit|none|auto (default: the provider's)",
    choices: TLS_MODES,
  },
  { flags: "--servername <name>", description: "name the certificate must match, when it differs from --host" },
  { flags: "--ca <file>", description: "private CA (PEM) to trust for this server", complete: "file" },
  { flags: "--ehlo-name <name>", description: "EHLO name to send" },
  { flags: "--user <user>", description: "login name" },
  {
    flags: "--secret <ref>",
    description:
      "secret REFERENCE: env:NAME, dotenv:FILE#KEY, cmd:COMMAND, keyring:NAME or prompt (never the secret itself)",
  },
  { flags: "--auth-mech <mech>", description: "pin a SASL mechanism", choices: AUTH_MECHANISMS },
  { flags: "--from <address>", description: "header From this profile sends as" },
  { flags: "--envelope-from <address>", description: "envelope sender (MAIL FROM), when it differs from --from" },
  { flags: "--dkim-domain <domain>", description: "domain the provider signs DKIM with" },
  { flags: "--return-path <address>", description: "Return-Path (bounce address), when known" },
  { flags: "--notes <text>", description: "a note kept with the profile" },
  { flags: "--resolver <ip[:port]>", description: "DNS server for --email's SRV/MX lookups" },
  { flags: "--replace", description: "replace a profile of the same name" },
  ...OAUTH_ADD_OPTIONS,
];

/** `smtpilot profile add`. */
export const profileAddSpec: CommandSpec = {
  name: "add",
  summary: "Add a profile from a provider preset and your own values (asks on a terminal for what is missing)",
  effect: "memory",
  json: { schema: PROFILE_SCHEMA },
  args: [_NAME],
  options: _ADD_OPTIONS,
  examples: [
    "smtpilot profile add work --provider gmail --user me@gmail.com --secret env:GMAIL_APP_PASSWORD",
    "smtpilot profile add ses-eu --provider ses --host email-smtp.eu-west-1.amazonaws.com --user AKIA… --secret 'cmd:pass show ses/smtp' --from app@example.com",
    "smtpilot profile add relay --provider postfix-relay --host relay.internal --port 25 --ca ./corp-ca.pem --from app@corp.example",
    "smtpilot profile add mine --email me@example.com        # proposes a provider from DNS, you confirm",
    "smtpilot profile add work --provider m365 --user me@contoso.com --oauth device --client-id APP-ID --tenant contoso.com",
  ],
  notes: "Never sends anything and never resolves the secret. Exit codes: 0 saved, 2 usage error (or a DNS proposal\n" +
    "that needs --provider to confirm it without a terminal), 3 no memory folder (run smtpilot init).",
  load: async () => (await import("./profile-add.ts")).runProfileAdd,
};

/** `smtpilot profile list`. */
export const profileListSpec: CommandSpec = {
  name: "list",
  summary: "List the saved profiles with their last check",
  effect: "offline",
  json: { schema: PROFILES_SCHEMA },
  options: [{ flags: "--names", description: "print only the names, one a line (for scripts and completion)" }],
  examples: ["smtpilot profile list", "smtpilot profile list --json"],
  notes: _READ_NOTES,
  load: async () => (await import("./profile-manage.ts")).runProfileList,
};

/** `smtpilot profile show`. */
export const profileShowSpec: CommandSpec = {
  name: "show",
  summary: "Show one profile and what its provider plugin knows",
  effect: "offline",
  json: { schema: PROFILE_SCHEMA },
  args: [_NAME],
  options: [],
  examples: ["smtpilot profile show work", "smtpilot profile show work --json"],
  notes: _READ_NOTES,
  load: async () => (await import("./profile-manage.ts")).runProfileShow,
};

/** `smtpilot profile rm`. */
export const profileRmSpec: CommandSpec = {
  name: "rm",
  summary: "Remove a profile (its section of provider-profiles.md, notes included)",
  effect: "memory",
  json: { schema: PROFILE_SCHEMA },
  args: [_NAME],
  options: [],
  examples: ["smtpilot profile rm old-relay"],
  notes:
    "Exit codes: 0 removed, 2 usage error (also: no such profile), 3 no memory folder or a file that does not parse.",
  load: async () => (await import("./profile-manage.ts")).runProfileRm,
};

/** `smtpilot profile check`. */
export const profileCheckSpec: CommandSpec = {
  name: "check",
  summary: "Diagnose a profile up to auth (or envelope with --to) and record the verdict, date and mechanism",
  effect: "network",
  json: { schema: PROFILE_CHECK_SCHEMA },
  args: [_NAME],
  options: [
    {
      flags: "--to <address>",
      description: "also test RCPT TO this recipient (MAIL FROM is the profile's)",
      repeatable: true,
    },
    { flags: "--resolver <ip[:port]>", description: "use this DNS server instead of the system's" },
    {
      flags: "--timeout <seconds>",
      description: "per-step timeout in seconds, at most 600 (default: 10)",
      parse: secondsOption("--timeout"),
    },
    { flags: "--transcript", description: "show the SMTP transcript (credentials redacted)", cliOnly: true },
  ],
  examples: ["smtpilot profile check work", "smtpilot profile check work --to me@example.net --json"],
  notes: "Never sends DATA. Exit codes: 0 pass, 10-16 the failing layer (as diagnose), 2 usage error (also: no such\n" +
    "profile, a secret reference that resolves to nothing), 3 no memory folder or a file that does not parse.",
  load: async () => (await import("./profile-check.ts")).runProfileCheck,
};

/** `smtpilot profile`. */
export const profileSpec: GroupSpec = {
  name: "profile",
  summary: "Saved SMTP profiles: add, list, show, rm, check",
  commands: [profileAddSpec, profileListSpec, profileShowSpec, profileRmSpec, profileCheckSpec],
  examples: [
    "smtpilot profile add work --provider gmail --user me@gmail.com --secret env:GMAIL_APP_PASSWORD",
    "smtpilot profile check work",
    "smtpilot diagnose --profile work --to you@example.net",
  ],
};
