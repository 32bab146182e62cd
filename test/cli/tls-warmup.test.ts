// The entry loads node:tls before the CLI for a command that may speak TLS, so Node's CA read runs
// beside the CLI's loading instead of holding up the first handshake (cli/tls-warmup.ts). Its list
// of commands must follow the specs (a new network command would otherwise lose the head start,
// an offline one would pay for TLS), and the command word must be found as the program finds it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { commandWord, VALUED_GLOBAL_FLAGS } from "../../cli/command-word.ts";
import { isGroup, longFlag, takesValue } from "../../cli/command-spec.ts";
import { COMMANDS } from "../../cli/command-tree.ts";
import { GLOBAL_OPTIONS, specsFor } from "../../cli/program.ts";
import { TLS_COMMANDS } from "../../cli/tls-warmup.ts";
import { runCli } from "../helpers/cli.ts";
import os from "node:os";
import path from "node:path";

test("the commands that load TLS early are exactly those with a network, mail or serving (sub)command", () => {
  const speaking = COMMANDS.filter((s) =>
    (isGroup(s) ? s.commands : [s]).some((c) => ["network", "mail", "serve"].includes(c.effect))
  ).map((s) => s.name);
  assert.deepEqual([...TLS_COMMANDS].sort(), speaking.sort());
});

test("the command word skips the values of exactly the global options that take one", () => {
  const valued = GLOBAL_OPTIONS.filter((o) => takesValue(o.flags)).map((o) => longFlag(o.flags));
  assert.deepEqual([...VALUED_GLOBAL_FLAGS].sort(), valued.sort());
  assert.equal(commandWord(["--home", "diagnose", "explain", "x"]), "explain");
  assert.equal(commandWord(["--plugin", "./p.mjs", "--home", "h", "diagnose", "--json"]), "diagnose");
  assert.equal(commandWord(["--json", "--version"]), undefined);
  assert.equal(commandWord(["--", "diagnose"]), undefined);
  assert.equal(commandWord([]), undefined);
  // The program builds commander's options for the same command.
  assert.deepEqual(specsFor(["--home", "diagnose", "explain"], COMMANDS).map((s) => s.name), ["explain"]);
  assert.equal(specsFor(["--", "diagnose"], COMMANDS), COMMANDS);
});

/** The marks of a run's timing line, in order. */
function marks(stderr: string): string[] {
  const line = /^smtpilot: timing (\{.*\})$/m.exec(stderr)?.[1];
  assert.ok(line, stderr);
  return (JSON.parse(line) as { marks: [string][] }).marks.map(([name]) => name);
}

test("a probe loads TLS before the CLI; an offline command and a command's help never load it early", async () => {
  // A memory folder that does not exist: no plugins, nothing written.
  const home = path.join(os.tmpdir(), `smtpilot-no-home-${process.pid}`);
  const probe = await runCli(["--home", home, "diagnose", "--fixture", "healthy-starttls", "--json"], {
    SMTPILOT_TIMING: "1",
  });
  assert.equal(probe.code, 0, probe.stderr);
  const seen = marks(probe.stderr);
  assert.ok(seen.indexOf("started") < seen.indexOf("tls") && seen.indexOf("tls") < seen.indexOf("loaded"), seen.join());
  const offline = await runCli(["--home", home, "explain", "550 5.1.1 user unknown", "--json"], {
    SMTPILOT_TIMING: "1",
  });
  assert.equal(offline.code, 0, offline.stderr);
  assert.ok(!marks(offline.stderr).includes("tls"));
  const help = await runCli(["diagnose", "--help"], { SMTPILOT_TIMING: "1" });
  assert.equal(help.code, 0, help.stderr);
  assert.ok(!marks(help.stderr).includes("tls"));
});
