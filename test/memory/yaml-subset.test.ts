// The plain YAML subset (core/memory/yaml-subset.ts) must read exactly as the YAML library reads it,
// and write exactly what the library writes — or step aside (undefined) and leave the text to the
// library. Checked on the blocks smtpilot writes, on tricky hand-written text, and on thousands of
// generated values full of YAML's special characters and words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Document, parseDocument } from "yaml";
import { readPlainYaml, writePlainYaml } from "../../core/memory/yaml-subset.ts";
import { lineOf, parseMarkdownFile, yamlFor } from "../../core/memory/markdown-blocks.ts";
import fs from "node:fs";
import path from "node:path";
import { initMemory } from "../../core/memory/init.ts";
import { openMemory } from "../../core/memory/store.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

/** The library's reading, as markdown-blocks.ts asks for it; undefined when it reports an error. */
function library(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, schema: "core", merge: false });
  if (doc.errors.length > 0) return undefined;
  return doc.toJS({ maxAliasCount: 50 });
}

function libraryText(data: Record<string, unknown>): string {
  return new Document(data).toString({ lineWidth: 0 });
}

/** A repeatable generator: rand(n) is an integer in [0, n). */
function randomFrom(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
}

/** The subset either steps aside or reads what the library reads. */
function agrees(text: string): boolean {
  const mine = readPlainYaml(text);
  if (mine === undefined) return true;
  assert.deepEqual(mine, library(text), JSON.stringify(text));
  return false;
}

const SETTINGS = `version: 1
status: initialised
approvedProviders:
  - custom
canaries:
  - address: canary@example.com
    addedAt: 2026-12-07T20:58:15.757Z
senderDomains:
  - example.com
safety:
  canaryFreshnessHours: 24
  maxRecipientsPerBatch: 1000000
  sendRatePerMinute: 20
  maskRecipientsInLogs: true
plugins: []
`;

const ENTRY = {
  at: "2026-12-07T20:58:16.072Z",
  kind: "canary",
  profile: "bench",
  messageId: "<cf93d338cff577a2@bench.example.com>",
  recipient: "c***@example.com",
  reply: "250 2.0.0 Ok: queued as 4XyZ",
  state: "accepted",
  port: 465,
  masked: false,
  note: null,
  evidence: { source: "person", note: "seen in the inbox" },
  list: ["a@example.com", "b@example.com"],
  sessions: [{ host: "127.0.0.1", port: 25 }, { host: "mx.example.com", port: 587 }],
  empty: [],
  nothing: {},
};

test("the blocks smtpilot writes are read as the library reads them, and written as it writes them", () => {
  assert.deepEqual(readPlainYaml(SETTINGS), library(SETTINGS));
  const text = writePlainYaml(ENTRY);
  assert.equal(text, libraryText(ENTRY));
  assert.deepEqual(readPlainYaml(text as string), ENTRY);
  // A profile as profile add writes it, with a secret reference and a CA path.
  const profile = {
    name: "bench",
    provider: "custom",
    host: "127.0.0.1",
    port: 43891,
    tls: "implicit",
    ca: "/tmp/bench/ca.pem",
    auth: { user: "bench", secret: "env:BENCH_PW" },
    from: "bench@example.com",
  };
  assert.equal(writePlainYaml(profile), libraryText(profile));
  assert.deepEqual(readPlainYaml(libraryText(profile)), profile);
});

test("text outside the subset is left to the library, never guessed at", () => {
  const outside = [
    'a: "with \\"escape\\""',
    'a: "x" y',
    "a: 'single'",
    "a: &x 1\nb: *x",
    "a: !!str 1",
    "a: |\n  text\n",
    "a: >-\n  folded\n",
    "a: [1, 2]",
    "a: {b: 1}",
    "a: 1 # a comment",
    "a: 1\na: 2",
    "a:\tb",
    "a: caf\u00e9",
    "a: b\r\n",
    "a: 0x1F",
    "a: 1e3",
    "a: 007",
    "a: -1",
    "a: .5",
    "a: 1.5",
    "a: .inf",
    "true: 1",
    "1: a",
    "a b: 1",
    "a: multi\n  line",
    "---\na: 1",
    "a: 1\n---\nb: 2",
    "%YAML 1.2\n---\na: 1",
    "a: b: c",
    "a: -",
    "a:b",
    "- a\n-b",
    "plain",
    "",
    "a: 1\n  b: 2",
    "a:\n  - 1\n   - 2",
    "? a\n: 1",
    "a: @x",
    "a: `x`",
    "a: x:",
  ];
  for (const text of outside) {
    assert.equal(readPlainYaml(text), undefined, JSON.stringify(text));
  }
  for (const data of [{ a: "x\ny" }, { a: "caf\u00e9" }, { a: "\tx" }, { a: -1 }]) {
    assert.equal(writePlainYaml(data), undefined, JSON.stringify(data));
  }
  assert.equal(writePlainYaml({ a: 1.5 }), undefined);
  assert.equal(writePlainYaml({ a: new Date(0) } as Record<string, unknown>), undefined);
  assert.equal(writePlainYaml({ "a.b": 1 }), undefined);
});

