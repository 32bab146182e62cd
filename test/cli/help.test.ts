// What smtpilot says about itself: the top-level help names every exit code, each command's help
// names its own, and the help, package.json and README describe the commands that exist — the
// README's "Coming" list names none that already does.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { COMMANDS } from "../../cli/command-tree.ts";
import { isGroup } from "../../cli/command-spec.ts";
import { PROGRAM_SUMMARY } from "../../cli/program.ts";
import * as exit from "../../core/exit.ts";
import { runCli } from "../helpers/cli.ts";

test("smtpilot --help names every exit code, 1 and 70 included", async () => {
  const r = await runCli(["--help"]);
  assert.equal(r.code, 0);
  const text = r.stdout.slice(r.stdout.indexOf("Exit codes:"));
  assert.ok(text.length > 0, r.stdout);
  for (const code of [exit.EXIT_OK, exit.EXIT_FINDINGS, exit.EXIT_USAGE, exit.EXIT_ENVIRONMENT, exit.EXIT_GATE]) {
    assert.match(text, new RegExp(`\\b${code} [a-z]`), `exit code ${code}`);
  }
  assert.match(text, new RegExp(`\\b${exit.EXIT_INTERNAL} internal error`));
  assert.match(text, new RegExp(`\\b${exit.EXIT_BROKEN_PIPE}\\b`));
});

const paths = COMMANDS.flatMap((s) => (isGroup(s) ? s.commands.map((c) => [s.name, c.name]) : [[s.name]]));

for (const path of paths) {
  test(`smtpilot ${path.join(" ")} --help names its exit codes (0 and 2 at least)`, async () => {
    const r = await runCli([...path, "--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Exit codes: 0 [^\n]*(\n[^\n]*)*\b2 usage error/);
  });
}

test("package.json and --help describe smtpilot the same way", async () => {
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { description: string };
  assert.equal(pkg.description, PROGRAM_SUMMARY);
  const help = (await runCli(["--help"])).stdout.replace(/\s+/g, " ");
  assert.ok(help.includes(PROGRAM_SUMMARY), help);
});

test("the README lists as there today only commands that exist, and as coming none that does", () => {
  const readme = fs.readFileSync("README.md", "utf8");
  const today = /\*\*There today:\*\*([\s\S]*?)\*\*Coming:\*\*([\s\S]*?)\n\n/.exec(readme);
  assert.ok(today, "README has a **There today:** … **Coming:** paragraph");
  const names = new Set(COMMANDS.map((s) => s.name));
  const quoted = (text: string) => [...text.matchAll(/`([a-z][a-z-]*)`/g)].map((m) => m[1]!);
  for (const name of quoted(today[1]!)) assert.ok(names.has(name), `README says \`${name}\` is there`);
  for (const name of names) assert.ok(quoted(today[1]!).includes(name), `README does not list \`${name}\``);
  for (const name of quoted(today[2]!)) assert.ok(!names.has(name), `\`${name}\` exists: move it to "There today"`);
});
