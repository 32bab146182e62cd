/**
 * The bounce corpus manifest, test/data/bounces/expected.tsv: one line per
 * recipient — file (under test/data/bounces), address, the reason the
 * bounce's own text gives, and the family that wrote the bounce. The
 * generators write it as they write each file; the agreement test and
 * `bench:bounce` read it.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const _ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where the corpus lives. */
export const CORPUS_DIR = path.join(_ROOT, "test/data/bounces");
/** The manifest's path. */
export const MANIFEST = path.join(CORPUS_DIR, "expected.tsv");

/** One expected recipient. */
export interface ExpectedRow {
  file: string;
  address: string;
  reason: string;
  family: string;
}

/** Reads the manifest (comment lines start with #). */
export function readManifest(file = MANIFEST): ExpectedRow[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => {
      const [f = "", address = "", reason = "", family = ""] = l.split("\t");
      return { file: f, address, reason, family };
    });
}

/** Replaces every row of the files in `rows` and writes the manifest sorted. */
export function upsertRows(rows: readonly ExpectedRow[], file = MANIFEST): void {
  const files = new Set(rows.map((r) => r.file));
  const kept = readManifest(file).filter((r) => !files.has(r.file));
  const all = [...kept, ...rows].sort((a, b) => a.file.localeCompare(b.file) || a.address.localeCompare(b.address));
  const head = "# file\taddress\treason (what the bounce's own text says)\tfamily (who wrote the bounce)\n";
  fs.writeFileSync(file, head + all.map((r) => `${r.file}\t${r.address}\t${r.reason}\t${r.family}`).join("\n") + "\n");
}

/** Writes one generated bounce as `<out>/<scenario>.eml` and its expected recipients into the manifest. */
export function writeCorpusFile(
  out: string,
  family: string,
  scenario: { name: string; expect: Record<string, string> },
  raw: Buffer,
): void {
  const target = path.join(out, `${scenario.name}.eml`);
  fs.writeFileSync(target, raw);
  const rel = path.relative(CORPUS_DIR, target).split(path.sep).join("/");
  upsertRows(Object.entries(scenario.expect).map(([address, reason]) => ({ file: rel, address, reason, family })));
  process.stderr.write(`wrote ${rel}\n`);
}
