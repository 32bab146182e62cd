/**
 * The delivery ledger: who already received — or may have received — a
 * message from an envelope sender, whatever plan sent it. A list send's
 * journal is named after its plan (send-scale.ts), so on its own it keeps
 * a message at most once per plan only: add an address to the list, reorder
 * it or rotate the profile's secret, and the new plan's empty journal would
 * send everyone the same message again. The ledger joins the plans of one
 * message:
 *
 * - Before its first reservation, a run writes a sidecar beside its journal:
 *   the digest of each recipient of its list, in list order (whole, flushed
 *   and renamed into place: it exists complete or not at all). With the
 *   journal's reservations and attempt lines — already on disk before any
 *   message's bytes leave — it says which recipients a run may have reached.
 * - A later run of the same message under another plan reads each earlier
 *   sidecar with its journal and skips every recipient an earlier run got
 *   accepted or attempted without a recorded answer (refused and deferred
 *   ones did not receive it and may be sent again). A preflight counts them.
 * - Sidecars live in `journal/ledger/<message key>/`, named after their run,
 *   so a run opens only those of its own message however many sends the
 *   folder has kept; one run of a message at a time (the lock in
 *   send-scale.ts), or two lists of it sent at once could both reach one
 *   person.
 * - A sidecar that is not whole, fails its checksum or was made with another
 *   key, or one that cannot be read, refuses the send (LedgerUnreadableError,
 *   `gate.ledger-unreadable`): guessing could resend.
 *
 * "The same message" is the draft's digest (everything but To and Date:
 * subject, bodies, attachments, headers, From) with the envelope sender —
 * not the profile, server or list: those are how it travels and to whom.
 *
 * A recipient is kept as a keyed digest of its mailbox, never as the
 * address: the journal keeps only masked addresses, and an unkeyed hash of
 * an address is reversed by hashing candidates (a directory, a leaked list).
 * The digest is the list's own 96-bit mailbox digest (mailbox-set.ts: the
 * address folded as the list folds it) encrypted with AES-128 under a key
 * derived from a random secret of the memory folder (`journal/ledger/key`,
 * 0600) and the message key: without the secret no candidate can be
 * checked, and one person's digests for two messages differ. A
 * cryptographic hash per address cost several microseconds of a list
 * send's start-up each; this is one JavaScript hash per address and one
 * AES call per thousand. 96 bits of the block are kept: a million
 * recipients collide with odds near 10^-16, and a collision could only
 * skip a recipient, never send twice.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { appendWhole, DIR_MODE, FILE_MODE, openNoFollow, syncFolder, syncInBackground } from "../memory/atomic-file.ts";
import { trustProblem } from "../memory/file-trust.ts";
import { shown } from "../printable.ts";
import { refuse } from "./gates.ts";
import { DigestTable } from "./digest-table.ts";
import { bitmap, isSet, readJournal } from "./journal-state.ts";
import { mailboxDigest, mailboxKey } from "./mailbox-set.ts";
import { inBatches, type Recipient } from "./recipients.ts";

/** The ledger's folder under the journal folder. */
export const LEDGER_DIR = "ledger";
/** Bytes kept of each recipient's digest. */
const _DIGEST_BYTES = 12;
/** Bytes of an AES block: a mailbox digest, padded. */
const _BLOCK = 16;
/** Bytes of the key. */
const _KEY_BYTES = 32;
/** Bytes of a sidecar's closing checksum. */
const _SUM_BYTES = 16;
const _MAGIC = "smtpilot-ledger/1";
/** A sidecar's name: its run's (`scale-<plan>`), so it pairs with `journal/<run>.jsonl`. */
const _SIDECAR = /^(scale-[0-9a-f]{24})\.dig$/;

/** An earlier record of a message that cannot be trusted: nothing is sent rather than guessing. */
export class LedgerUnreadableError extends Error {
  readonly code = "E_LEDGER_UNREADABLE";
  /** The file that could not be read. */
  readonly file: string;
  constructor(file: string, why: string) {
    // The whole path: the person has to find the file (a path is the memory folder's, not hostile input).
    super(`Cannot read the delivery ledger's ${shown(file, 400)} (${why})`);
    this.file = file;
  }
}

/** The key of "the same message": the draft's digest and the envelope sender (24 hex digits). */
export function messageKeyOf(draftDigest: string, envelopeFrom: string): string {
  return crypto.createHash("sha256").update(`${draftDigest}\n${mailboxKey(envelopeFrom)}`).digest("hex").slice(0, 24);
}

/** A message's ledger: its folder and, when one exists, the memory folder's key. */
export class DeliveryLedger {
  /** `journal/ledger/<message key>`. */
  readonly folder: string;
  readonly #journalFolder: string;
  /** The AES-128 key of this message's digests. */
  readonly #cipherKey: Buffer | undefined;
  /** The HMAC key of this message's records' sums. */
  readonly #macKey: Buffer;
  readonly #keyId: string;

