/**
 * Recipient lists for a scale send: one address per line (blank lines and
 * `#` comments ignored), read as a stream so a million lines take bounded
 * memory (list-lines.ts bounds each line too). A mailbox named more than
 * once gets one message: later mentions are folded into the first
 * (mailbox-set.ts says how mailboxes are compared) and counted. A list is
 * identified by the digest of its distinct addresses in order — what the
 * plan binds — and each recipient by its index in that order, which is
 * what the journal records (a bitmap of indices, not a set of strings). A
 * send reads its list from the copy list-snapshot.ts takes in the same pass.
 */
import { createHash } from "node:crypto";
import { isMailboxProblem, parseMailbox } from "../address.ts";
import { shown } from "../printable.ts";
import { listLineBatches, type ListProblem } from "./list-lines.ts";
import { MailboxSet } from "./mailbox-set.ts";

/** One recipient: its index in the list and the address to send to. */
export interface Recipient {
  index: number;
  address: string;
  /** True when the local part needs SMTPUTF8. */
  smtputf8: boolean;
}

/** What a scan of the whole list found. */
export interface RecipientScan {
  /** Distinct recipients: what the plan counts and a send reaches. */
  count: number;
  /** Lines naming a mailbox an earlier line already named: folded, never sent to twice. */
  duplicates: number;
  digest: string;
  /** The first invalid lines, by number and reason (never their text: see values). */
  invalid: ListProblem[];
  /** The text of each named invalid line, shortened and printable, for a person at the command line. */
  invalidValues: string[];
  invalidCount: number;
  /**
   * Distinct recipients per domain (lower case), counted in the same pass —
   * what the bulk check sorts by provider. At most MAX_COUNTED_DOMAINS
   * domains; recipients of any further domain are `uncountedDomains`.
   */
  domains: Map<string, number>;
  uncountedDomains: number;
}

/** Distinct domains a scan counts recipients for (a hostile list of a million domains stays bounded). */
export const MAX_COUNTED_DOMAINS = 100_000;

/** At most this many invalid lines are named in an error; the rest are counted. */
const _MAX_NAMED = 10;

/** Streams the distinct valid recipients of a list file in order, with their indices and lines. */
export async function* readRecipients(file: string): AsyncGenerator<Recipient & { line: number }> {
  const seen = new MailboxSet();
  let index = 0;
  for await (const { first, texts } of listLineBatches(file)) {
    for (let k = 0; k < texts.length; k++) {
      const text = texts[k] as string;
      if (text === "" || text.startsWith("#")) continue;
      const mailbox = parseMailbox(text);
      if (isMailboxProblem(mailbox) || !seen.add(mailbox.address)) continue;
      yield { index: index++, line: first + k, address: mailbox.address, smtputf8: mailbox.smtputf8 };
    }
  }
}

/** Reads the whole list once: count, duplicates, digest and the invalid lines (a list with any is refused by the caller). */
export async function scanRecipients(file: string): Promise<RecipientScan> {
  return await scanList(file, () => {});
}

/** The digest of an explicit list of addresses (the canary's one), computed as scanRecipients would. */
export function recipientsDigest(addresses: readonly string[]): string {
  const hash = createHash("sha256");
  for (const a of addresses) hash.update(`${a}\n`);
  return hash.digest("hex");
}

/** Text handed to scanList's `onText` (and the digest) at a time. */
const _TEXT_CHUNK = 64 * 1024;

/**
 * One pass over the list (what scanRecipients does): the distinct valid
 * addresses, each followed by LF, also go to `onText` in order, several at
 * a time — the text the digest is made of (one hash update per 64 KB, not
 * one per address: the same digest).
 */
export async function scanList(file: string, onText: (text: string) => void): Promise<RecipientScan> {
  const hash = createHash("sha256");
  const seen = new MailboxSet();
  const scan: RecipientScan = {
    count: 0,
    duplicates: 0,
    digest: "",
    invalid: [],
    invalidValues: [],
    invalidCount: 0,
    domains: new Map(),
    uncountedDomains: 0,
  };
  let text = "";
  for await (const { first, texts } of listLineBatches(file)) {
    for (let k = 0; k < texts.length; k++) {
      const line = texts[k] as string;
      if (line === "" || line.startsWith("#")) continue;
      const mailbox = parseMailbox(line);
      if (isMailboxProblem(mailbox)) {
        scan.invalidCount++;
        if (scan.invalid.length < _MAX_NAMED) {
          scan.invalid.push({ line: first + k, reason: mailbox.reason });
          scan.invalidValues.push(shown(line));
        }
        continue;
      }
      if (!seen.add(mailbox.address)) {
        scan.duplicates++;
        continue;
      }
      text += `${mailbox.address}\n`;
      scan.count++;
      const domain = mailbox.domain.toLowerCase();
      const n = scan.domains.get(domain);
      if (n !== undefined) scan.domains.set(domain, n + 1);
      else if (scan.domains.size < MAX_COUNTED_DOMAINS) scan.domains.set(domain, 1);
      else scan.uncountedDomains++;
    }
    if (text.length >= _TEXT_CHUNK) {
      hash.update(text);
      onText(text);
      text = "";
    }
  }
  if (text !== "") {
    hash.update(text);
    onText(text);
  }
  scan.digest = hash.digest("hex");
  return scan;
}

/** Recipients `size` at a time (a stream of single ones, as tests and small callers give them). */
export async function* inBatches(recipients: AsyncIterable<Recipient>, size: number): AsyncGenerator<Recipient[]> {
  let batch: Recipient[] = [];
  for await (const r of recipients) {
    batch.push(r);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
