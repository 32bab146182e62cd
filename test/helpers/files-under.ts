/**
 * What a folder keeps, for tests that prove a value never reached disk:
 * the text of every regular file under it, subfolders included (a memory
 * folder's journal/ holds the delivery ledger's folder, journal/ledger/).
 */
import fs from "node:fs";
import path from "node:path";

/** The bytes of every regular file under `dir`, as latin1 text joined by newlines (a binary file too). */
export function textUnder(dir: string): string {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f))
    .filter((f) => fs.lstatSync(f).isFile()).map((f) => fs.readFileSync(f, "latin1")).join("\n");
}
