// The README and docs/ link to each other's sections: every relative link names a file that exists
// and, when it has a #fragment, a heading that page has (GitHub's anchor of the heading). A section
// renamed or moved to another page without its links fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { anchor } from "../../scripts/docs/markdown.ts";

const pages = ["README.md", ...fs.readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** A page's text outside fenced code blocks. */
function outsideFences(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "");
}

/** The anchors of a page's headings (GitHub numbers repeated ones -1, -2…). */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of outsideFences(fs.readFileSync(file, "utf8")).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = anchor(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

test("every relative link in the README and docs/ reaches a file and a heading that exist", () => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = outsideFences(fs.readFileSync(page, "utf8")).replace(/`[^`\n]*`/g, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, fragment] = target.split("#") as [string, string | undefined];
      const resolved = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
      if (!fs.existsSync(resolved)) {
        broken.push(`${page}: ${target} (no ${resolved})`);
      } else if (fragment !== undefined && resolved.endsWith(".md") && !anchors(resolved).has(fragment)) {
        broken.push(`${page}: ${target} (no such heading in ${resolved})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test("the README's first screen has the two set-up commands and links to the reference", () => {
  const readme = fs.readFileSync("README.md", "utf8");
  const first = readme.slice(0, readme.indexOf("\n## ", readme.indexOf("## Set-up") + 1));
  assert.ok(first.includes("npm ci && npm start"));
  assert.match(first, /^npm test\b/m);
  assert.ok(readme.includes("](docs/reference.md)") && readme.includes("](docs/codes.md)"));
  // Short enough to read: the long sections live in docs/.
  assert.ok(readme.split("\n").length < 200, `README is ${readme.split("\n").length} lines`);
});
