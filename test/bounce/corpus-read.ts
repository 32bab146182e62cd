/**
 * Reads the bounce corpus in process for the tests: every file of the
 * manifest (test/data/bounces/expected.tsv) analysed, recipients keyed by
 * "file address" (file relative to test/data/bounces, address lower-cased).
 */
import path from "node:path";
import { analyzeMessage, type BounceRecipient } from "../../core/bounce/analyze-message.ts";
import { readSources } from "../../core/bounce/read-sources.ts";
import { CORPUS_DIR, type ExpectedRow, readManifest } from "../../scripts/corpus/manifest.ts";

/** One recipient as read, with its message's layout. */
export type ReadRecipient = BounceRecipient & { format?: string };

/** The manifest's rows and what bounce reads for each of its files. */
export async function readManifestCorpus(): Promise<{ rows: ExpectedRow[]; read: Map<string, ReadRecipient> }> {
  const rows = readManifest();
  const files = [...new Set(rows.map((r) => r.file))].map((f) => path.join(CORPUS_DIR, f));
  const read = new Map<string, ReadRecipient>();
  const errors: string[] = [];
  await readSources(files, (root, source) => {
    const m = analyzeMessage(root, source);
    const rel = path.relative(CORPUS_DIR, source).split(path.sep).join("/").replace(/#\d+$/, "");
    for (const r of m.recipients) read.set(`${rel} ${r.address.toLowerCase()}`, { ...r, format: m.format });
  }, (e) => errors.push(`${e.source}: ${e.code}`));
  if (errors.length > 0) throw new Error(`corpus files unreadable: ${errors.join(", ")}`);
  return { rows, read };
}

/** The key of a manifest row in `read`. */
export function rowKey(r: ExpectedRow): string {
  return `${r.file} ${r.address.toLowerCase()}`;
}
