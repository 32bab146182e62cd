/**
 * A draft: the message a send will carry, composed offline by nodemailer's
 * MailComposer (no hand-written MIME) or read from an `.eml` file. Its
 * digest covers everything but the recipient-specific headers (To, Date),
 * so the canary and the scale run of one message share it — that is what
 * the plan binds and what "the same message" means to the gates. Its
 * Message-ID is derived from the digest and the sender's domain, so draft,
 * preflight and send all name the same one, and verify can find it.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import addressparser from "nodemailer/lib/addressparser";
import MailComposer from "nodemailer/lib/mail-composer";
import { isMailboxProblem, type Mailbox, parseMailbox } from "../address.ts";
import { UsageError } from "../errors.ts";
import { readSmallFile } from "../files.ts";
import { hasControl, printable, shown } from "../printable.ts";
import { type Draft, excerptOf } from "./composed-draft.ts";
import { emlDraft } from "./eml.ts";
import { templateComposer } from "./draft-template.ts";
import { listUnsubscribeHeaders } from "../deliverability/one-click.ts";

export type { Draft };

/** What a draft is made from: flags, or an .eml file. */
export interface DraftInput {
  /** Header From: `me@example.com` or `Me <me@example.com>` (required unless `eml`). */
  from?: string;
  subject?: string;
  text?: string;
  html?: string;
  /** Attachment file paths. */
  attach?: readonly string[];
  /** Extra headers, `Name: value`. */
  header?: readonly string[];
  /** `--list-unsubscribe` values: https URLs and mailto: addresses (RFC 8058 pair added). */
  listUnsubscribe?: readonly string[];
  /** An RFC 5322 file sent as it is (instead of the fields above). */
  eml?: string;
}

/** One attachment is at most this big; a submission server refuses more long before. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
/** Headers smtpilot sets itself; a --header may not replace them. */
const _RESERVED = new Set(["from", "to", "cc", "bcc", "date", "message-id", "subject", "mime-version"]);
const _HEADER_NAME = /^[!-9;-~]+$/;
/** A fixed MIME boundary base derived from the digest: the same draft composes to the same bytes. */
const _BOUNDARY_PREFIX = "smtpilot";

/** How a draft composes. */
export interface DraftOptions {
  /**
   * false: every message goes through MailComposer (the reference the
   * template is tested against). Default: the template, where it applies.
   */
  template?: boolean;
}

/** Builds a draft from flags or an .eml file; every problem is a UsageError naming the flag. */
export function makeDraft(input: DraftInput, options: DraftOptions = {}): Draft {
  if (input.eml !== undefined) {
    for (const flag of ["from", "subject", "text", "html"] as const) {
      if (input[flag] !== undefined) throw new UsageError(`--eml carries the whole message; drop --${flag}`);
    }
    if (
      (input.attach ?? []).length > 0 || (input.header ?? []).length > 0 || (input.listUnsubscribe ?? []).length > 0
    ) {
      throw new UsageError("--eml carries the whole message; drop --attach/--header/--list-unsubscribe");
    }
    return emlDraft(input.eml);
  }
  if (input.from === undefined) throw new UsageError("Missing --from: the header From of the message");
  const { mailbox: from, header: fromHeader } = parseFromHeader("--from", input.from);
  if (input.text === undefined && input.html === undefined) {
    throw new UsageError("A message needs a body: give --text, --html or both (or --eml FILE)");
  }
  const subject = input.subject ?? "";
  if (hasControl(subject)) throw new UsageError("Invalid --subject: control characters are not allowed");
  const headers = (input.header ?? []).map(_header);
  const unsubscribe = listUnsubscribeHeaders(input.listUnsubscribe ?? []);
  if (unsubscribe.length > 0 && headers.some(([n]) => /^list-unsubscribe(-post)?$/i.test(n))) {
    throw new UsageError("Give List-Unsubscribe either with --list-unsubscribe or with --header, not both");
  }
  headers.push(...unsubscribe);
  const attachments = (input.attach ?? []).map((file) => ({
    filename: path.basename(file),
    content: readSmallFile(file, { what: "--attach", maxBytes: MAX_ATTACHMENT_BYTES }),
  }));
  const digest = createHash("sha256").update(JSON.stringify({
    v: 1,
    from: fromHeader,
    subject,
    text: input.text ?? null,
    html: input.html ?? null,
    headers,
    attachments: attachments.map((a) => [a.filename, createHash("sha256").update(a.content).digest("hex")]),
  })).digest("hex");
  const messageId = `<${digest.slice(0, 32)}@${from.domain}>`;
  const composeFully = (to: readonly string[], date = new Date()) =>
    new Promise<Buffer>((resolve, reject) => {
      new MailComposer({
        from: fromHeader,
        to: [...to],
        subject,
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.html !== undefined ? { html: input.html } : {}),
        attachments,
        headers: Object.fromEntries(headers),
        messageId,
        date,
        baseBoundary: `${_BOUNDARY_PREFIX}${digest.slice(0, 24)}`,
        newline: "\r\n",
        disableFileAccess: true,
        disableUrlAccess: true,
      }).compile().build((err: Error | null, message: Buffer) => (err ? reject(err) : resolve(message)));
    });
  const template = options.template === false ? undefined : templateComposer(composeFully);
  return {
    digest,
    messageId,
    from,
    fromHeader,
    subject,
    headers: [
      ["From", fromHeader],
      ["To", "(each recipient, set at send time)"],
      ["Subject", subject],
      ["Message-ID", messageId],
      ["Date", "(set at send time)"],
      ...headers,
    ],
    contents: {
      attachments: attachments.map((a) => ({ name: printable(a.filename, 100), bytes: a.content.length })),
      excerpt: excerptOf(input.text ?? input.html?.replace(/<[^>]*>/g, " ") ?? ""),
    },
    compose: template ?? composeFully,
    ...(template ? { composeNow: template.now, composeNowWithRoom: template.nowWithRoom } : {}),
  };
}

/** Parses a From header value (`Name <addr>` or `addr`) and checks the mailbox. */
export function parseFromHeader(flag: string, value: string): { mailbox: Mailbox; header: string } {
  if (hasControl(value)) throw new UsageError(`Invalid ${flag}: control characters are not allowed`);
  const parsed = addressparser(value, { flatten: true });
  if (parsed.length !== 1 || !parsed[0]?.address) {
    throw new UsageError(`Invalid ${flag} ${shown(value)}: expected one address, e.g. "Me <me@example.com>"`);
  }
  const mailbox = parseMailbox(parsed[0].address);
  if (isMailboxProblem(mailbox)) throw new UsageError(`Invalid ${flag} ${shown(value)}: ${mailbox.reason}`);
  const name = parsed[0].name;
  return { mailbox, header: name ? `${name} <${mailbox.address}>` : mailbox.address };
}

function _header(line: string): [string, string] {
  const colon = line.indexOf(":");
  const name = colon > 0 ? line.slice(0, colon).trim() : "";
  const value = colon > 0 ? line.slice(colon + 1).trim() : "";
  if (!_HEADER_NAME.test(name) || hasControl(value)) {
    throw new UsageError(`Invalid --header ${shown(line)}: expected "Name: value" without control characters`);
  }
  if (_RESERVED.has(name.toLowerCase())) {
    throw new UsageError(`--header cannot set ${name}: use the flag for it (or --eml for a whole message)`);
  }
  return [name, value];
}
