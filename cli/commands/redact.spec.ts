/**
 * The definition of `smtpilot redact`: a transcript, log or report in, the
 * same text out with what must not be shared masked.
 */
import type { CommandSpec } from "../command-spec.ts";

/** `smtpilot redact`. */
export const redactSpec: CommandSpec = {
  name: "redact",
  summary: "Mask credentials (AUTH payloads, passwords, tokens, keys) in a transcript, log or report before sharing it",
  effect: "offline",
  args: [{
    name: "file",
    description: "the transcript, log or report to mask; - or none reads stdin",
    complete: "file",
  }],
  options: [
    {
      flags: "--mask-addresses",
      description: "also replace the local part of email addresses (redacted-1@example.com), keeping the domain",
    },
    {
      flags: "--secret <ref>",
      description:
        "also mask the value this reference resolves to, in every form (env:NAME, dotenv:FILE#KEY, cmd:COMMAND, prompt; repeatable)",
      repeatable: true,
    },
  ],
  examples: [
    "swaks --server smtp.example.com --tls -a PLAIN -au me 2>&1 | smtpilot redact",
    "smtpilot redact /var/log/mail.log --mask-addresses > mail.log.txt",
    "smtpilot diagnose --host smtp.example.com --transcript | smtpilot redact --secret env:SMTP_PASSWORD",
    "openssl s_client -starttls smtp -connect smtp.example.com:587 2>&1 | tee session.txt; smtpilot redact session.txt",
  ],
  notes:
    "Exit codes: 0 written, 2 usage error (a malformed or empty --secret reference), 3 the file cannot be read.\n" +
    "Masks AUTH payloads (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER, CRAM-MD5, SCRAM…) and the SASL lines after a 334,\n" +
    "password=/pass:/token=/api_key= values, bearer and basic tokens, AWS secret keys, passwords in URLs\n" +
    "(smtp://user:pass@host) and the values of --secret in every form (raw, base64 and base64url at any offset,\n" +
    "hex, %xx in either case, JSON escapes and \\uXXXX). Works line by line with bounded memory, in time\n" +
    "proportional to the input; a line is never split (longer than 1 MiB: masked in overlapping windows).\n" +
    "Line ends are written as LF.",
  load: async () => (await import("./redact.ts")).runRedact,
};
