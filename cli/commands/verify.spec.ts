/**
 * The definition of `smtpilot verify`: what happened to a sent message after
 * the server accepted it — placement in the canary mailbox over IMAP, a
 * bounce, or a person's word.
 */
import { VERIFY_SCHEMA } from "../../core/schemas.ts";
import type { CommandSpec } from "../command-spec.ts";
import { secondsOption } from "../usage.ts";

/** `smtpilot verify`. */
export const verifySpec: CommandSpec = {
  name: "verify",
  summary: "Find out where an accepted canary landed: inbox, spam, bounced or missing (IMAP, bounce or your word)",
  effect: "network",
  json: { schema: VERIFY_SCHEMA },
  args: [{ name: "message-id", description: "the Message-ID of the send (see send-log.md)" }],
  options: [
    { flags: "--last", description: "the last canary in the send log" },
    {
      flags: "--placement <where>",
      description:
        "record what you saw yourself instead of checking: inbox, spam or missing (at a terminal; inbox asks for a code)",
      choices: ["inbox", "spam", "missing"],
    },
    { flags: "--note <text>", description: "a note kept with the evidence (with --placement)" },
    {
      flags: "--bounce <file>",
      description: "a bounce (file, mbox, Maildir folder or -) to check for this message (repeatable)",
      repeatable: true,
      complete: "file",
    },
    {
      flags: "--wait <seconds>",
      description: "keep looking in the mailbox this long before calling it missing (default: 20)",
      parse: secondsOption("--wait"),
    },
    {
      flags: "--resolver <ip[:port]>",
      description: "DNS server for the DKIM key lookups of the checklist (default: the system's)",
    },
    {
      flags: "--timeout <seconds>",
      description: "IMAP connection timeout in seconds (default: 10)",
      parse: secondsOption("--timeout"),
    },
  ],
  examples: [
    "smtpilot verify --last",
    "smtpilot verify '<c92294a118785f1a@example.com>' --wait 60",
    "smtpilot verify --last --placement spam --note 'Gmail, promotions tab'",
    "smtpilot verify --last --bounce ./bounce.eml",
  ],
  notes: "The verdict is recorded in send-log.md: a scale send needs a canary verified in the inbox.\n" +
    "A placement you state is a person's word: it needs a terminal (never a script or an agent), and inbox — what\n" +
    "unlocks a list send — is confirmed by typing a code. IMAP evidence is this send's own copy: the canary carries\n" +
    "a per-send X-Smtpilot-Canary tag, and only a copy with it counts. A copy found is read into a checklist\n" +
    "(the receiver's SPF/DKIM/DMARC/ARC results, DKIM d=/s=/key size/h=, one-click unsubscribe, TLS, PTR,\n" +
    "Return-Path, Message-ID, Date, folder) that says which of Gmail's, Yahoo's and Outlook.com's rules this\n" +
    "path meets; it is stored with the verdict and noted in deliverability-notes.md.\n" +
    "Exit codes: 0 delivered to the inbox, 1 spam, bounced or missing, 2 usage error, 3 memory folder unusable\n" +
    "or the mailbox cannot be reached (named), 4 a stated placement without a person or not confirmed, 15 the IMAP\n" +
    "login was refused.",
  load: async () => (await import("./verify.ts")).runVerify,
};
