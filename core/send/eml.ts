/**
 * A draft read from an `.eml` file: the message is sent as the user wrote it
 * (line endings made CRLF), except for the recipient headers — each
 * recipient gets its own To, and Cc, Bcc and Resent-Bcc are removed (a Bcc
 * line must never reach a recipient, nor one recipient see the others in a
 * list send) — and a missing Message-ID or Date is added, since many
 * servers refuse or mangle a message without them. The digest covers the
 * message without its recipient headers, as for a draft made from flags.
 */
import { createHash } from "node:crypto";
import { isMailboxProblem, parseMailbox } from "../address.ts";
import { UsageError } from "../errors.ts";
import { readSmallFile } from "../files.ts";
import { printable, shown } from "../printable.ts";
import { type Draft, excerptOf } from "./composed-draft.ts";
import addressparser from "nodemailer/lib/addressparser";

/** The largest .eml a draft reads: bigger than any submission server accepts. */
export const MAX_EML_BYTES = 50 * 1024 * 1024;

/** Reads an .eml file into a draft. */
export function emlDraft(file: string): Draft {
  const raw = readSmallFile(file, { what: "--eml", maxBytes: MAX_EML_BYTES });
  const bytes = Buffer.from(raw.toString("latin1").replace(/\r?\n|\r/g, "\r\n"), "latin1");
  const split = bytes.indexOf("\r\n\r\n");
  if (split < 0) throw new UsageError(`--eml ${shown(file)} has no header block followed by a blank line`);
  const headers = unfoldHeaders(bytes.subarray(0, split).toString("utf8"));
  const get = (name: string) => headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const fromHeader = get("from");
  if (fromHeader === undefined) throw new UsageError(`--eml ${shown(file)} has no From header`);
  const fromAddr = addressparser(fromHeader, { flatten: true })[0]?.address ?? "";
  const from = parseMailbox(fromAddr);
  if (isMailboxProblem(from)) {
    throw new UsageError(`--eml ${shown(file)}: its From ${shown(fromHeader)} is not a valid address: ${from.reason}`);
  }
  const body = withoutFields(bytes, split, _RECIPIENT_HEADERS);
  const digest = createHash("sha256").update(body).digest("hex");
  const messageId = get("message-id")?.trim() || `<${digest.slice(0, 32)}@${from.domain}>`;
  const added = [
    ...(get("message-id") ? [] : [`Message-ID: ${messageId}`]),
  ];
  return {
    digest,
    messageId,
    from,
    fromHeader: printable(fromHeader),
    subject: printable(get("subject") ?? ""),
    headers: [
      ["To", "(each recipient, set at send time; Cc and Bcc removed)"],
      ...headers.filter(([k]) => !_RECIPIENT_HEADERS.has(k.toLowerCase())).map(([k, v]) =>
        [k, printable(v, 300)] as [string, string]
      ),
    ],
    contents: {
      attachments: [],
      excerpt: excerptOf(
        body.subarray(body.indexOf("\r\n\r\n") + 4, body.indexOf("\r\n\r\n") + 4 + 4096).toString("utf8"),
      ),
    },
    compose: (to, date = new Date()) => {
      const extra = [
        `To: ${to.join(", ")}`,
        ...added,
        ...(get("date") ? [] : [`Date: ${date.toUTCString().replace("GMT", "+0000")}`]),
      ];
      return Promise.resolve(Buffer.concat([Buffer.from(`${extra.join("\r\n")}\r\n`), body]));
    },
  };
}

/** Header fields a send sets per recipient or never sends. */
const _RECIPIENT_HEADERS = new Set(["to", "cc", "bcc", "resent-bcc"]);

/** The message without the named header fields (continuation lines included); `split` is the blank line's offset. */
export function withoutFields(message: Buffer, split: number, names: ReadonlySet<string>): Buffer {
  const kept: string[] = [];
  let dropping = false;
  for (const line of message.subarray(0, split).toString("latin1").split("\r\n")) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    const colon = line.indexOf(":");
    dropping = colon > 0 && names.has(line.slice(0, colon).trim().toLowerCase());
    if (!dropping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(kept.join("\r\n"), "latin1"), message.subarray(split)]);
}

/** The header block as [name, value] pairs, continuation lines unfolded (RFC 5322 §2.2.3). */
export function unfoldHeaders(block: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of block.split(/\r\n/)) {
    if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1] as [string, string];
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon > 0) out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}
