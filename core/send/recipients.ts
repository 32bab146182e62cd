/**
 * Recipient lists for a scale send: one address per line (blank lines and
 * `#` comments ignored), read as a stream so a million lines take bounded
 * memory. A list is identified by the digest of its addresses in order —
 * what the plan binds — and each recipient by its index in that order, which
 * is what the journal records (a bitmap of indices, not a set of strings).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import readline from "node:readline";
import { isMailboxProblem, parseMailbox } from "../address.ts";
import { appendWhole, openNoFollow } from "../memory/atomic-file.ts";
import { UsageError } from "../errors.ts";
import { shown } from "../printable.ts";

/** One recipient: its index in the list and the address to send to. */
export interface Recipient {
  index: number;
  address: string;
  /** True when the local part needs SMTPUTF8. */
  smtputf8: boolean;
}

/** What a scan of the whole list found. */
export interface RecipientScan {
  count: number;
  digest: string;
  invalid: { line: number; value: string; reason: string }[];
  invalidCount: number;
}

/** At most this many invalid lines are named in an error; the rest are counted. */
const _MAX_NAMED = 10;

type _Entry = { line: number; text: string; mailbox: ReturnType<typeof parseMailbox> };

/** Every non-blank, non-comment line of the list with its parsed mailbox, streamed. */
async function* _entries(file: string): AsyncGenerator<_Entry> {
  let stream: fs.ReadStream;
  try {
    if (!fs.statSync(file).isFile()) throw Object.assign(new Error("not a regular file"), { code: "not a file" });
    stream = fs.createReadStream(file, { encoding: "utf8", highWaterMark: 64 * 1024 });
  } catch (err) {
    throw new UsageError(`Cannot read --to-list ${shown(file)}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const text = raw.trim();
      if (text === "" || text.startsWith("#")) continue;
      yield { line, text, mailbox: parseMailbox(text) };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Streams the valid recipients of a list file in order, with their indices. */
export async function* readRecipients(file: string): AsyncGenerator<Recipient & { line: number }> {
  let index = 0;
  for await (const { line, mailbox } of _entries(file)) {
    if (isMailboxProblem(mailbox)) continue;
    yield { index: index++, line, address: mailbox.address, smtputf8: mailbox.smtputf8 };
  }
}

/** Reads the whole list once: count, digest and the invalid lines (a list with any is refused by the caller). */
export async function scanRecipients(file: string): Promise<RecipientScan> {
  const hash = createHash("sha256");
  const invalid: RecipientScan["invalid"] = [];
  let invalidCount = 0;
  let count = 0;
  for await (const { line, text, mailbox } of _entries(file)) {
    if (isMailboxProblem(mailbox)) {
      invalidCount++;
      if (invalid.length < _MAX_NAMED) invalid.push({ line, value: shown(text), reason: mailbox.reason });
      continue;
    }
    hash.update(`${mailbox.address}\n`);
    count++;
  }
  return { count, digest: hash.digest("hex"), invalid, invalidCount };
}

/**
 * Scans the list as scanRecipients does and writes its valid addresses, one
 * a line, to `snapshot` (mode 0600): a scale send reads only the snapshot,
 * so the file the person confirmed cannot change under a running send.
 */
export async function snapshotRecipients(file: string, snapshot: string): Promise<RecipientScan> {
  // Never through a link (it would truncate what it names); every byte checked (a full disk throws).
  const out = openNoFollow(snapshot, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC);
  let size = 0;
  const hash = createHash("sha256");
  const invalid: RecipientScan["invalid"] = [];
  let invalidCount = 0;
  let count = 0;
  let batch = "";
  try {
    for await (const { line, text, mailbox } of _entries(file)) {
      if (isMailboxProblem(mailbox)) {
        invalidCount++;
        if (invalid.length < _MAX_NAMED) invalid.push({ line, value: shown(text), reason: mailbox.reason });
        continue;
      }
      hash.update(`${mailbox.address}\n`);
      batch += `${mailbox.address}\n`;
      count++;
      if (batch.length > 64 * 1024) {
        size = appendWhole(out, snapshot, Buffer.from(batch), size);
        batch = "";
      }
    }
    appendWhole(out, snapshot, Buffer.from(batch), size);
  } finally {
    fs.closeSync(out);
  }
  return { count, digest: hash.digest("hex"), invalid, invalidCount };
}

/** The digest of an explicit list of addresses (the canary's one), computed as scanRecipients would. */
export function recipientsDigest(addresses: readonly string[]): string {
  const hash = createHash("sha256");
  for (const a of addresses) hash.update(`${a}\n`);
  return hash.digest("hex");
}
