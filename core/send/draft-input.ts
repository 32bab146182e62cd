/**
 * The message flags of `draft`, `preflight` and `send` turned into a draft's
 * input: one function for all three, so the same flags give the same message
 * digest everywhere — which is how a plan token is tied to "the same
 * message". Body files are read here, bounded.
 */
import type { DraftInput } from "./draft.ts";
import { readSmallFile } from "../files.ts";

/** The largest body file --text-file/--html-file reads. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The parsed message flags (with the header From given separately). */
export interface MessageFlags {
  subject?: string;
  text?: string;
  textFile?: string;
  html?: string;
  htmlFile?: string;
  attach?: string[];
  header?: string[];
  listUnsubscribe?: string[];
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
    ...(flags.listUnsubscribe ? { listUnsubscribe: flags.listUnsubscribe } : {}),
    ...(flags.eml !== undefined ? { eml: flags.eml } : {}),
  };
}