test("hand-written text in the subset reads as the library reads it (comments, blank lines, compact lists)", () => {
  const texts = [
    "# a comment\na: 1\n\n  # indented comment\nb: two words\n",
    "a:\n- x\n- y\nb: 3\n",
    "a:\n  - k: 1\n    l: 2\n  - k: 3\nb: ~\nc: Null\nd: TRUE\ne: False\n",
    "a:\n  b:\n    c: deep\n  d: 0\n",
    "a:\n\n  b: 1\n",
    "a: trailing spaces   \nb: x#y\nc: env:NAME\nd: http://example.com/x?y=1\ne: 250 2.0.0 Ok\n",
    "a:\nb: 1\n",
    "- a\n- b: 1\n  c: 2\n- d\n",
    "a: 2026-12-07\nb: 12:30\nc: 1.0.0\nd: 127.0.0.1\ne: yes\nf: on\ng: y\n",
  ];
  let read = 0;
  for (const text of texts) if (!agrees(text)) read++;
  assert.ok(read >= texts.length - 1, `${read} of ${texts.length} read by the subset`);
});

test("generated values: the subset writes what the library writes, and reads what it reads", () => {
  const words = [
    "",
    " ",
    "a",
    "b c",
    "null",
    "Null",
    "~",
    "true",
    "False",
    "TRUE",
    "yes",
    "no",
    "on",
    "0",
    "1",
    "007",
    "12",
    "-1",
    "+1",
    "1.5",
    "1.",
    ".5",
    "1e3",
    "0x1F",
    "0o7",
    ".inf",
    "-.inf",
    ".NaN",
    "2026-12-07",
    "127.0.0.1",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "#a",
    "- a",
    "-a",
    "? a",
    "?a",
    ":a",
    "a:",
    "[a]",
    "{a}",
    "a,b",
    "&a",
    "*a",
    "!a",
    "|a",
    ">a",
    "%a",
    "@a",
    "`a`",
    "'a'",
    '"a"',
    "a'b",
    'a"b',
    "a\\b",
    "a\tb",
    "a\nb",
    "caf\u00e9",
    "env:X",
    "<id@example.com>",
    "c***@example.com",
    "x ",
    " x",
    "a  b",
    "---",
    "...",
    "a # b",
  ];
  const rand = randomFrom(42);
  const keys = ["a", "b", "kind", "at", "x_y", "k-1", "_k", "reply", "true", "a b", "1"];
  // Half the values are tame (keys smtpilot uses, words without tabs, line breaks or non-ASCII), so
  // that the subset's own writing is exercised as much as its stepping aside.
  let tame = false;
  const word = () => {
    const w = words[rand(words.length)]!;
    return tame && /[\t\n\u0080-\uffff"\\]/.test(w) ? "plain" : w;
  };
  const scalar = (): unknown => {
    const pick = rand(10);
    if (pick < 6) return word() + (rand(3) === 0 ? word() : "");
    if (pick === 6) return [0, 1, 25, 465, 1000000, -3, 1.5, 2 ** 53, 1e21][rand(9)];
    if (pick === 7) return rand(2) === 0;
    if (pick === 8) return null;
    return undefined;
  };
  const value = (depth: number): unknown => {
    const pick = rand(depth > 2 ? 1 : 6);
    if (pick <= 2) return scalar();
    if (pick === 3) return Array.from({ length: rand(3) }, () => (rand(3) === 0 ? map(depth + 1) : scalar()));
    return map(depth + 1);
  };
  const map = (depth: number): Record<string, unknown> => {
    const m: Record<string, unknown> = {};
    for (let i = rand(4); i > 0; i--) m[keys[rand(tame ? 8 : keys.length)]!] = value(depth);
    return m;
  };
  let written = 0;
  for (let i = 0; i < 6000; i++) {
    tame = i % 2 === 0;
    const data = map(0);
    let theirs: string;
    try {
      theirs = libraryText(data);
    } catch {
      continue;
    }
    const mine = writePlainYaml(data);
    if (mine !== undefined) {
      written++;
      // The library's text, or (where the subset quotes what the library leaves plain) text that the
      // library reads as the same data.
      if (mine !== theirs) assert.deepEqual(library(mine), library(theirs), `${JSON.stringify(data)} as ${mine}`);
    }
    agrees(theirs);
  }
  assert.ok(written > 500, `only ${written} written by the subset`);
});

test("generated text: line by line from YAML's pieces, the subset reads what the library reads or steps aside", () => {
  const pieces = [
    "a: 1",
    "b: x",
    "c:",
    "- 1",
    "- d: 2",
    "  e: f",
    "- g",
    "h: ",
    "i: j k",
    "k: null",
    "l: ~",
    'm: "q: r"',
    "n: []",
    "o: {}",
    "p: 0",
    "q: 12",
    "r: 1.0.0",
    "s: -x",
    "t: x:",
    "u: a #b",
    "# c",
    "",
    "v: 'w'",
    "w: x y ",
    "x: true",
    "y: yes",
    "z: 2026-12-07",
    "a: dup",
    "- ",
    "-",
    "A: B: C",
    "a:b",
    '"a": 1',
    "_: _",
    "k-1: v",
  ];
  const rand = randomFrom(7);
  let read = 0;
  for (let i = 0; i < 20000; i++) {
    const lines = Array.from(
      { length: 1 + rand(6) },
      () => " ".repeat([0, 0, 2, 2, 4, 1, 3][rand(7)]!) + pieces[rand(pieces.length)],
    );
    if (!agrees(lines.join("\n") + "\n")) read++;
  }
  assert.ok(read > 500, `only ${read} read by the subset`);
});

test("a block the subset read still points errors at their line, and edits keep the comments", () => {
  const text = "# Memory\n\n```yaml smtpilot:memory\nversion: 1\n# kept\nsafety:\n  canaryFreshnessHours: 24\n```\n";
  const file = parseMarkdownFile("memory.md", text);
  const [block] = file.blocks;
  assert.deepEqual(block?.data, { version: 1, safety: { canaryFreshnessHours: 24 } });
  assert.equal(lineOf(block!, ["safety", "canaryFreshnessHours"]), 7);
  const edited = yamlFor({ version: 1, safety: { canaryFreshnessHours: 48 } }, block);
  assert.match(edited, /# kept/);
  assert.match(edited, /canaryFreshnessHours: 48/);
  // Outside the subset, the library's verdict stands: an error names its line.
  assert.throws(() => parseMarkdownFile("memory.md", "```yaml smtpilot:memory\nversion: 1\nversion: 2\n```\n"), {
    code: "E_MEMORY_INVALID",
  });
});

test("__proto__ keys, keys past 1,024 characters and very deep nesting are left to the library", () => {
  for (
    const text of [
      "name: work\n__proto__:\n  host: smtp.attacker.example\n",
      "__proto__: 1\n__proto__: 2\n",
      "list:\n  - __proto__: x\n    a: 1\n",
      "a:\n  __proto__:\n    b: 1\n",
      `name: x\n${"k".repeat(1025)}: 1\n`,
      Array.from({ length: 100 }, (_, i) => `${"  ".repeat(i)}a:`).join("\n") + " 1\n",
    ]
  ) {
    assert.equal(readPlainYaml(text), undefined, JSON.stringify(text.slice(0, 60)));
  }
  // The writer too: an own __proto__ key (as the library reads one) is written by the library.
  const own = JSON.parse('{"name":"x","__proto__":{"host":"h"}}') as Record<string, unknown>;
  assert.equal(writePlainYaml(own), undefined);
  // A key of exactly 1,024 characters is still in the subset, read as the library reads it.
  const longest = `${"k".repeat(1024)}: 1\n`;
  assert.deepEqual(readPlainYaml(longest), library(longest));
});

test("a profile block hiding fields under __proto__ is refused, never read as the profile's server", async () => {
  const home = path.join(makeTestDir("smtpilot-yaml-proto-"), "smtp");
  await initMemory(home, new Date("2026-12-01T10:00:00Z"));
  fs.appendFileSync(
    path.join(home, "provider-profiles.md"),
    "\n## work\n\n```yaml smtpilot:profile\nname: work\n__proto__:\n  host: smtp.attacker.example\n  port: 25\n" +
      "  tls: none\n  notes: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n```\n",
  );
  await assert.rejects(
    openMemory({ home }).profiles(),
    (err: Error & { code?: string }) => /^E_MEMORY/.test(err.code ?? ""),
  );
});
