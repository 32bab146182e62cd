/**
 * `npm run docs`: writes docs/reference.md from the command specs and
 * re-renders every generated table in the README and docs/*.md from the
 * code's data (scripts/docs/generated-docs.ts). `--check` writes nothing and
 * exits 1 naming each page that is out of date, for CI or a hook.
 *
 * Run:
 *   npm run docs
 *   npm run docs -- --check
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { docsState, GENERATED_TABLES, REGENERATE } from "./generated-docs.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const check = process.argv.includes("--check");
const pages = docsState(root);
const stale = pages.filter((p) => p.current !== p.expected);
const placed = new Set(pages.flatMap((p) => p.regions));
const homeless = GENERATED_TABLES.filter((t) => !placed.has(t.name)).map((t) => t.name);

if (homeless.length > 0) {
  console.error(`No page holds the generated tables ${homeless.join(", ")}: add <!-- generated:NAME --> regions`);
  process.exitCode = 1;
}
if (check) {
  for (const p of stale) console.error(`${p.path} is out of date with its sources: run \`${REGENERATE}\``);
  if (stale.length > 0) process.exitCode = 1;
} else {
  for (const p of stale) {
    fs.writeFileSync(path.join(root, p.path), p.expected);
    console.log(`wrote ${p.path}`);
  }
  if (stale.length === 0) console.log("docs are up to date");
}
