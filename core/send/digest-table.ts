/**
 * A set of 96-bit digests in a typed-array hash table (open addressing,
 * linear probing): no string or object per entry, so a million digests take
 * about 24 MB. What the digests are is the caller's: MailboxSet's are fast
 * non-cryptographic hashes of a mailbox, the delivery ledger's encrypted
 * ones (delivery-ledger.ts). A digest is three 32-bit words passed as
 * numbers (no array per digest); the third is never 0 (0 marks an empty slot).
 */

/** Words per digest (3 × 32 bits). */
const _WORDS = 3;

/** A set of digests `h0 h1 h2`. */
export class DigestTable {
  #table = new Uint32Array(_WORDS * 1024);
  #capacity = 1024;
  #size = 0;

  /** How many distinct digests were added. */
  get size(): number {
    return this.#size;
  }

  /** Adds the digest `h0 h1 h2` (`h2` never 0); false when the set already held it. */
  add(h0: number, h1: number, h2: number): boolean {
    if (!this.#insert(this.#table, this.#capacity, h0, h1, h2)) return false;
    this.#size++;
    if (this.#size * 2 > this.#capacity) this.#grow();
    return true;
  }

  /** True when the set holds the digest `h0 h1 h2`. */
  has(h0: number, h1: number, h2: number): boolean {
    const table = this.#table;
    const mask = this.#capacity - 1;
    for (let slot = h0 & mask;; slot = (slot + 1) & mask) {
      const at = slot * _WORDS;
      if (table[at + 2] === 0) return false;
      if (table[at] === h0 && table[at + 1] === h1 && table[at + 2] === h2) return true;
    }
  }

  /** Inserts the digest `h0 h1 h2` into `table`; false when present. */
  #insert(table: Uint32Array, capacity: number, h0: number, h1: number, h2: number): boolean {
    for (let slot = h0 & (capacity - 1);; slot = (slot + 1) & (capacity - 1)) {
      const at = slot * _WORDS;
      if (table[at + 2] === 0) {
        table[at] = h0;
        table[at + 1] = h1;
        table[at + 2] = h2;
        return true;
      }
      if (table[at] === h0 && table[at + 1] === h1 && table[at + 2] === h2) return false;
    }
  }

  #grow(): void {
    const capacity = this.#capacity * 2;
    const table = new Uint32Array(_WORDS * capacity);
    const old = this.#table;
    for (let at = 0; at < old.length; at += _WORDS) {
      if (old[at + 2] !== 0) {
        this.#insert(table, capacity, old[at] as number, old[at + 1] as number, old[at + 2] as number);
      }
    }
    this.#table = table;
    this.#capacity = capacity;
  }
}
