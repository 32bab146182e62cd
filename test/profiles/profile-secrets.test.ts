// A profile holds a secret reference, never the secret: `profile add` refuses a reference that
// carries its secret (cmd:echo PASSWORD), `profile check` refuses one whose text contains the value
// it resolved to, and no check ever rewrites a profile's own fields to hide a secret — a secret that
// happens to be a word of the profile (its From domain) changes nothing stored.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

async function memory(): Promise<string> {
  const home = path.join(makeTestDir("smtpilot-profile-secrets-"), "smtp");
  assert.equal((await runCli(["--home", home, "init"])).code, 0);
  return home;
}

const TARGET = ["--provider", "custom", "--host", "127.0.0.1", "--port", "9", "--tls", "none", "--user", "u"];

for (
  const ref of [
    "cmd:echo hunter2pass",
    'cmd:sh -c "printf hunter2pass"',
    "cmd:pass-helper wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    // Through programs that run the rest as a command, and other programs that print an argument.
    "cmd:env echo hunter2pass",
    "cmd:timeout 5 echo hunter2pass",
    "cmd:nice -n 5 printf hunter2pass",
    "cmd:env LC_ALL=C yes hunter2pass",
    "cmd:expr hunter2pass",
    "cmd:env -i timeout -s KILL 5 echo hunter2pass",
  ]
) {
  test(`profile add refuses ${JSON.stringify(ref.slice(0, 16))}…: the secret is in the reference (E_SECRET_IN_REFERENCE)`, async () => {
    const home = await memory();
    const before = fs.readFileSync(path.join(home, "provider-profiles.md"), "utf8");
    const r = await runCli(["--home", home, "profile", "add", "p", ...TARGET, "--secret", ref, "--json"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(JSON.parse(r.stdout).error.code, "E_SECRET_IN_REFERENCE");
    for (const out of [r.stdout, r.stderr]) assert.ok(!out.includes("hunter2pass") && !out.includes("bPxRfiCY"));
    assert.equal(fs.readFileSync(path.join(home, "provider-profiles.md"), "utf8"), before);
  });
}

test("a stored cmd:echo reference is refused on reading (E_MEMORY_SECRET), never rewritten by a check", async () => {
  const home = await memory();
  assert.equal((await runCli(["--home", home, "profile", "add", "p", ...TARGET, "--secret", "env:PW"])).code, 0);
  const file = path.join(home, "provider-profiles.md");
  // As an older version let it in, or a person wrote it.
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("secret: env:PW", "secret: cmd:echo hunter2pass"));
  const before = fs.readFileSync(file, "utf8");
  const r = await runCli(["--home", home, "profile", "check", "p", "--timeout", "2", "--json"]);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, "E_MEMORY_SECRET");
  assert.equal(fs.readFileSync(file, "utf8"), before);
});

test("profile check refuses a reference whose text contains what it resolved to, and leaves the profile as it was", async () => {
  const home = await memory();
  const ref = "cmd:realpath -m /run/keys/hunter2pass";
  assert.equal((await runCli(["--home", home, "profile", "add", "p", ...TARGET, "--secret", ref])).code, 0);
  const file = path.join(home, "provider-profiles.md");
  const before = fs.readFileSync(file, "utf8");
  const r = await runCli(["--home", home, "profile", "check", "p", "--timeout", "2", "--json"]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, "E_SECRET_IN_REFERENCE");
  assert.ok(!r.stdout.includes("hunter2pass") && !r.stderr.includes("hunter2pass"));
  assert.equal(fs.readFileSync(file, "utf8"), before);
});

test("a secret equal to a word of the profile (its From domain) is redacted from the output, never from the stored profile", async () => {
  const home = await memory();
  const add = await runCli([
    "--home",
    home,
    "profile",
    "add",
    "p",
    ...TARGET,
    "--secret",
    "env:PW",
    "--from",
    "a@example.com",
    "--notes",
    "uses the example relay",
  ]);
  assert.equal(add.code, 0, add.stderr);
  const r = await runCli(["--home", home, "profile", "check", "p", "--timeout", "2", "--json"], { PW: "example" });
  assert.notEqual(r.code, 70, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.lastCheck.verdict, "fail");
  assert.ok(!r.stdout.includes("example") && !r.stderr.includes("example"), "the secret never reaches the output");
  const show = await runCli(["--home", home, "profile", "show", "p", "--json"]);
  assert.equal(show.code, 0, show.stderr);
  const { profile } = JSON.parse(show.stdout);
  assert.equal(profile.from, "a@example.com");
  assert.equal(profile.notes, "uses the example relay");
  assert.equal(profile.lastCheck.verdict, "fail");
});
