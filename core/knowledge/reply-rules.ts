/**
 * The core reply knowledge table: connection, AUTH and envelope rules (split
 * over `reply-rules-*.ts` to keep each readable), then one catch-all per layer. The catch-alls guarantee that every reply, even a
 * success code where a failure was expected, has an interpretation.
 */

import type { ReplyRule } from "./reply-rule.ts";
import { connectReplyRules } from "./reply-rules-connect.ts";
import { authReplyRules } from "./reply-rules-auth.ts";
import { envelopeReplyRules } from "./reply-rules-envelope.ts";
import { addressReplyRules } from "./reply-rules-address.ts";
import { mtaStsReplyRules } from "./reply-rules-mta-sts.ts";

const _UNEXPECTED_RULES: readonly ReplyRule[] = [
  {
    id: "core.greeting-unexpected",
    stages: ["greeting"],
    diagnosis: {
      code: "greeting.unexpected-reply",
      title: "Unexpected greeting",
      cause:
        "The server's first reply was not the 220 banner SMTP requires, so this is not an SMTP server or something in between interferes.",
      next:
        "Check that host and port point at the provider's SMTP endpoint and that no proxy or firewall intercepts it.",
    },
  },
  {
    id: "core.ehlo-unexpected",
    stages: ["ehlo", "helo"],
    diagnosis: {
      code: "ehlo.unexpected-reply",
      title: "Unexpected EHLO reply",
      cause: "The server answered EHLO/HELO with a reply SMTP does not define for it.",
      next: "Read the transcript; check that host and port point at an SMTP server and not at another protocol.",
    },
  },
  {
    id: "core.starttls-unexpected",
    stages: ["starttls"],
    diagnosis: {
      code: "tls.unexpected-reply",
      title: "Unexpected STARTTLS reply",
      cause: "The server answered STARTTLS with something other than 220 or an error.",
      next: "Read the transcript; if it persists, use --tls implicit --port 465 instead of STARTTLS.",
    },
  },
  {
    id: "core.auth-unexpected",
    stages: ["auth"],
    diagnosis: {
      code: "auth.unexpected-reply",
      title: "Unexpected AUTH reply",
      cause:
        "The server answered the authentication exchange with a reply that is neither success nor a defined error.",
      next: "Read the transcript and try another mechanism from the EHLO AUTH line with --auth-mech.",
    },
  },
  {
    id: "core.envelope-unexpected",
    stages: ["mail", "rcpt", "data"],
    diagnosis: {
      code: "envelope.unexpected-reply",
      title: "Unexpected envelope reply",
      cause: "The server answered MAIL, RCPT or DATA with a reply SMTP does not define for that command.",
      next: "Read the transcript; the server or a proxy in front of it is not speaking standard SMTP.",
    },
  },
];

let _core: readonly ReplyRule[] | undefined;

/**
 * Every core rule, most specific first; the first rule whose stage and
 * patterns all match a reply decides its diagnosis. Plugin rules are tried
 * before these, so a provider can refine or override any of them. Built on
 * first use, once: a run whose every reply is the one expected never reads
 * it, and its ~110 regular expressions cost a probe's start-up ~2 M
 * instructions to create.
 */
export function coreReplyRules(): readonly ReplyRule[] {
  return (_core ??= [
    ...mtaStsReplyRules(),
    ...connectReplyRules(),
    ...authReplyRules(),
    ...envelopeReplyRules(),
    ...addressReplyRules(),
    ..._UNEXPECTED_RULES,
  ]);
}
