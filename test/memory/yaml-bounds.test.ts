// A memory file is read in bounded time and memory whatever it holds: a block of alias fan-out
// (billion laughs) or one far larger than any profile is refused, naming the file and line, before
// the YAML parser builds anything. Proven by memory, not time: the CLI runs with a 64 MB heap, in
// which the old parser ran out of memory on the same file (it took 41 s and 400 MB).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { MAX_BLOCK_ALIASES, MAX_BLOCK_CHARS, parseMarkdownFile } from "../../core/memory/markdown-blocks.ts";
import { runCli, runCliWithInput } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

/** A memory file with one tagged block holding `yaml`, its fence on line 3. */
const file = (yaml: string) => `# Provider profiles\n\n\`\`\`yaml smtpilot:profile\n${yaml}\`\`\`\n`;

/** 300 000 aliases of one anchored list: under the size bound, far over the alias bound. */
const FAN_OUT = `name: work\nx: &a [${Array(100).fill("v").join(",")}]\ny: [${Array(300_000).fill("*a").join(",")}]\n`;

/** A memory folder whose provider-profiles.md holds `text`. */
async function homeWith(text: string): Promise<string> {
  const home = path.join(makeTestDir("smtpilot-yaml-"), "smtp");
  const init = await runCli(["init", "--home", home]);
  assert.equal(init.code, 0, init.stderr);
  fs.writeFileSync(path.join(home, "provider-profiles.md"), text);
  return home;
}

/** Throws-check: the error's code and that it names the file and the fence's line. */
function assertRefused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: Error & { code?: string }) => {
    assert.equal(err.code, "E_MEMORY_INVALID");
    assert.match(err.message, /^p\.md line 3: /);
    assert.match(err.message, pattern);
    return true;
  });
}

test("a block with more aliases than allowed is refused before it is parsed", () => {
  assert.ok(FAN_OUT.length < MAX_BLOCK_CHARS);
  assertRefused(() => parseMarkdownFile("p.md", file(FAN_OUT)), new RegExp(`more than ${MAX_BLOCK_ALIASES} aliases`));
});

test("a billion-laughs block (few aliases, each expanding tenfold) is refused when read", () => {
  let yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (let i = 1; i < 9; i++) yaml += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]\n`;
  assert.throws(() => parseMarkdownFile("p.md", file(yaml)), { code: "E_MEMORY_INVALID" });
});

test("a block longer than any profile is refused by its size, naming its line", () => {
  const yaml = `name: work\nnotes: "${"x".repeat(MAX_BLOCK_CHARS)}"\n`;
  assertRefused(() => parseMarkdownFile("p.md", file(yaml)), /characters, more than/);
});

test("a few anchors and aliases (shared values) still read", () => {
  const yaml = "name: work\nhost: &h smtp.example.com\nservername: *h\nsenders: [&me me@example.com, *me]\n";
  const parsed = parseMarkdownFile("p.md", file(yaml));
  assert.deepEqual(parsed.blocks[0]?.data, {
    name: "work",
    host: "smtp.example.com",
    servername: "smtp.example.com",
    senders: ["me@example.com", "me@example.com"],
  });
});

test("smtpilot profile list refuses an alias fan-out file with exit 3 inside a 64 MB heap", async () => {
  const home = await homeWith(file(FAN_OUT));
  const r = await runCliWithInput(["profile", "list", "--home", home, "--json"], "", {
    nodeFlags: ["--max-old-space-size=64"],
  });
  assert.equal(r.code, 3, r.stderr.slice(0, 400));
  assert.equal(JSON.parse(r.stdout).error.code, "E_MEMORY_INVALID");
});
