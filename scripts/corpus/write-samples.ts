/**
 * Writes the hand-written samples of the bounce corpus: for every family of
 * scripts/corpus/samples/ (formats nobody can run here: Exchange Online,
 * Gmail, Yahoo, SES notifications, old Exchange, carriers, gateways,
 * qmail descendants…), one .eml file per message under
 * test/data/bounces/<family>/ and its recipients in the manifest, with the
 * reason each reply's words mean. Each family's module names where its
 * layout and replies come from; test/data/bounces/README.md lists them.
 *
 * Run:
 *   npx tsx scripts/corpus/write-samples.ts
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CORPUS_DIR, upsertRows } from "./manifest.ts";
import { APPLIANCE_SAMPLES } from "./samples/appliances.ts";
import { JAPANESE_SAMPLES } from "./samples/japan.ts";
import { MICROSOFT_SAMPLES } from "./samples/microsoft.ts";
import { MORE_SAMPLES } from "./samples/more.ts";
import { PROVIDER_SAMPLES } from "./samples/providers.ts";
import type { SampleFamily } from "./samples/sample.ts";
import { SERVICE_SAMPLES } from "./samples/services.ts";
import { UNIX_SAMPLES } from "./samples/unix.ts";

/** Every hand-written family. */
export const SAMPLE_FAMILIES: readonly SampleFamily[] = [
  ...MICROSOFT_SAMPLES,
  ...PROVIDER_SAMPLES,
  ...SERVICE_SAMPLES,
  ...APPLIANCE_SAMPLES,
  ...JAPANESE_SAMPLES,
  ...UNIX_SAMPLES,
  ...MORE_SAMPLES,
];

function main(): void {
  let index = 100;
  for (const f of SAMPLE_FAMILIES) {
    const dir = path.join(CORPUS_DIR, "samples", f.family);
    fs.mkdirSync(dir, { recursive: true });
    for (const m of f.messages) {
      const file = path.join(dir, `${m.name}.eml`);
      fs.writeFileSync(file, f.render(m.cases, index++));
      const rel = path.relative(CORPUS_DIR, file).split(path.sep).join("/");
      upsertRows(m.cases.map((c) => ({ file: rel, address: c.address, reason: c.reason, family: f.family })));
    }
  }
  process.stderr.write(`wrote ${SAMPLE_FAMILIES.length} families\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
