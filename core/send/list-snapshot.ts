/**
 * The private copy of a recipient list that a scale send reads: taken in the
 * same pass that counts and digests the list for the plan, so what is sent
 * is, byte for byte, what the confirmation was bound to — a list file
 * rewritten after that pass (or while the send runs) reaches no one new —
 * and the list is parsed once per send, not once to plan and again to send.
 *
 * The copy is a file in the journal folder that is unlinked as soon as it is
 * opened: it holds every address unmasked, and this way nobody else can open
 * it and no crash, kill or refused gate can leave it behind. Each line is an
 * address parseMailbox already accepted (the domain in ASCII), so reading it
 * back needs no second parse: only whether the local part needs SMTPUTF8.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { appendWhole, openNoFollow } from "../memory/atomic-file.ts";
import { type Recipient, type RecipientScan, scanList } from "./recipients.ts";

/** Bytes read from the copy at a time. */
const _CHUNK = 64 * 1024;

/** The distinct valid addresses of a list as they were when it was scanned, read back in order. */
export class ListSnapshot {
  #fd: number | undefined;
  /** Set only where the file could not be unlinked while open (it is removed at close). */
  #path: string | undefined;

  private constructor(fd: number, pathLeft: string | undefined) {
    this.#fd = fd;
    this.#path = pathLeft;
  }

  /**
   * Scans `file` as scanRecipients does and copies its distinct valid
   * addresses, one a line, into an unlinked file under `folder` (the
   * journal folder: 0700, checked). Every byte is checked written (a full
   * disk throws, and nothing is left behind).
   */
  static async take(file: string, folder: string): Promise<{ scan: RecipientScan; snapshot: ListSnapshot }> {
    const name = path.join(folder, `.list-${process.pid}-${crypto.randomBytes(8).toString("hex")}`);
    const fd = openNoFollow(name, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL);
    let left: string | undefined;
    try {
      fs.unlinkSync(name);
    } catch {
      left = name; // a system that cannot unlink an open file: removed at close instead
    }
    const snapshot = new ListSnapshot(fd, left);
    try {
      let size = 0;
      const scan = await scanList(file, (text) => {
        size = appendWhole(fd, name, Buffer.from(text), size);
      });
      return { scan, snapshot };
    } catch (err) {
      snapshot.close();
      throw err;
    }
  }

  /** The recipients in list order with their indices, streamed from the copy (never from the list file). */
  async *recipients(): AsyncGenerator<Recipient> {
    for await (const batch of this.batches()) yield* batch;
  }

  /** The recipients as `recipients()` gives them, a read's worth (64 KB of the copy) at a time. */
  async *batches(): AsyncGenerator<Recipient[]> {
    const buffer = Buffer.allocUnsafe(_CHUNK);
    let position = 0;
    let index = 0;
    let rest = Buffer.alloc(0);
    for (;;) {
      const fd = this.#fd;
      if (fd === undefined) return;
      const n = await new Promise<number>((resolve, reject) =>
        fs.read(fd, buffer, 0, _CHUNK, position, (err, read) => (err ? reject(err) : resolve(read)))
      );
      if (n === 0) return;
      position += n;
      // Decoded up to the chunk's last newline: a multi-byte character never straddles two decodes.
      const end = buffer.lastIndexOf(10, n - 1) + 1;
      const text = rest.length === 0
        ? buffer.toString("utf8", 0, end)
        : Buffer.concat([rest, buffer.subarray(0, end)]).toString("utf8");
      rest = Buffer.from(buffer.subarray(end, n));
      const batch: Recipient[] = [];
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        const address = text.slice(start, nl);
        start = nl + 1;
        // deno-lint-ignore no-control-regex
        batch.push({ index: index++, address, smtputf8: /[^\x00-\x7f]/.test(address) });
      }
      if (batch.length > 0) yield batch;
    }
  }

  /** Closes the copy (the system then frees it); safe to call twice. */
  close(): void {
    if (this.#fd === undefined) return;
    fs.closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#path) fs.rmSync(this.#path, { force: true });
  }
}
