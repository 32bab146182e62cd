#!/usr/bin/env node
// Runs buildSeaBundles (sea-bundle.mjs) into DIR and writes DIR/manifest.json ({main, assets, sizes}),
// so binary.mjs can keep its build steps synchronous and each step's failure one line.
//
//   node scripts/build/sea-bundle-cli.mjs DIR [--no-minify]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSeaBundles } from "./sea-bundle.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = path.resolve(process.argv[2] ?? "");
fs.mkdirSync(dir, { recursive: true });
const result = await buildSeaBundles(root, dir, { SMTPILOT_BUILD: JSON.stringify("bundle") }, {
  minify: !process.argv.includes("--no-minify"),
});
fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(result));
