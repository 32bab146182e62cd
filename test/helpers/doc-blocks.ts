/**
 * The code blocks of a Markdown document that name a file (```js file=my-reporter.mjs), so a
 * test can write them out and run them exactly as a reader would copy them.
 */
import fs from "node:fs";

/** Every `file=NAME` block of the Markdown file at `path`, by file name. */
export function docFileBlocks(path: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const text = fs.readFileSync(path, "utf8");
  for (const m of text.matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)) blocks.set(m[1]!, m[2]!);
  return blocks;
}
