// profile add on a terminal: it asks for what the flags left open — a secret REFERENCE, masked as soon
// as what is typed is not one — and saves only what was confirmed. Driven through a pseudo-terminal.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../helpers/cli.ts";
import { runOnPty } from "./pty.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-pty-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const DOWN = "\x1b[B";

test("profile add on a terminal asks for provider, host, port, login, secret reference and From", async () => {
  const home = path.join(root, "a");
  await runCli(["--home", home, "init"]);
  const pasted = "Pasted-Password-4c1e";
  const t = runOnPty(["--home", home, "profile", "add", "relay"]);
  await t.waitFor(/Provider/);
  t.type(DOWN.repeat(6) + "\r"); // gmail, gmail-relay, ses, m365, postfix-relay, postfix-smarthost, custom
  await t.waitFor(/SMTP server host name/);
  t.type("relay.internal\r");
  await t.waitFor(/Port/);
  t.type("\x7f\x7f\x7f25\r");
  await t.waitFor(/Login/);
  t.type("ops@corp.example\r");
  await t.waitFor(/Secret REFERENCE/);
  t.type(`${pasted}\r`);
  await t.waitFor(/a reference such as env:SMTP_PASSWORD/);
  t.type("\x7f".repeat(pasted.length) + "env:RELAY_PW\r");
  await t.waitFor(/Header From/);
  t.type("ops@corp.example\r");
  assert.equal(await t.exit, 0, t.screen());
  assert.ok(!t.screen().includes(pasted), "a non-reference is masked while typed");
  const text = fs.readFileSync(path.join(home, "provider-profiles.md"), "utf8");
  assert.match(
    text,
    /host: relay\.internal\nport: 25\ntls: starttls\nauth:\n {2}user: ops@corp\.example\n {2}secret: env:RELAY_PW/,
  );
  assert.ok(!text.includes(pasted));
});

test("a prompt secret reference is refused without a terminal and read hidden on one", async () => {
  const home = path.join(root, "b");
  await runCli(["--home", home, "init"]);
  await runCli([
    "--home",
    home,
    "profile",
    "add",
    "p",
    "--provider",
    "custom",
    "--host",
    "127.0.0.1",
    "--port",
    "1",
    "--user",
    "u",
    "--secret",
    "prompt",
  ]);
  const piped = await runCli(["--home", home, "diagnose", "--profile", "p", "--json"]);
  assert.equal(piped.code, 2);
  assert.equal(JSON.parse(piped.stdout).error.code, "E_SECRET_PROMPT_NO_TTY");
  const typed = "typed-at-the-prompt-77";
  const t = runOnPty(["--home", home, "diagnose", "--profile", "p", "--timeout", "2"]);
  await t.waitFor(/Secret \(secret for u\)/);
  t.type(`${typed}\r`);
  const code = await t.exit;
  assert.equal(code, 11, t.screen()); // port 1: nothing listens, so the run stops at tcp after reading the secret
  assert.ok(!t.screen().includes(typed), "the secret is not echoed");
});
