/**
 * What verify learned lands in deliverability-notes.md per profile and
 * sending domain (dated), and `status` shows the newest per pair — text and
 * JSON — with the checklist lines that failed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openMemory } from "../../core/memory/store.ts";
import { noteVerified } from "../../core/deliverability/verify-checklist.ts";
import { type ChecklistLine, providerVerdicts } from "../../core/deliverability/checklist.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const line = (code: string, status: ChecklistLine["status"], requirements: ChecklistLine["requirements"]) => ({
  code,
  status,
  summary: code,
  evidence: [],
  requirements,
});

test("noteVerified() notes each verification; status shows the newest per profile and domain with its failing lines", async () => {
  const home = path.join(makeTestDir("smtpilot-notes-"), "home");
  assert.equal((await runCli(["--home", home, "init"])).code, 0);
  const store = openMemory({ home });
  const sent = (profile: string, from: string) => ({
    at: new Date().toISOString(),
    kind: "canary",
    profile,
    from,
    messageId: "<m@x>",
  });
  const good = [line("canary.spf", "pass", ["spf-pass"]), line("canary.dkim", "pass", ["dkim-pass"])];
  const bad = [
    line("canary.spf", "pass", ["spf-pass"]),
    line("canary.dkim-coverage", "fail", ["one-click-unsubscribe"]),
  ];
  await noteVerified(store, sent("work", "a@shop.test"), "delivered-spam", {
    lines: bad,
    providers: providerVerdicts(bad),
  });
  await noteVerified(store, sent("work", "a@shop.test"), "delivered-inbox", {
    lines: good,
    providers: providerVerdicts(good),
  });
  await noteVerified(store, sent("lab", "b@lab.test"), "delivered-inbox", {
    lines: bad,
    providers: providerVerdicts(bad),
  });
  const notes = fs.readFileSync(path.join(home, "deliverability-notes.md"), "utf8");
  assert.equal((notes.match(/kind: canary-verify/g) ?? []).length, 3);

  const r = await runCli(["--home", home, "status", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout).deliverability as {
    profile: string;
    domain: string;
    state: string;
    failing: string[];
  }[];
  assert.deepEqual(
    rows.map((n) => [n.profile, n.domain, n.state, n.failing]).sort(),
    [["lab", "lab.test", "delivered-inbox", ["canary.dkim-coverage"]], ["work", "shop.test", "delivered-inbox", []]],
  );
  const text = await runCli(["--home", home, "status"]);
  assert.match(
    text.stdout,
    /lab · lab\.test · \d{4}-\d{2}-\d{2}: canary delivered-inbox.*failing: canary\.dkim-coverage/,
  );
});
