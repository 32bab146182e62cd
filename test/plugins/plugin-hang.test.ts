// A plugin is trusted code in smtpilot's own process; one that loops without returning must still
// not hang the run forever: its import and setup are held to the time limit by a watchdog thread
// (the run then ends naming the plugin), and SIGTERM ends the process while that code runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const dir = makeTestDir("smtpilot-plugin-hang-");
const LOOP_IN_SETUP = path.join(dir, "loop-in-setup.mjs");
fs.writeFileSync(
  LOOP_IN_SETUP,
  'export default { name: "looper", version: "1", setup() { process.stderr.write("looping\\n"); for (;;) {} } };\n',
);
const LOOP_AT_IMPORT = path.join(dir, "loop-at-import.mjs");
fs.writeFileSync(LOOP_AT_IMPORT, 'process.stderr.write("looping\\n");\nfor (;;) {}\n');

/** Starts a run that loads `plugin`; resolves once its code is looping, and with how the process ended. */
function run(plugin: string) {
  const child = spawnCli(["--plugin", plugin, "diagnose", "--fixture", "healthy-starttls", "--json"]);
  let stderr = "";
  const looping = new Promise<void>((resolve) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
      if (stderr.includes("looping\n")) resolve();
    });
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stderr }))
  );
  return { child, looping, ended };
}

for (const [file, code] of [[LOOP_IN_SETUP, "E_PLUGIN_SETUP"], [LOOP_AT_IMPORT, "E_PLUGIN_IMPORT"]] as const) {
  test(
    `a plugin looping in its ${
      code === "E_PLUGIN_SETUP" ? "setup" : "import"
    } ends the run at the time limit, named with ${code}`,
    {
      timeout: 120_000,
    },
    async () => {
      const { ended } = run(file);
      const end = await ended;
      assert.ok(end.signal === "SIGTERM" || end.code === 143, `ended by the watchdog (${end.code}, ${end.signal})`);
      assert.ok(end.stderr.includes(`(${code})`), end.stderr);
      assert.ok(end.stderr.includes(path.basename(file)), end.stderr);
    },
  );
}

test("SIGTERM ends a run whose plugin loops, at once", { timeout: 120_000 }, async () => {
  const { child, looping, ended } = run(LOOP_IN_SETUP);
  await looping;
  child.kill("SIGTERM");
  const end = await ended;
  assert.equal(end.signal, "SIGTERM");
  assert.ok(!end.stderr.includes("(E_PLUGIN_SETUP)"), "it was the signal, not the watchdog");
});
