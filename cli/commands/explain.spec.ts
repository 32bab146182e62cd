/**
 * The definition of `smtpilot explain`: read SMTP replies (arguments or
 * stdin) and say what each means and what to do.
 */
import type { CommandSpec } from "../command-spec.ts";
import { EXPLAIN_SCHEMA } from "../../core/explain/schema.ts";

/** Stages `--stage` accepts: where in the session the reply was received. */
export const EXPLAIN_STAGES = ["greeting", "ehlo", "starttls", "auth", "mail", "rcpt", "data"] as const;

/** `smtpilot explain`. */
export const explainSpec: CommandSpec = {
  name: "explain",
  summary: "Explain SMTP replies: code meaning, enhanced status (IANA), reason, layer and next step",
  effect: "offline",
  json: { schema: EXPLAIN_SCHEMA },
  args: [{
    name: "reply",
    description: "a reply as the server said it (quote it); none or - reads replies from stdin",
    variadic: true,
  }],
  options: [
    {
      flags: "--stage <stage>",
      description:
        "the command the reply answered: greeting|ehlo|starttls|auth|mail|rcpt|data (default: named in the text, else guessed)",
      choices: EXPLAIN_STAGES,
    },
    {
      flags: "--profile <name>",
      description: "the saved profile the reply came from: its provider's knowledge explains every reply",
      complete: { dynamic: "profile-names" },
    },
  ],
  examples: [
    `smtpilot explain "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy"`,
    `smtpilot explain --stage auth "535 5.7.8 Username and Password not accepted"`,
    "grep 'status=bounced' /var/log/mail.log | smtpilot explain",
    `smtpilot explain --profile work "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled"`,
    `smtpilot explain --json "452 4.2.2 The email account that you tried to reach is over quota"`,
  ],
  notes: "Exit codes: 0 every reply explained, 2 usage error (no SMTP reply in the input, input over 1 MiB,\n" +
    "no such profile), 3 stdin or the memory folder cannot be read, 70 internal error. Never touches the network.",
  load: async () => (await import("./explain.ts")).runExplain,
};
