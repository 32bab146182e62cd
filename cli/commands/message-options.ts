/**
 * The flags that describe a message, shared by `draft`, `preflight` and
 * `send`: the same flags must give the same message digest in all three,
 * which is how a plan token is tied to "the same message".
 */
import type { DraftInput } from "../../core/send/draft.ts";
import { readSmallFile } from "../../core/files.ts";
import type { OptionSpec } from "../command-spec.ts";

/** The largest body file --text-file/--html-file reads. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Message flags, defined once. */
export const MESSAGE_OPTIONS: readonly OptionSpec[] = [
  { flags: "--subject <text>", description: "Subject header" },
  { flags: "--text <text>", description: "plain-text body", conflicts: ["textFile", "eml"] },
  { flags: "--text-file <file>", description: "plain-text body from a UTF-8 file", complete: "file" },
  { flags: "--html <html>", description: "HTML body", conflicts: ["htmlFile", "eml"] },
  { flags: "--html-file <file>", description: "HTML body from a UTF-8 file", complete: "file" },
  { flags: "--attach <file>", description: "attach a file (repeatable)", repeatable: true, complete: "file" },
  { flags: "--header <line>", description: 'extra header "Name: value" (repeatable)', repeatable: true },
  { flags: "--eml <file>", description: "send this RFC 5322 file as it is instead", complete: "file" },
];

/** The parsed message flags (with the header From given separately). */
export interface MessageFlags {
  subject?: string;
  text?: string;
  textFile?: string;
  html?: string;
  htmlFile?: string;
  attach?: string[];
  header?: string[];
  eml?: string;
}

/** The draft input the flags describe; body files are read here (bounded). */
export function draftInputOf(flags: MessageFlags, from: string | undefined): DraftInput {
  const body = (file: string | undefined, what: string) =>
    file === undefined ? undefined : readSmallFile(file, { what, maxBytes: MAX_BODY_BYTES }).toString("utf8");
  const text = flags.text ?? body(flags.textFile, "--text-file");
  const html = flags.html ?? body(flags.htmlFile, "--html-file");
  return {
    ...(from !== undefined ? { from } : {}),
    ...(flags.subject !== undefined ? { subject: flags.subject } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined ? { html } : {}),
    ...(flags.attach ? { attach: flags.attach } : {}),
    ...(flags.header ? { header: flags.header } : {}),
    ...(flags.eml !== undefined ? { eml: flags.eml } : {}),
  };
}
