// The generated docs are what the specs and the code's data say: docs/reference.md from the command specs,
// and every table between <!-- generated:NAME --> markers (codes, gates, findings, reasons, fixture scenarios)
// from its catalogue. A spec or catalogue changed without `npm run docs` fails here, naming the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS } from "../../cli/command-tree.ts";
import { isGroup } from "../../cli/command-spec.ts";
import { TOOLS } from "../../cli/mcp/tools.ts";
import { GLOBAL_OPTIONS, PROGRAM_SUMMARY } from "../../cli/program.ts";
import { DIAGNOSIS_CODES } from "../../core/codes/diagnosis-codes.ts";
import { renderCommandReference } from "../../scripts/docs/command-reference.ts";
import {
  docsState,
  fillRegions,
  GENERATED_PAGES,
  GENERATED_TABLES,
  REGENERATE,
} from "../../scripts/docs/generated-docs.ts";

const pages = docsState(".");

test("every generated page and table is what `npm run docs` writes from the specs and the code's data", () => {
  const stale = pages.filter((p) => p.current !== p.expected).map((p) => p.path);
  assert.deepEqual(stale, [], `${stale.join(", ")} out of date with the specs or code data: run \`${REGENERATE}\``);
});

test("every generated table has its place in the README or docs/", () => {
  const placed = new Set(pages.flatMap((p) => p.regions));
  const homeless = GENERATED_TABLES.map((t) => t.name).filter((n) => !placed.has(n));
  assert.deepEqual(homeless, [], `no <!-- generated:NAME --> region for ${homeless.join(", ")}`);
  for (const page of GENERATED_PAGES) assert.ok(pages.find((p) => p.path === page.path)?.current, page.path);
});

test("the reference names every command, option, argument and MCP tool of the specs", () => {
  const page = pages.find((p) => p.path === "docs/reference.md")!.expected;
  for (const top of COMMANDS) {
    for (
      const [path, spec] of isGroup(top) ? top.commands.map((c) => [`${top.name} ${c.name}`, c] as const) : [
        [top.name, top] as const,
      ]
    ) {
      assert.match(page, new RegExp(`^#+ \`smtpilot ${path}\`$`, "m"), path);
      for (const o of spec.options) assert.ok(page.includes(`| \`${o.flags}\` |`), `${path} ${o.flags}`);
      for (const a of spec.args ?? []) assert.ok(page.includes(`| \`${a.name}\` |`), `${path} ${a.name}`);
    }
  }
  for (const t of TOOLS) assert.ok(page.includes(`- \`${t.name}\` (`), t.name);
  for (const o of GLOBAL_OPTIONS) assert.ok(page.includes(`| \`${o.flags}\` |`), o.flags);
});

test("a spec that changes makes the page on disk stale (the drift check can fail)", () => {
  const onDisk = pages.find((p) => p.path === "docs/reference.md")!.current;
  const [first, ...rest] = COMMANDS;
  assert.ok(first && !isGroup(first));
  const changed = { ...first, options: [...first.options, { flags: "--brand-new <x>", description: "new" }] };
  const rendered = renderCommandReference({
    commands: [changed, ...rest],
    globals: GLOBAL_OPTIONS,
    tools: TOOLS,
    summary: PROGRAM_SUMMARY,
  });
  assert.notEqual(rendered, onDisk);
  assert.ok(rendered.includes("| `--brand-new <x>` | new |"));
});

test("a generated region edited by hand is rewritten from the data; an unknown region is refused", () => {
  const code = DIAGNOSIS_CODES[0]!.code;
  const edited =
    `x\n<!-- generated:diagnosis-codes -->\n| \`${code}\` | hand-written |\n<!-- end generated:diagnosis-codes -->\ny\n`;
  const { text, regions } = fillRegions(edited, "page.md");
  assert.deepEqual(regions, ["diagnosis-codes"]);
  assert.ok(!text.includes("hand-written"));
  assert.ok(text.includes(`| \`${code}\` | ${DIAGNOSIS_CODES[0]!.meaning} |`));
  assert.ok(text.startsWith("x\n") && text.endsWith("\ny\n"));
  assert.throws(() => fillRegions("<!-- generated:nope -->\n<!-- end generated:nope -->", "page.md"), /nope/);
});

test("a table cell keeps `|` and `<value>` as text", () => {
  const page = pages.find((p) => p.path === "docs/reference.md")!.expected;
  assert.ok(page.includes("auto\\|starttls\\|implicit\\|none"));
  for (const line of page.split("\n").filter((l) => l.startsWith("| `--"))) {
    assert.equal(line.replace(/\\\|/g, "").split("|").length, 4, line);
  }
});
