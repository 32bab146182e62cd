// The import graph of core/, plugins/, fixtures/ and cli/ keeps its rooms in order and has no cycle.
//
// The layering rule. Every source file belongs to one room; the rooms, lowest first:
//
//   0  core          core/**                    interfaces, engines and use cases (core/<capability>/)
//   1  plugins       plugins/**                 built-in plugins, written against core's plugin API
//   1  fixtures      fixtures/**                the local SMTP/IMAP/DNS fixture
//   2  cli-kit       cli/*.ts (not the entry)   what every adapter shares: command-spec, output, lifecycle,
//                                               usage parsers, prompts, plugin loading, the commander builder
//   3  cli-commands  cli/commands/**            one adapter per command: <name>.spec.ts + <name>.ts
//   4  cli-mcp       cli/mcp/**                 the MCP adapter, built over the command specs
//   5  cli-entry     cli/smtpilot.ts, cli/main.ts, cli/command-tree.ts   the whole tree, wired and run
//
// A file imports (statically, `import type` included, or with a dynamic `import()`) only files of its
// own room or of a lower level; two rooms of the same level (plugins, fixtures) never import each
// other. So core never imports a plugin, the fixture or the CLI; the command adapters never reach into
// the MCP adapter, and nothing below the entry sees the assembled command tree. Inside
// cli/commands, a spec loads its command and a command never imports a spec (schema names live in
// core/schemas.ts): a spec sits above its command. And the graph has no cycle anywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/** The rooms of the rule above, with their level. */
const _ROOMS = [
  { name: "core", level: 0, holds: (f: string) => f.startsWith("core/") },
  { name: "plugins", level: 1, holds: (f: string) => f.startsWith("plugins/") },
  { name: "fixtures", level: 1, holds: (f: string) => f.startsWith("fixtures/") },
  {
    name: "cli-entry",
    level: 5,
    holds: (f: string) => ["cli/smtpilot.ts", "cli/main.ts", "cli/command-tree.ts"].includes(f),
  },
  { name: "cli-commands", level: 3, holds: (f: string) => f.startsWith("cli/commands/") },
  { name: "cli-mcp", level: 4, holds: (f: string) => f.startsWith("cli/mcp/") },
  { name: "cli-kit", level: 2, holds: (f: string) => /^cli\/[^/]+$/.test(f) },
] as const;

type Room = (typeof _ROOMS)[number];

/** One import: who imports what, and on which line. */
interface Edge {
  from: string;
  to: string;
  line: number;
}

/** The room of a file (paths relative to the repository, with `/`), or undefined outside the four trees. */
function roomOf(file: string): Room | undefined {
  return _ROOMS.find((r) => r.holds(file));
}

/** The relative imports of one source file, resolved to repository paths. */
function importsOf(file: string, source: string): Edge[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles
    .filter((i) => i.fileName.startsWith("./") || i.fileName.startsWith("../"))
    .map((i) => ({
      from: file,
      to: path.posix.normalize(path.posix.join(path.posix.dirname(file), i.fileName)),
      line: source.slice(0, i.pos).split("\n").length,
    }));
}

/** Every edge of a set of sources. */
function graphOf(sources: ReadonlyMap<string, string>): Edge[] {
  return [...sources].flatMap(([file, source]) => importsOf(file, source));
}

/** The imports that break the layering rule, as readable lines. */
function layeringBreaks(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = roomOf(e.from);
    const to = roomOf(e.to);
    if (!from || !to) continue;
    if (from.name !== to.name && to.level >= from.level) {
      out.push(`${e.from}:${e.line} (${from.name}) imports ${e.to} (${to.name})`);
    } else if (
      from.name === "cli-commands" && e.to.endsWith(".spec.ts") && !e.from.endsWith(".spec.ts") &&
      e.from !== "cli/commands/index.ts"
    ) {
      out.push(`${e.from}:${e.line} (a command) imports the spec ${e.to}`);
    }
  }
  return out;
}

/** The cycles of the graph: one shortest loop per strongly connected component (Tarjan), as `a → b → a`. */
function cyclesOf(edges: readonly Edge[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfLoop = (next.get(v) ?? []).includes(v);
    if (component.length > 1 || selfLoop) components.push(component);
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return components.map((c) => _loop(c.sort()[0] as string, new Set(c), next).join(" → "));
}

/** The shortest path from `start` back to itself inside one component (breadth first). */
function _loop(start: string, inside: ReadonlySet<string>, next: ReadonlyMap<string, string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of next.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const chain: string[] = [];
        for (let at = v; at !== start; at = cameFrom.get(at) as string) chain.unshift(at);
        return [start, ...chain, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, "…", start];
}

/** The TypeScript sources of the four trees, by repository path. */
function repositorySources(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts")) out.set(file, fs.readFileSync(file, "utf8"));
    }
  };
  for (const root of ["core", "plugins", "fixtures", "cli"]) walk(root);
  return out;
}

