// Shell completion of the profile subcommands and of profile names, which the generated script asks
// of smtpilot itself when Tab is pressed (so a profile added later completes without regenerating it).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI_ENTRY, runCli } from "../helpers/cli.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-compl-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const home = path.join(root, "smtp");
const cli = `${process.execPath} ${CLI_ENTRY}`;

/** What the generated bash function completes for `words`, with `smtpilot` running this checkout. */
function complete(script: string, words: string[]): string[] {
  const file = path.join(root, "c.bash");
  fs.writeFileSync(file, script);
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const out = execFileSync("bash", [
    "-c",
    `smtpilot() { ${cli} "$@"; }; source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=${
      words.length - 1
    }; _smtpilot; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ], { encoding: "utf8", env: { ...process.env, SMTPILOT_HOME: home } });
  return out.split("\n").filter(Boolean);
}

test("bash completes profile subcommands, profile names at Tab time, and provider names", async () => {
  const script = (await runCli(["completions", "bash"])).stdout;
  execFileSync("bash", ["-n"], { input: script });
  await runCli(["--home", home, "init"]);
  for (const name of ["work", "wiki-relay"]) {
    await runCli(["--home", home, "profile", "add", name, "--provider", "custom", "--host", "h.example"]);
  }
  assert.deepEqual(complete(script, ["smtpilot", "profile", ""]), ["add", "list", "show", "rm", "check", "--help"]);
  assert.deepEqual(complete(script, ["smtpilot", "profile", "show", "w"]), ["work", "wiki-relay"]);
  assert.deepEqual(complete(script, ["smtpilot", "profile", "check", "wi"]), ["wiki-relay"]);
  assert.deepEqual(complete(script, ["smtpilot", "diagnose", "--profile", "wo"]), ["work"]);
  assert.deepEqual(complete(script, ["smtpilot", "profile", "add", "x", "--provider", "s"]), ["ses"]);
  assert.ok(complete(script, ["smtpilot", "profile", "check", "work", "--t"]).includes("--to"));
  assert.deepEqual(complete(script, ["smtpilot", "profile", "show", "work", ""]).filter((w) => !w.startsWith("-")), []);
});

for (const [shell, bin] of [["zsh", "/usr/bin/zsh"], ["fish", "/usr/bin/fish"]] as const) {
  test(`the ${shell} script names the profile subcommands and asks for profile names`, async () => {
    const script = (await runCli(["completions", shell])).stdout;
    assert.match(script, /profile list --names/);
    for (const word of ["add", "list", "show", "rm", "check"]) assert.ok(script.includes(word));
    if (fs.existsSync(bin)) execFileSync(bin, ["-n"], { input: script });
  });
}
