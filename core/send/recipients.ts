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
import { listLines, type ListProblem } from "./list-lines.ts";
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

type _Entry = { line: number; text: string; mailbox: ReturnType<typeof parseMailbox> };

/** Every non-blank, non-comment line of the list with its parsed mailbox, streamed. */
async function* _entries(file: string): AsyncGenerator<_Entry> {
  for await (const { line, text } of listLines(file)) {
    if (text === "" || text.startsWith("#")) continue;
    yield { line, text, mailbox: parseMailbox(text) };
  }
}

/** Streams the distinct valid recipients of a list file in order, with their indices and lines. */
export async function* readRecipients(file: string): AsyncGenerator<Recipient & { line: number }> {
  const seen = new MailboxSet();
  let index = 0;
  for await (const { line, mailbox } of _entries(file)) {
    if (isMailboxProblem(mailbox) || !seen.add(mailbox.address)) continue;
    yield { index: index++, line, address: mailbox.address, smtputf8: mailbox.smtputf8 };
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

/** One pass over the list (what scanRecipients does): each distinct valid address also goes to `onAddress`, in order. */
export async function scanList(file: string, onAddress: (address: string) => void): Promise<RecipientScan> {
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
  for await (const { line, text, mailbox } of _entries(file)) {
    if (isMailboxProblem(mailbox)) {
      scan.invalidCount++;
      if (scan.invalid.length < _MAX_NAMED) {
        scan.invalid.push({ line, reason: mailbox.reason });
        scan.invalidValues.push(shown(text));
      }
      continue;
    }
    if (!seen.add(mailbox.address)) {
      scan.duplicates++;
      continue;
    }
    hash.update(`${mailbox.address}\n`);
    onAddress(mailbox.address);
    scan.count++;
    const domain = mailbox.domain.toLowerCase();
    const n = scan.domains.get(domain);
    if (n !== undefined) scan.domains.set(domain, n + 1);
    else if (scan.domains.size < MAX_COUNTED_DOMAINS) scan.domains.set(domain, 1);
    else scan.uncountedDomains++;
  }
  scan.digest = hash.digest("hex");
  return scan;
}
