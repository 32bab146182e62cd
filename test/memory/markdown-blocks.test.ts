import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appendSection,
  lineOf,
  parseMarkdownFile,
  removeSection,
  replaceBlock,
  section,
  yamlFor,
} from "../../core/memory/markdown-blocks.ts";

const SAMPLE = [
  "# Profiles", //                       1
  "", //                                 2
  "Some prose with `code`.", //          3
  "", //                                 4
  "```yaml", //                          5  untagged: not ours
  "name: example-in-docs", //            6
  "```", //                              7
  "", //                                 8
  "## work", //                          9
  "", //                                 10
  "```yaml smtpilot:profile", //         11
  "name: work   # my main account", //   12
  "host: smtp.gmail.com", //             13
  "port: 587", //                        14
  "auth:", //                            15
  "  user: me@gmail.com", //             16
  "  secret: env:GMAIL_PW", //           17
  "```", //                              18
  "", //                                 19
  "My notes about work.", //             20
  "", //                                 21
  "## relay", //                         22
  "", //                                 23
  "````markdown", //                     24  a longer fence holding a tagged example: not ours
  "```yaml smtpilot:profile", //         25
  "name: fake", //                       26
  "```", //                              27
  "````", //                             28
  "", //                                 29
  "```yaml smtpilot:profile", //         30
  "name: relay", //                      31
  "```", //                              32
  "",
].join("\n");

test("parseMarkdownFile() finds only tagged blocks outside other fences, with their lines", () => {
  const f = parseMarkdownFile("p.md", SAMPLE);
  assert.deepEqual(f.blocks.map((b) => [b.tag, b.fenceLine, (b.data as { name: string }).name]), [
    ["smtpilot:profile", 11, "work"],
    ["smtpilot:profile", 30, "relay"],
  ]);
  const work = f.blocks[0];
  assert.ok(work);
  assert.equal(lineOf(work, ["port"]), 14);
  assert.equal(lineOf(work, ["auth", "secret"]), 17);
  assert.equal(lineOf(work, ["auth", "missing"]), 15, "a missing field points at its parent");
});

const broken: [string, string, number][] = [
  ["a tab-indented mapping", "```yaml smtpilot:memory\nsafety:\n\tmax: 1\n```\n", 3],
  ["a duplicate key", "```yaml smtpilot:memory\nstatus: a\nstatus: b\n```\n", 3],
  ["an unclosed block", "intro\n\n```yaml smtpilot:memory\nstatus: a\n", 3],
  ["an unclosed quote", 'x\n```yaml smtpilot:memory\nnotes: "abc\n```\n', 3],
];
for (const [name, text, line] of broken) {
  test(`parseMarkdownFile() names the file and line of ${name}`, () => {
    assert.throws(() => parseMarkdownFile("memory.md", text), (err: Error & { code?: string; line?: number }) => {
      assert.equal(err.code, "E_MEMORY_INVALID");
      assert.equal(err.line, line, err.message);
      assert.match(err.message, new RegExp(`^memory\\.md line ${line}`));
      return true;
    });
  });
}

test("a YAML error message never quotes the offending line (it may hold a pasted secret)", () => {
  const text = "```yaml smtpilot:memory\nstatus: a\nstatus: hunter2-pasted-here\n```\n";
  assert.throws(() => parseMarkdownFile("memory.md", text), (err: Error) => !err.message.includes("hunter2"));
});

test("replaceBlock(yamlFor()) keeps comments on untouched keys and every byte outside the block", () => {
  const f = parseMarkdownFile("p.md", SAMPLE);
  const work = f.blocks[0];
  assert.ok(work);
  const next = replaceBlock(f, work, yamlFor({ ...(work.data as Record<string, unknown>), port: 465 }, work));
  assert.match(next, /name: work +# my main account/);
  assert.match(next, /port: 465/);
  const before = SAMPLE.split("\n");
  const after = next.split("\n");
  assert.deepEqual(after.slice(0, 11), before.slice(0, 11));
  assert.deepEqual(after.slice(18), before.slice(18));
});

test("removeSection() removes the heading, block and notes of one section only", () => {
  const f = parseMarkdownFile("p.md", SAMPLE);
  const work = f.blocks[0];
  assert.ok(work);
  const next = removeSection(f, work);
  assert.ok(!next.includes("## work") && !next.includes("My notes about work"));
  assert.ok(next.includes("name: example-in-docs") && next.includes("## relay") && next.includes("name: fake"));
  assert.deepEqual(parseMarkdownFile("p.md", next).blocks.map((b) => (b.data as { name: string }).name), ["relay"]);
});

test("appendSection() adds a parseable section after one blank line", () => {
  const text = appendSection("# T\n\nprose\n\n\n", section("new", "smtpilot:profile", "name: new\n"));
  assert.equal(text, "# T\n\nprose\n\n## new\n\n```yaml smtpilot:profile\nname: new\n```\n");
  assert.equal(parseMarkdownFile("t.md", text).blocks.length, 1);
});
