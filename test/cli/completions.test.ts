import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

/** Asks the generated bash function what it would complete for a command line. */
function bashComplete(script: string, words: string[]): string[] {
  const file = path.join(makeTestDir("smtpilot-compl-"), "c.bash");
  fs.writeFileSync(file, script);
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const out = execFileSync("bash", [
    "-c",
    `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=${
      words.length - 1
    }; _smtpilot; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ], { encoding: "utf8" });
  fs.rmSync(path.dirname(file), { recursive: true });
  return out.split("\n").filter(Boolean);
}

test("smtpilot completions bash completes commands, flags and values", async () => {
  const r = await runCli(["completions", "bash"]);
  assert.equal(r.code, 0);
  execFileSync("bash", ["-n"], { input: r.stdout });
  assert.deepEqual(bashComplete(r.stdout, ["smtpilot", "di"]), ["diagnose"]);
  assert.ok(bashComplete(r.stdout, ["smtpilot", "diagnose", "--t"]).includes("--tls"));
  assert.deepEqual(bashComplete(r.stdout, ["smtpilot", "diagnose", "--tls", "i"]), ["implicit"]);
  assert.ok(bashComplete(r.stdout, ["smtpilot", "diagnose", "--fixture", "cert-"]).includes("cert-expired"));
  assert.deepEqual(bashComplete(r.stdout, ["smtpilot", "diagnose", "--host", ""]), []);
});

for (const shell of ["zsh", "fish"]) {
  test(`smtpilot completions ${shell} lists every command and diagnose flag`, async () => {
    const r = await runCli(["completions", shell]);
    assert.equal(r.code, 0);
    for (const word of ["diagnose", "fixture", "completions", "tls", "auth-mech", "implicit", "cert-expired"]) {
      assert.ok(r.stdout.includes(word), word);
    }
    const bin = shell === "zsh" ? "/usr/bin/zsh" : "/usr/bin/fish";
    if (fs.existsSync(bin)) execFileSync(bin, ["-n"], { input: r.stdout });
  });
}

test("smtpilot completions rejects an unknown shell with exit 2", async () => {
  const r = await runCli(["completions", "powershell"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /powershell/);
});
