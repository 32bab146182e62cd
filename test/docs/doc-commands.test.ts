// The command lines the README and docs/ show use commands and flags that exist: each `smtpilot …`
// line in a shell block names a command of the tree and only flags that command (or the program) takes.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { COMMANDS } from "../../cli/command-tree.ts";
import { type CommandSpec, isGroup, longFlag } from "../../cli/command-spec.ts";
import { GLOBAL_OPTIONS } from "../../cli/program.ts";

const pages = ["README.md", ...fs.readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The `smtpilot …` lines of a page's sh blocks, continuation lines joined. */
function commandLines(text: string): string[] {
  const out: string[] = [];
  for (const block of text.matchAll(/^```(?:sh|bash|console)?\n([\s\S]*?)^```/gm)) {
    const joined = block[1]!.replace(/\\\n\s*/g, " ");
    for (const line of joined.split("\n")) {
      const m = /^(?:\$ )?(?:[A-Z_]+=\S+ )*smtpilot (.*)$/.exec(line.trim());
      if (m) out.push(m[1]!.replace(/\s+#.*$/, ""));
    }
  }
  return out;
}

/** The command a line runs and the long flags it gives. */
function parse(rest: string): { path: string[]; flags: string[] } {
  const words = rest.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  const path: string[] = [];
  const flags: string[] = [];
  let expectCommand = true;
  for (const w of words) {
    if (/^(\||>|<|&&|;|2>&1)$/.test(w)) break;
    if (w.startsWith("--")) flags.push(w.split("=")[0]!);
    else if (expectCommand && /^[a-z][a-z-]*$/.test(w)) path.push(w);
    if (!w.startsWith("-") && path.length > 0 && !/^[a-z][a-z-]*$/.test(w)) expectCommand = false;
  }
  return { path, flags };
}

function find(path: string[]): CommandSpec | undefined {
  const top = COMMANDS.find((c) => c.name === path[0]);
  if (!top) return undefined;
  if (!isGroup(top)) return top;
  return top.commands.find((c) => c.name === path[1]);
}

test("every smtpilot command line in the README and docs/ names a real command and its real flags", () => {
  const wrong: string[] = [];
  const globals = new Set(GLOBAL_OPTIONS.map((o) => longFlag(o.flags)).concat(["--help", "--version"]));
  let seen = 0;
  for (const page of pages) {
    for (const line of commandLines(fs.readFileSync(page, "utf8"))) {
      const { path, flags } = parse(line);
      if (path.length === 0) continue;
      const spec = find(path);
      if (!spec) {
        wrong.push(`${page}: smtpilot ${line} (no command ${path.slice(0, 2).join(" ")})`);
        continue;
      }
      seen++;
      const known = new Set([...spec.options.map((o) => longFlag(o.flags)), ...(spec.json ? ["--json"] : [])]);
      for (const f of flags) {
        const negated = f.replace(/^--no-/, "--");
        if (!known.has(f) && !known.has(negated) && !globals.has(f)) wrong.push(`${page}: smtpilot ${line} (${f})`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(seen > 50, `${seen} command lines`);
});
