/**
 * What a composed draft is, whichever way it was made — by MailComposer from
 * flags (draft.ts) or read from an .eml file (eml.ts) — and the excerpt of
 * its body a person reads before approving a send. Both composers build on
 * this module, so neither imports the other for it.
 */
import type { Mailbox } from "../address.ts";
import { printable } from "../printable.ts";

/** A composed draft. `compose()` gives the bytes for given header recipients. */
export interface Draft {
  /** sha256 (hex) of the recipient-independent content. */
  digest: string;
  messageId: string;
  /** The From mailbox (envelope sender default). */
  from: Mailbox;
  fromHeader: string;
  subject: string;
  /** Headers as they will appear (To and Date filled at send time), for display. */
  headers: [string, string][];
  /** What a person approving a send must see besides the headers: the attachments and the body's start. */
  contents: { attachments: { name: string; bytes: number }[]; excerpt: string };
  /** The bytes for these To recipients and this date (CRLF line endings). */
  compose(to: readonly string[], date?: Date): Promise<Buffer>;
  /**
   * The bytes for one To recipient without waiting, when the draft can make
   * them so (a scale send composes thousands a second); undefined when it
   * cannot now — then `compose`.
   */
  composeNow?(to: string, date?: Date): Buffer | undefined;
  /**
   * composeNow() in a buffer `room` bytes longer, when no line of the
   * message starts with a dot (the message is its first `length - room`
   * bytes, needing no dot-stuffing; the room is the caller's); undefined
   * otherwise — then `composeNow`.
   */
  composeNowWithRoom?(to: string, room: number, date?: Date): Buffer | undefined;
}

/** The first words of a body, printable and short: what a person approving a send reads. */
export function excerptOf(text: string, max = 300): string {
  return printable(text.replace(/\s+/g, " ").trim(), max);
}