  private constructor(journalFolder: string, messageKey: string, key: Buffer | undefined) {
    this.#journalFolder = journalFolder;
    this.folder = path.join(journalFolder, LEDGER_DIR, messageKey);
    this.#cipherKey = key
      ? crypto.createHash("sha256").update(key).update(`\n${messageKey}`).digest().subarray(0, 16)
      : undefined;
    this.#macKey = key
      ? crypto.createHash("sha256").update(key).update(`\nsum\n${messageKey}`).digest()
      : Buffer.alloc(32);
    this.#keyId = key ? crypto.createHash("sha256").update(key).digest("hex").slice(0, 16) : "";
  }

  /**
   * The ledger of `messageKey` under `journalFolder`. With `create`, its
   * folders and the key are made when missing (a send); without, nothing is
   * written (a preflight) and a missing key is simply no record.
   */
  static async open(
    journalFolder: string,
    messageKey: string,
    { create }: { create: boolean },
  ): Promise<DeliveryLedger> {
    const root = path.join(journalFolder, LEDGER_DIR);
    const folder = path.join(root, messageKey);
    // As everywhere in the memory folder: never through a link, never a folder someone else could write.
    _plainFolder(root);
    _plainFolder(folder);
    // A folder made now is flushed into its parent: a record in it must survive a reboot as its journal does.
    if (create && fs.mkdirSync(folder, { recursive: true, mode: DIR_MODE }) !== undefined) {
      await Promise.all([syncFolder(journalFolder), syncFolder(root)]);
    }
    const key = _key(root, create);
    if (key.made) await syncFolder(root);
    return new DeliveryLedger(journalFolder, messageKey, key.key);
  }

  /** The sidecar file of run `run`. */
  sidecar(run: string): string {
    return path.join(this.folder, `${run}.dig`);
  }

