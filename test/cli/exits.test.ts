// How a run ends when the reader goes away, a signal arrives or the machine says no: quietly, with
// its cleanups done and an exit code that says what happened — never "internal error".
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { waitUntil } from "../helpers/wait-until.ts";

/** Runs the CLI with its stdout closed before it writes, in a private TMPDIR; returns code, stderr and leftovers. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string; leftovers: string[] }> {
  const tmp = makeTestDir("smtpilot-exits-");
  return new Promise((resolve) => {
    const child = spawnCli(args, { TMPDIR: tmp });
    child.stdin.end();
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      const leftovers = fs.readdirSync(tmp).filter((f) => f.startsWith("smtpilot"));
      fs.rmSync(tmp, { recursive: true, force: true });
      resolve({ code, stderr, leftovers });
    });
  });
}

for (
  const args of [
    ["fixture", "--list"],
    ["completions", "zsh"],
    ["diagnose", "--fixture", "cert-expired", "--json"],
    ["diagnose", "--fixture", "healthy-starttls", "--transcript"],
  ]
) {
  test(`smtpilot ${args.join(" ")} into a closed pipe exits quietly with 141 and leaves nothing behind`, async () => {
    const r = await runWithClosedStdout(args);
    assert.equal(r.code, 141, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|EPIPE|at .*\.ts:\d+/);
    assert.deepEqual(r.leftovers, []);
  });
}

for (const [signal, code] of [["SIGTERM", 143], ["SIGHUP", 129], ["SIGINT", 130]] as const) {
  test(`diagnose --fixture stopped by ${signal} exits ${code} and removes the fixture's temp folder`, async () => {
    const tmp = makeTestDir("smtpilot-exits-");
    // A scenario that keeps the run waiting, so the signal arrives mid-run.
    const child = spawnCli([
      "diagnose",
      "--fixture",
      "stall-after-ehlo",
      "--user",
      "demo",
      "--secret",
      "env:PW",
      "--timeout",
      "30",
    ], { TMPDIR: tmp, PW: "x-secret-x" });
    child.stdin.end();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // The fixture's folder is registered for removal as it is made (cli/lifecycle.ts makeTempDir),
    // and its CA file is written before it listens: once that file is there, the signal tests the
    // cleanup of a fixture that is up — whenever a busy machine gets there.
    const ours = () => fs.readdirSync(tmp).filter((f) => f.startsWith("smtpilot"));
    const caWritten = () => ours().some((f) => fs.existsSync(path.join(tmp, f, "fixture-ca.pem")));
    await waitUntil(caWritten, { child, what: "the fixture's CA file" });
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill(signal);
    assert.equal(await closed, code, stderr);
    assert.deepEqual(ours(), []);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
}
