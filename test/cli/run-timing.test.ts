// SMTPILOT_TIMING=1: where a run's time went, as one line on stderr when the process ends (what
// bench:diagnose reads). Marks in order, wall and CPU time never going back, the diagnosis's layers
// as spans; nothing but names and numbers (no secret); stdout's document untouched; off by default.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TIMING_SCHEMA } from "../../cli/run-timing.ts";
import { runCli } from "../helpers/cli.ts";

const SECRET = "timing-secret-value-42";
const args = ["diagnose", "--fixture", "healthy-starttls", "--user", "demo", "--secret", "env:T_SECRET", "--json"];

test("SMTPILOT_TIMING=1 writes one timing line: ordered marks with wall and CPU time, the layers as spans", async () => {
  const r = await runCli(args, { SMTPILOT_TIMING: "1", T_SECRET: SECRET });
  assert.equal(JSON.parse(r.stdout).schema, "smtpilot.diagnose/1");
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("smtpilot: timing "));
  assert.equal(lines.length, 1, r.stderr);
  const timing = JSON.parse(lines[0]!.slice("smtpilot: timing ".length)) as {
    schema: string;
    marks: [string, number, number][];
    spans: [string, number][];
  };
  assert.equal(timing.schema, TIMING_SCHEMA);
  const names = timing.marks.map(([n]) => n);
  for (const name of ["started", "loaded", "parsed", "command", "plugins", "engine", "engine-done", "exit"]) {
    assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
  }
  for (let i = 1; i < timing.marks.length; i++) {
    const [prev, now] = [timing.marks[i - 1]!, timing.marks[i]!];
    assert.ok(now[1] >= prev[1] && now[2] >= prev[2], `${prev.join(" ")} then ${now.join(" ")}`);
  }
  assert.deepEqual(timing.spans.map(([n]) => n), ["dns", "tcp", "greeting", "tls", "ehlo", "auth", "envelope"]);
  assert.ok(!lines[0]!.includes(SECRET) && !r.stdout.includes(SECRET));
});

test("without SMTPILOT_TIMING (or with 0) no timing line is written", async () => {
  for (const env of [{}, { SMTPILOT_TIMING: "0" }] as Record<string, string>[]) {
    const r = await runCli(["--version"], env);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stderr, /timing/);
  }
});
