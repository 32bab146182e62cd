/**
 * The flags that describe a message, shared by `draft`, `preflight` and
 * `send`: the same flags must give the same message digest in all three,
 * which is how a plan token is tied to "the same message". What they mean
 * (the draft input, body files read) is core/send/draft-input.ts.
 */
import type { OptionSpec } from "../command-spec.ts";

/** Message flags, defined once. */
export const MESSAGE_OPTIONS: readonly OptionSpec[] = [
  { flags: "--subject <text>", description: "Subject header" },
  { flags: "--text <text>", description: "plain-text body", conflicts: ["textFile", "eml"] },
  { flags: "--text-file <file>", description: "plain-text body from a UTF-8 file", complete: "file" },
  { flags: "--html <html>", description: "HTML body", conflicts: ["htmlFile", "eml"] },
  { flags: "--html-file <file>", description: "HTML body from a UTF-8 file", complete: "file" },
  { flags: "--attach <file>", description: "attach a file (repeatable)", repeatable: true, complete: "file" },
  { flags: "--header <line>", description: 'extra header "Name: value" (repeatable)', repeatable: true },
  {
    flags: "--list-unsubscribe <uri>",
    description:
      "add RFC 8058 one-click unsubscribe: List-Unsubscribe <URI> (an https URL and/or mailto:ADDRESS, repeatable) and, with an https URL, List-Unsubscribe-Post",
    repeatable: true,
  },
  { flags: "--eml <file>", description: "send this RFC 5322 file as it is instead", complete: "file" },
];
