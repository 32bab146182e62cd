/**
 * Everything in the docs that is generated, and how: whole pages
 * (docs/reference.md from the command specs) and regions of hand-written
 * pages, marked
 *
 *   <!-- generated:NAME … -->
 *   …
 *   <!-- end generated:NAME -->
 *
 * whose content is replaced by the table of that name (scripts/docs/code-tables.ts).
 * `npm run docs` writes the result; test/docs/generated-docs.test.ts fails
 * when any page on disk differs from it, or when a table has no region left.
 */
import fs from "node:fs";
import path from "node:path";
import { COMMANDS } from "../../cli/command-tree.ts";
import { TOOLS } from "../../cli/mcp/tools.ts";
import { GLOBAL_OPTIONS, PROGRAM_SUMMARY } from "../../cli/program.ts";
import { CODE_TABLES, type CodeTable } from "./code-tables.ts";
import { renderCommandReference, renderToolTable } from "./command-reference.ts";

/** The command the pages tell a reader to run. */
export const REGENERATE = "npm run docs";

/** Pages generated whole, by path from the repository root. */
export const GENERATED_PAGES: readonly { path: string; sources: string; render(): string }[] = [
  {
    path: "docs/reference.md",
    sources: "cli/commands/*.spec.ts, cli/mcp/tools.ts, cli/program.ts",
    render: () =>
      renderCommandReference({ commands: COMMANDS, globals: GLOBAL_OPTIONS, tools: TOOLS, summary: PROGRAM_SUMMARY }),
  },
];

/** Every table a page may hold as a generated region: the code tables, and the MCP tools. */
export const GENERATED_TABLES: readonly CodeTable[] = [
  ...CODE_TABLES,
  { name: "mcp-tools", source: "cli/mcp/tools.ts", render: () => renderToolTable(TOOLS, COMMANDS) },
];

/** One page as it is on disk and as the generator writes it. */
export interface PageState {
  path: string;
  current: string | undefined;
  expected: string;
  /** Region names the page holds. */
  regions: string[];
}

const _REGION = /<!-- generated:([a-z0-9-]+)[^\n]*?-->\n[\s\S]*?<!-- end generated:\1 -->/g;

/** The hand-written pages that may hold generated regions: the README and docs/*.md. */
export function handWrittenPages(root: string): string[] {
  const generated = new Set(GENERATED_PAGES.map((p) => p.path));
  const docs = fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
  return ["README.md", ...docs.sort()].filter((p) => !generated.has(p));
}

/** A page's text with every region re-rendered; throws on a region no table has. */
export function fillRegions(text: string, page: string): { text: string; regions: string[] } {
  const regions: string[] = [];
  const out = text.replace(_REGION, (_whole, name: string) => {
    const t = GENERATED_TABLES.find((x) => x.name === name);
    if (!t) throw new Error(`${page}: no generated table named ${name} (scripts/docs/code-tables.ts)`);
    regions.push(name);
    return `<!-- generated:${name} from ${t.source} by \`${REGENERATE}\`: do not edit -->\n${t.render()}\n` +
      `<!-- end generated:${name} -->`;
  });
  return { text: out, regions };
}

/** Every generated page and every page with regions, as it is and as it should be. */
export function docsState(root: string): PageState[] {
  const read = (p: string) => {
    try {
      return fs.readFileSync(path.join(root, p), "utf8");
    } catch {
      return undefined;
    }
  };
  const whole = GENERATED_PAGES.map((p) => ({
    path: p.path,
    current: read(p.path),
    expected: p.render(),
    regions: [],
  }));
  const filled = handWrittenPages(root).map((p) => {
    const current = read(p) ?? "";
    const { text, regions } = fillRegions(current, p);
    return { path: p, current, expected: text, regions };
  });
  return [...whole, ...filled];
}