test("the walker sees static, type-only, re-exported and dynamic imports, and skips comments and strings", () => {
  const edges = graphOf(
    new Map([[
      "cli/commands/x.ts",
      [
        'import { a } from "../../core/a.ts";',
        'import type { B } from "./b.ts";',
        'export { c } from "../kit.ts";',
        'const d = async () => (await import("../mcp/d.ts")).d;',
        '// import { e } from "./e.ts";',
        'const s = "import(\\"./f.ts\\")";',
        'import fs from "node:fs";',
      ].join("\n"),
    ]]),
  );
  assert.deepEqual(
    edges.map((e) => [e.to, e.line]),
    [["core/a.ts", 1], ["cli/commands/b.ts", 2], ["cli/kit.ts", 3], ["cli/mcp/d.ts", 4]],
  );
});

test("the rule refuses an import that runs up, one between rooms of a level, and a command importing its spec", () => {
  const sources = new Map([
    ["core/x.ts", 'import { y } from "../cli/y.ts";\nimport { p } from "../plugins/p/p.ts";'],
    ["plugins/p/p.ts", 'import { f } from "../../fixtures/f.ts";'],
    ["cli/commands/run.ts", 'import { S } from "./run.spec.ts";\nimport("../mcp/server.ts");'],
    ["cli/commands/run.spec.ts", 'export const s = { load: () => import("./run.ts") };'],
    ["cli/commands/index.ts", 'import { s } from "./run.spec.ts";'],
    ["cli/mcp/server.ts", 'import { s } from "../commands/index.ts";\nimport { k } from "../output.ts";'],
    ["cli/output.ts", 'import { t } from "./command-tree.ts";'],
    ["cli/command-tree.ts", 'import { m } from "./mcp/server.ts";'],
  ]);
  assert.deepEqual(layeringBreaks(graphOf(sources)), [
    "core/x.ts:1 (core) imports cli/y.ts (cli-kit)",
    "core/x.ts:2 (core) imports plugins/p/p.ts (plugins)",
    "plugins/p/p.ts:1 (plugins) imports fixtures/f.ts (fixtures)",
    "cli/commands/run.ts:1 (a command) imports the spec cli/commands/run.spec.ts",
    "cli/commands/run.ts:2 (cli-commands) imports cli/mcp/server.ts (cli-mcp)",
    "cli/output.ts:1 (cli-kit) imports cli/command-tree.ts (cli-entry)",
  ]);
});

test("the cycle finder names each loop once, through dynamic imports too", () => {
  const sources = new Map([
    ["cli/commands/a.spec.ts", 'export const s = { load: () => import("./a.ts") };'],
    ["cli/commands/a.ts", 'import { A } from "./a.spec.ts";'],
    ["core/x.ts", 'import "./y.ts";'],
    ["core/y.ts", 'import "./z.ts";'],
    ["core/z.ts", 'import "./x.ts";\nimport "./w.ts";'],
    ["core/w.ts", 'import "./w.ts";'],
    ["core/ok.ts", 'import "./x.ts";'],
  ]);
  assert.deepEqual(cyclesOf(graphOf(sources)).sort(), [
    "cli/commands/a.spec.ts → cli/commands/a.ts → cli/commands/a.spec.ts",
    "core/w.ts → core/w.ts",
    "core/x.ts → core/y.ts → core/z.ts → core/x.ts",
  ]);
});

test("no import in core/, plugins/, fixtures/ or cli/ breaks the layering rule", () => {
  const breaks = layeringBreaks(graphOf(repositorySources()));
  assert.deepEqual(breaks, [], `imports that break the rule:\n  ${breaks.join("\n  ")}`);
});

test("the import graph of core/, plugins/, fixtures/ and cli/ has no cycle", () => {
  const cycles = cyclesOf(graphOf(repositorySources()));
  assert.deepEqual(cycles, [], `import cycles:\n  ${cycles.join("\n  ")}`);
});

test("every relative import names a file that exists, with its .ts extension", () => {
  const sources = repositorySources();
  const missing = graphOf(sources)
    .filter((e) => roomOf(e.to) !== undefined && !sources.has(e.to))
    .map((e) => `${e.from}:${e.line} imports ${e.to}`);
  assert.deepEqual(missing, []);
});
