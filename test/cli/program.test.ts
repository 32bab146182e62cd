// The program main() builds holds only the command a command line names (specsFor), and that
// changes nothing a user sees: a typo still gets its suggestion, `help` and the root help still
// list every command, and a global option's value is never taken for the command.
import { test } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS } from "../../cli/command-tree.ts";
import { specsFor } from "../../cli/program.ts";
import { runCli } from "../helpers/cli.ts";

const names = (tree: typeof COMMANDS) => tree.map((s) => s.name);
const all = names(COMMANDS);

test("specsFor keeps the command (or group) the first word names, and the whole tree otherwise", () => {
  assert.deepEqual(names(specsFor(["diagnose", "--host", "x"], COMMANDS)), ["diagnose"]);
  assert.deepEqual(names(specsFor(["profile", "list"], COMMANDS)), ["profile"]);
  assert.deepEqual(names(specsFor([], COMMANDS)), all);
  assert.deepEqual(names(specsFor(["--help"], COMMANDS)), all);
  assert.deepEqual(names(specsFor(["help", "diagnose"], COMMANDS)), all);
  assert.deepEqual(names(specsFor(["diagnos"], COMMANDS)), all);
  assert.deepEqual(names(specsFor(["--", "diagnose"], COMMANDS)), all);
});

test("specsFor skips the values of --home and --plugin, and not those of --home=DIR", () => {
  assert.deepEqual(names(specsFor(["--home", "diagnose", "explain"], COMMANDS)), ["explain"]);
  assert.deepEqual(names(specsFor(["--plugin", "p.mjs", "--home", "h", "redact"], COMMANDS)), ["redact"]);
  assert.deepEqual(names(specsFor(["--home=h", "redact"], COMMANDS)), ["redact"]);
});

test("a mistyped command still gets commander's suggestion and exit 2", async () => {
  const r = await runCli(["diagnos", "--json"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\bdiagnose\b/, "the suggestion names the command");
  assert.equal(JSON.parse(r.stdout).error.exitCode, 2);
});

test("smtpilot help and --home DIR --help list every command", async () => {
  for (const args of [["help"], ["--home", "/nonexistent", "--help"]]) {
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
    for (const name of all) assert.match(r.stdout, new RegExp(`^  ${name}\\b`, "m"), `${args.join(" ")}: ${name}`);
  }
});
