/**
 * The definition of `smtpilot recipes`: the diagnose flags (the same option
 * definitions, not copies) plus the output format.
 */
import { attributeName, type CommandSpec, type OptionSpec } from "../command-spec.ts";
import { RECIPES_SCHEMA } from "../../core/schemas.ts";
import { diagnoseSpec } from "./diagnose.spec.ts";

/** Diagnose options that describe the target; recipes take them as they are. */
const _SHARED = new Set([
  "host",
  "port",
  "tls",
  "servername",
  "ca",
  "ehloName",
  "user",
  "secret",
  "authMech",
  "from",
  "to",
  "resolver",
  "timeout",
  "profile",
]);

/** The layer names `--layer` accepts. */
export const RECIPE_LAYERS = ["dns", "tcp", "greeting", "tls", "ehlo", "auth", "envelope"] as const;

/** `smtpilot recipes`. */
export const recipesSpec: CommandSpec = {
  name: "recipes",
  summary: "Print, layer by layer, the dig/nc/openssl/swaks commands that check the same path by hand",
  effect: "offline",
  json: { schema: RECIPES_SCHEMA },
  options: [
    ...diagnoseSpec.options
      .filter((o) => _SHARED.has(attributeName(o.flags)))
      .map((o): OptionSpec => (attributeName(o.flags) === "profile" ? { ...o, conflicts: [] } : o)),
    {
      flags: "--layer <layer>",
      description: "only this layer's commands (repeatable): dns|tcp|greeting|tls|ehlo|auth|envelope",
      choices: RECIPE_LAYERS,
      repeatable: true,
    },
    {
      flags: "--format <format>",
      description: "text (default), markdown (for a ticket) or json (the smtpilot.recipes/1 document, as --json)",
      choices: ["text", "markdown", "json"],
    },
  ],
  examples: [
    "smtpilot recipes --host smtp.example.com --port 587",
    "smtpilot recipes --host smtp.example.com --user me@example.com --secret env:SMTP_PASSWORD --from me@example.com --to you@example.net",
    "smtpilot recipes --profile work --format markdown",
    "smtpilot recipes --host mail.internal --tls implicit --port 465 --ca ./private-ca.pem --layer tls",
    "smtpilot diagnose --host smtp.example.com --recipes   # only the failing layer's and the one below",
  ],
  notes: "Exit codes: 0 printed, 2 usage error, 3 the memory folder cannot be read (--profile).\n" +
    "Never touches the network and never resolves a secret: --secret is only named (the auth commands\n" +
    'read "$SMTP_PASSWORD", or the variable an env: reference names).',
  load: async () => (await import("./recipes.ts")).runRecipes,
};