  /**
   * Who received or may have received the message in an earlier run: the
   * digests of every recipient an earlier run (any sidecar but `except`'s)
   * got accepted or attempted without an answer. Throws
   * LedgerUnreadableError for a record that cannot be trusted.
   */
  async earlier(except?: string): Promise<DigestTable> {
    const found = new DigestTable();
    let names: string[];
    _plainFolder(this.folder);
    try {
      names = fs.readdirSync(this.folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return found;
      throw new LedgerUnreadableError(this.folder, (err as NodeJS.ErrnoException).code ?? "unreadable");
    }
    for (const name of names) {
      const run = _SIDECAR.exec(name)?.[1];
      if (run === undefined || run === except) continue;
      const file = path.join(this.folder, name);
      const digests = this.#readSidecar(file);
      const count = digests.length / _DIGEST_BYTES;
      let state;
      // The run's journal, beside the ledger folder: made before its record (mark), so a record without
      // it means the journal was deleted — whom that run reached is unknown, and guessing could resend.
      // Forgetting a send is removing both (docs/sending.md).
      const journal = path.join(this.#journalFolder, `${run}.jsonl`);
      if (!fs.existsSync(journal)) {
        throw new LedgerUnreadableError(journal, `missing: remove ${shown(name, 80)} too to forget that send`);
      }
      try {
        state = await readJournal(journal, count);
      } catch (err) {
        throw new LedgerUnreadableError(journal, (err as { code?: string }).code ?? "unreadable");
      }
      const unknown = bitmap(count);
      for (const i of state.unknown) unknown[i >> 3] = (unknown[i >> 3] as number) | (1 << (i & 7));
      for (let i = 0; i < count; i++) {
        if (isSet(state.acceptedSet, i) || isSet(unknown, i)) _add(found, digests, i * _DIGEST_BYTES);
      }
    }
    return found;
  }

  /**
   * The digests of `recipients` (16 bytes each, in order; the first 12 are
   * kept): their mailbox digests encrypted in one call. Needs the key (a
   * ledger opened with `create`, or one that has records).
   */
  digests(recipients: readonly Recipient[]): Buffer {
    if (!this.#cipherKey) throw new Error("The delivery ledger has no key");
    const plain = Buffer.alloc(recipients.length * _BLOCK);
    for (let n = 0; n < recipients.length; n++) {
      const h = mailboxDigest((recipients[n] as Recipient).address);
      plain.writeUInt32LE(h[0] as number, n * _BLOCK);
      plain.writeUInt32LE(h[1] as number, n * _BLOCK + 4);
      plain.writeUInt32LE(h[2] as number, n * _BLOCK + 8);
    }
    // ECB is right here: each block is a distinct mailbox digest, encrypted as a keyed permutation.
    const cipher = crypto.createCipheriv("aes-128-ecb", this.#cipherKey, null).setAutoPadding(false);
    return cipher.update(plain);
  }

  /**
   * Reads a list's recipients once: which indices `earlier` holds (a bitmap
   * of `count`, and how many) and, with `run`, writes that run's sidecar —
   * whole, flushed and renamed into place — unless an identical one is
   * there already (a rerun of the plan). Call before the run's first
   * reservation.
   */
  async mark(
    batches: AsyncIterable<readonly Recipient[]>,
    count: number,
    earlier: DigestTable,
    run?: string,
  ): Promise<{ map: Uint8Array; count: number }> {
    const map = bitmap(count);
    let marked = 0;
    const header = Buffer.from(`${_MAGIC} ${this.#keyId} ${count}\n`);
    const body = run === undefined ? undefined : Buffer.alloc(header.length + count * _DIGEST_BYTES + _SUM_BYTES);
    if (body) header.copy(body);
    const check = earlier.size > 0;
    for await (const all of batches) {
      const batch = all.filter((r) => r.index < count);
      const d = this.digests(batch);
      for (let n = 0; n < batch.length; n++) {
        const i = (batch[n] as Recipient).index;
        if (body) d.copy(body, header.length + i * _DIGEST_BYTES, n * _BLOCK, n * _BLOCK + _DIGEST_BYTES);
        if (check && _has(earlier, d, n * _BLOCK)) {
          map[i >> 3] = (map[i >> 3] as number) | (1 << (i & 7));
          marked++;
        }
      }
    }
    if (body && run !== undefined) {
      this.#checksum(body).copy(body, body.length - _SUM_BYTES);
      // The run's journal exists (flushed, empty or not) before its record: a record whose journal is
      // missing then always means a deleted journal, refused by earlier(), never a run that died first.
      const journal = path.join(this.#journalFolder, `${run}.jsonl`);
      const jfd = openNoFollow(journal, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_APPEND);
      try {
        fs.fsyncSync(jfd);
      } finally {
        fs.closeSync(jfd);
      }
      await syncFolder(this.#journalFolder);
      await this.#writeSidecar(this.sidecar(run), body);
    }
    return { map, count: marked };
  }

  /** A sidecar's digests, checked whole, summed with this key's HMAC and made with this key. */
  #readSidecar(file: string): Buffer {
    let data: Buffer;
    let header: { nl: number; keyId: string; size: number };
    try {
      const fd = openNoFollow(file, fs.constants.O_RDONLY);
      try {
        const st = fs.fstatSync(fd);
        const problem = trustProblem(st);
        if (problem) throw new LedgerUnreadableError(file, problem);
        // The header first: a record's size is known from it, and nothing larger is read whole.
        const head = Buffer.alloc(Math.min(st.size, 128));
        fs.readSync(fd, head, 0, head.length, 0);
        const nl = head.indexOf(10);
        const [magic, keyId = "", n = ""] = head.subarray(0, Math.max(0, nl)).toString("latin1").split(" ");
        if (nl < 0 || magic !== _MAGIC || !/^[0-9]{1,12}$/.test(n)) {
          throw new LedgerUnreadableError(file, "not a ledger record");
        }
        header = { nl, keyId, size: nl + 1 + Number(n) * _DIGEST_BYTES + _SUM_BYTES };
        if (st.size !== header.size) throw new LedgerUnreadableError(file, "torn");
        data = fs.readFileSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      if (err instanceof LedgerUnreadableError) throw err;
      throw new LedgerUnreadableError(file, (err as NodeJS.ErrnoException).code ?? "unreadable");
    }
    if (data.length !== header.size) throw new LedgerUnreadableError(file, "torn");
    if (!this.#cipherKey) throw new LedgerUnreadableError(path.join(this.folder, "..", "key"), "missing");
    if (header.keyId !== this.#keyId) throw new LedgerUnreadableError(file, "made with another key");
    if (!this.#checksum(data).equals(data.subarray(data.length - _SUM_BYTES))) {
      throw new LedgerUnreadableError(file, "checksum mismatch");
    }
    return data.subarray(header.nl + 1, data.length - _SUM_BYTES);
  }

  /** A record's closing sum: an HMAC under the folder's key, so an edited record (a lower count) is refused. */
  #checksum(data: Buffer): Buffer {
    return crypto.createHmac("sha256", this.#macKey).update(data.subarray(0, data.length - _SUM_BYTES)).digest()
      .subarray(0, _SUM_BYTES);
  }

  /** Writes `body` as `file` unless it holds exactly that: a temporary file, flushed, renamed, the folder flushed. */
  async #writeSidecar(file: string, body: Buffer): Promise<void> {
    try {
      const fd = openNoFollow(file, fs.constants.O_RDONLY);
      try {
        if (fs.readFileSync(fd).equals(body)) return;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // missing (the usual case) or unreadable: written afresh
    }
    // Left by a run killed while writing (this message's lock is held: no other run writes here now).
    for (const name of fs.readdirSync(this.folder)) {
      if (name.startsWith(`.${path.basename(file)}.`) && name.endsWith(".tmp")) {
        fs.rmSync(path.join(this.folder, name), { force: true });
      }
    }
    const tmp = path.join(this.folder, `.${path.basename(file)}.${process.pid}.tmp`);
    const fd = openNoFollow(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, FILE_MODE);
    try {
      appendWhole(fd, tmp, body, 0);
      // Off the main thread: the run's sessions open meanwhile (nothing is reserved before this ends).
      await syncInBackground(fd, tmp);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
    await syncFolder(this.folder);
  }
}

/** What a ledger call gives, or the refusal of an earlier record that cannot be trusted (nothing is sent). */
export async function trustedLedger<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LedgerUnreadableError) {
      refuse("gate.ledger-unreadable", `${err.message}: who already received this message is not known`);
    }
    throw err;
  }
}

/**
 * How many of a list's recipients an earlier run of this message (any
 * plan, this one's too) got accepted or attempted without an answer: what
 * a preflight shows. Writes nothing; 0 at once when the message has no
 * record. Refuses (gate.ledger-unreadable) when a record cannot be trusted.
 */
export async function countEarlier(
  journalFolder: string,
  messageKey: string,
  recipients: AsyncIterable<Recipient>,
  count: number,
): Promise<number> {
  return await trustedLedger(async () => {
    const ledger = await DeliveryLedger.open(journalFolder, messageKey, { create: false });
    const earlier = await ledger.earlier();
    if (earlier.size === 0) return 0;
    return (await ledger.mark(inBatches(recipients, 1000), count, earlier)).count;
  });
}

/**
 * Sets in `done` (the journal's: never send) every index of `earlier`, and
 * returns how many were not set already — the recipients an earlier run of
 * another plan reached.
 */
export function skipEarlier(done: Uint8Array, earlier: Uint8Array): number {
  let added = 0;
  for (let b = 0; b < earlier.length; b++) {
    const fresh = (earlier[b] as number) & ~(done[b] as number);
    if (fresh === 0) continue;
    done[b] = (done[b] as number) | fresh;
    for (let bits = fresh; bits !== 0; bits &= bits - 1) added++;
  }
  return added;
}

/** The memory folder's ledger key: read, or (with `create`) made once — linked into place, so two runs agree. */
function _key(root: string, create: boolean): { key: Buffer | undefined; made?: true } {
  const file = path.join(root, "key");
  const read = (): Buffer | undefined => {
    let fd: number;
    try {
      fd = openNoFollow(file, fs.constants.O_RDONLY);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new LedgerUnreadableError(file, (err as NodeJS.ErrnoException).code ?? "unreadable");
    }
    try {
      const problem = trustProblem(fs.fstatSync(fd));
      if (problem) throw new LedgerUnreadableError(file, problem);
      const key = fs.readFileSync(fd);
      if (key.length !== _KEY_BYTES) throw new LedgerUnreadableError(file, "not a key");
      return key;
    } finally {
      fs.closeSync(fd);
    }
  };
  const key = read();
  if (key || !create) return { key };
  const tmp = path.join(root, `.key.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
  const fd = openNoFollow(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, FILE_MODE);
  try {
    appendWhole(fd, tmp, crypto.randomBytes(_KEY_BYTES), 0);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    try {
      fs.linkSync(tmp, file); // fails when another run made the key first: that one is used
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { key: read(), made: true };
}

/** Adds the first 96 bits of the digest at `d[at]` (the third word never 0, as DigestTable needs). */
function _add(table: DigestTable, d: Buffer, at: number): void {
  table.add(d.readUInt32LE(at), d.readUInt32LE(at + 4), (d.readUInt32LE(at + 8) | 1) >>> 0);
}

/** True when `table` holds the digest at `d[at]`, taken as _add takes it. */
function _has(table: DigestTable, d: Buffer, at: number): boolean {
  return table.has(d.readUInt32LE(at), d.readUInt32LE(at + 4), (d.readUInt32LE(at + 8) | 1) >>> 0);
}

/** Refuses (LedgerUnreadableError) a ledger folder that is a link, not a folder, or writable by someone else; a missing one passes. */
function _plainFolder(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new LedgerUnreadableError(dir, (err as NodeJS.ErrnoException).code ?? "unreadable");
  }
  if (st.isSymbolicLink()) throw new LedgerUnreadableError(dir, "a link: never followed in the memory folder");
  if (!st.isDirectory()) throw new LedgerUnreadableError(dir, "not a folder");
  const problem = trustProblem(st);
  if (problem) throw new LedgerUnreadableError(dir, problem);
}
