/**
 * Private temp folders for tests that remove themselves when the test
 * process ends — whether its tests passed, failed an assertion or threw —
 * so `npm test` leaves no `smtpilot-*` folder in the system temp folder.
 * node:test runs each test file in its own process, so "the process ends"
 * is "this file's tests are done". (An `after()` hook would not do: called
 * from a `before()` hook it runs right away.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const _made = new Set<string>();
let _exitHook = false;

/** Removes a folder made by makeTestDir now, instead of at exit. */
export function removeTestDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  _made.delete(dir);
}

/** Creates a private folder `<tmpdir>/<prefix>XXXXXX`, removed when the test process exits. */
export function makeTestDir(prefix = "smtpilot-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  _made.add(dir);
  if (!_exitHook) {
    _exitHook = true;
    process.once("exit", () => {
      for (const left of [..._made]) removeTestDir(left);
    });
  }
  return dir;
}

/** The `smtpilot*` entries in `dir`: what a run with TMPDIR=dir left behind. */
export function smtpilotLeftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith("smtpilot"));
}
