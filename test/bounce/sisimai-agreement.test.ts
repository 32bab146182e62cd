import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { type Classified, compare, runSisimai, sisimaiMissing } from "../../scripts/bench/sisimai-compare.ts";
import { CORPUS_DIR } from "../../scripts/corpus/manifest.ts";
import { readManifestCorpus, rowKey } from "./corpus-read.ts";

// Where smtpilot and Sisimai 4.25 (Debian 12) differ and the corpus manifest does not settle it
// (smtpilot's reason is not what the bounce's text says either): "file address" → [ours, Sisimai's, why].
const REVIEWED: Record<string, [string, string, string]> = {};

const missing = sisimaiMissing();

test("every difference from Sisimai is one where smtpilot gives the reason the bounce's own text says", {
  skip: missing !== undefined && process.env.CI !== "true" ? missing : false,
}, async () => {
  assert.equal(missing, undefined, `${missing} (under CI=true Sisimai must be installed)`);
  const { rows, read } = await readManifestCorpus();
  const expected = new Map(rows.map((r) => [rowKey(r), r.reason]));
  const files = [...new Set(rows.map((r) => r.file))];
  const ours: Classified[] = rows.map((r) => ({
    file: r.file,
    address: r.address,
    reason: read.get(rowKey(r))?.reason ?? "missing",
  }));
  const theirs = runSisimai(files.map((f) => path.join(CORPUS_DIR, f))).recipients
    .map((c) => ({ ...c, file: path.relative(CORPUS_DIR, c.file).split(path.sep).join("/") }));
  const a = compare(ours, theirs);
  const unexplained = a.disagreements.filter((d) => {
    if (expected.get(d.key) === d.ours) return false;
    const known = REVIEWED[d.key];
    return !known || known[0] !== d.ours || known[1] !== d.sisimai;
  });
  assert.deepEqual(unexplained, []);
  assert.ok(a.compared >= 50, `only ${a.compared} recipients compared`);
});
