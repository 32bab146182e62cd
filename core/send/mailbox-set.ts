/**
 * Which mailboxes a list already named, so a recipient written twice — or
 * written as `Ann@Example.COM` and `ann@example.com` — gets one message.
 *
 * The comparison (mailboxKey): the domain is compared without case (DNS
 * names are case-insensitive, and parseMailbox already lower-cases it), and
 * so is the local part. RFC 5321 §2.4 lets a server treat `Ann` and `ann` as
 * two mailboxes, but practically every provider and MTA (Gmail, Microsoft
 * 365, Yahoo, Postfix and Exim by default) folds them into one; for a list
 * send the cost of the two errors is not the same — folding two genuinely
 * distinct mailboxes leaves one of them unsent (and it is counted and
 * reported), while not folding sends the same person the same message twice.
 * Nothing else is folded: `+tags`, dots (Gmail ignores them, most do not) and
 * quoting are each provider's own rule. The address sent is the first one as
 * written: its case is never changed on the wire.
 *
 * The set keeps a 96-bit digest of each key in a typed-array hash table, not
 * the strings: a million recipients take about 24 MB, and two different
 * mailboxes sharing a digest is a 1-in-10^16 event for such a list. The
 * digest is three independent multiplicative hashes computed in JavaScript
 * (a cryptographic hash per address took as long as parsing it): a list is
 * the person's own, there is no adversary to collide it.
 */
import { DigestTable } from "./digest-table.ts";

/** The key two addresses of one mailbox share: the whole address without case. */
export function mailboxKey(address: string): string {
  return address.toLowerCase();
}

/** A set of mailboxes by mailboxKey, in bounded memory. */
export class MailboxSet {
  readonly #digests = new DigestTable();

  /** How many distinct mailboxes were added. */
  get size(): number {
    return this.#digests.size;
  }

  /** Adds the mailbox of `address`; false when the set already held it. */
  add(address: string): boolean {
    const h = mailboxDigest(address);
    return this.#digests.add(h[0] as number, h[1] as number, h[2] as number);
  }
}

/**
 * The 96-bit digest of a mailbox, as the set keeps it — fast, not
 * cryptographic (the delivery ledger encrypts it). The array is a scratch
 * the next call overwrites: no array is made per address.
 */
export function mailboxDigest(address: string): Uint32Array {
  // An ASCII address is folded while it is digested (toLowerCase maps A-Z only there); any other is folded first.
  if (!_digest96(address, true)) _digest96(mailboxKey(address), false);
  return _h;
}

/** The last digest _digest96 made (a scratch, so that no array is made per address). */
const _h = new Uint32Array(3);

/** Mixes the bits of a 32-bit lane (MurmurHash3's finaliser). */
function _fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Three independently seeded and multiplied 32-bit lanes over the key, into
 * `_h`; the third is never 0 (0 marks an empty slot). With `fold`, over the
 * key as mailboxKey folds it, when it is ASCII: false (and no digest) when
 * it is not.
 */
function _digest96(key: string, fold: boolean): boolean {
  let a = 0x811c9dc5 ^ key.length;
  let b = 0x9747b28c;
  let c = 0x1b873593;
  for (let i = 0; i < key.length; i++) {
    let ch = key.charCodeAt(i);
    if (fold) {
      if (ch >= 0x80) return false;
      if (ch >= 0x41 && ch <= 0x5a) ch |= 0x20;
    }
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul((b ^ ch) + (b >>> 7), 0x5bd1e995);
    c = Math.imul((c + ch) ^ (c >>> 11), 0x27d4eb2d);
  }
  _h[0] = _fmix(a);
  _h[1] = _fmix(b ^ key.length);
  _h[2] = _fmix(c) | 1;
  return true;
}
