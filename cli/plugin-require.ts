/**
 * Loads a CommonJS plugin file (`.cjs`, `.cts`) with a `require` made for its path, which also works
 * inside the single binary. A module of its own, imported by plugin-import.ts on first use: importing
 * `node:module` at load made Node compile it (and its source-map support) in every run, ~0.5 M
 * instructions of a probe that loads no plugin.
 */
import { createRequire } from "node:module";

/** The exports of the CommonJS file at the absolute path `file`. */
export function requirePlugin(file: string): unknown {
  return createRequire(file)(file);
}
