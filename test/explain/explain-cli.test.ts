import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { runCli, runCliWithInput } from "../helpers/cli.ts";

test("smtpilot explain prints the mode first and exits 0", async () => {
  const r = await runCli(["explain", "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.split("\n")[0] ?? "", /offline/);
});

test("smtpilot explain --json prints smtpilot.explain/1 with one entry per reply from stdin", async () => {
  const r = await runCliWithInput(["explain", "--json"], "550-5.7.26 a\n550 5.7.26 b\n451 4.7.1 greylisted\n");
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, "smtpilot.explain/1");
  assert.equal(doc.mode, "offline");
  assert.deepEqual(doc.replies.map((x: { code: number }) => x.code), [550, 451]);
  assert.equal(doc.replies[1].reason, "blocked");
});

test("smtpilot explain exits 2 when the input holds no reply, or a flag is wrong", async () => {
  assert.equal((await runCli(["explain", "no code here"])).code, 2);
  assert.equal((await runCli(["explain", "--stage", "nope", "550 x"])).code, 2);
  const json = await runCli(["explain", "--json", "nothing"]);
  assert.equal(json.code, 2);
  assert.equal(JSON.parse(json.stdout).schema, "smtpilot.error/1");
});

test("smtpilot explain makes control characters in a hostile reply visible", async () => {
  const r = await runCli(["explain", "550 5.1.1 \x1b[31mred\x1b[0m user unknown"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.includes("\x1b"), false);
});

test("smtpilot explain --profile uses the profile's provider knowledge for every reply", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-explain-"));
  try {
    assert.equal((await runCli(["--home", home, "init"])).code, 0);
    const add = await runCli([
      "--home",
      home,
      "profile",
      "add",
      "work",
      "--provider",
      "m365",
      "--user",
      "me@contoso.example",
      "--secret",
      "env:M365_PASSWORD",
    ]);
    assert.equal(add.code, 0, add.stderr);
    const r = await runCli([
      "--home",
      home,
      "explain",
      "--json",
      "--profile",
      "work",
      "535 5.7.3 Authentication unsuccessful",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [reply] = JSON.parse(r.stdout).replies;
    assert.equal(reply.provider.id, "m365");
    assert.match(reply.knowledge.rule, /^m365\./);
    assert.equal(reply.reason, "securityerror");
    assert.equal((await runCli(["--home", home, "explain", "--profile", "nope", "550 x"])).code, 2);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
