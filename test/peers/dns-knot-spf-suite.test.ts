/**
 * The RFC 7208 conformance suite end to end: every one of its 203 tests is
 * a receiver's check replayed through the CLI, against a real Knot serving
 * the test's zone (one Knot per scenario, scripts/peers/knot/suite-zones.ts).
 * Each scenario is one run of `smtpilot domain --from-file … --json` whose
 * lines are the tests' identities (`{"ip", "sender", "helo"}`), read back
 * from its JSON Lines; SPF_SUITE_EACH=1 runs one process per test instead
 * (`smtpilot domain --ip HOST --sender MAILFROM --helo HELO`, slower). Skipped
 * when knotd is not installed, except under CI=true, where that is a failure.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { knotMissing, type KnotServer, startKnot } from "../../scripts/peers/knot/knot.ts";
import { suiteZones } from "../../scripts/peers/knot/suite-zones.ts";
import { expectedResults, loadSuite, type SuiteTest } from "../domain/spf-suite-data.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const _missing = knotMissing();
if (_missing && process.env.CI === "true") {
  test("the Knot DNS peer is installed (required under CI=true)", () => assert.fail(_missing));
}

const _each = process.env.SPF_SUITE_EACH === "1";
const _docs = loadSuite();
const _outcomes: { name: string; ok: boolean }[] = [];
const _key = (ip: string, sender: string, helo: string) => JSON.stringify([ip, sender, helo]);

interface _Line {
  schema: string;
  spf?: { ip: string; sender: string; helo: string; result: string };
}

/** Runs every test of a scenario through one CLI process; resolves to result by identity. */
async function _batch(resolver: string, dir: string, tests: SuiteTest[], n: number): Promise<Map<string, string>> {
  const file = path.join(dir, `scenario-${n}.jsonl`);
  writeFileSync(file, tests.map((t) => JSON.stringify({ ip: t.host, sender: t.mailfrom, helo: t.helo })).join("\n"));
  const r = await runCli(["domain", "--from-file", file, "--only", "spf", "--resolver", resolver, "--json"]);
  const results = new Map<string, string>();
  for (const line of r.stdout.split("\n").filter((l) => l !== "")) {
    const doc = JSON.parse(line) as _Line;
    assert.equal(doc.schema, "smtpilot.domain/1");
    if (doc.spf) results.set(_key(doc.spf.ip, doc.spf.sender, doc.spf.helo), doc.spf.result);
  }
  assert.ok(results.size > 0, `exit ${r.code}: ${r.stderr}`);
  return results;
}

async function _one(resolver: string, t: SuiteTest): Promise<string | undefined> {
  const args = ["domain", "--only", "spf", "--ip", t.host, "--sender", t.mailfrom, "--helo", t.helo];
  const r = await runCli([...args, "--resolver", resolver, "--json"]);
  try {
    return (JSON.parse(r.stdout) as _Line).spf?.result;
  } catch {
    return undefined;
  }
}

const _dir = makeTestDir("smtpilot-spf-suite-");

for (const [n, doc] of _docs.entries()) {
  describe(`RFC 7208 suite through the CLI against Knot: ${doc.description}`, { skip: _missing }, () => {
    let knot: KnotServer | undefined;
    let results: Map<string, string> | undefined;
    before(async () => {
      knot = await startKnot(suiteZones(doc.zonedata ?? {}));
      if (!_each) results = await _batch(knot.resolver, _dir, Object.values(doc.tests), n);
    });
    after(() => knot?.stop());
    for (const [name, t] of Object.entries(doc.tests)) {
      test(`${name}: --ip ${t.host} --sender ${JSON.stringify(t.mailfrom)} --helo ${JSON.stringify(t.helo)} gives ${t.result}`, async () => {
        const result = _each ? await _one(knot?.resolver ?? "", t) : results?.get(_key(t.host, t.mailfrom, t.helo));
        const ok = result !== undefined && expectedResults(t).includes(result);
        _outcomes.push({ name, ok });
        assert.ok(ok, `${name}: got ${result ?? "no result"}, expected ${t.result}`);
      });
    }
  });
}

test("the whole suite ran end to end: 203 of 203 pass", { skip: _missing }, () => {
  const passed = _outcomes.filter((o) => o.ok).length;
  assert.equal(`${passed}/${_outcomes.length}`, "203/203", _outcomes.filter((o) => !o.ok).map((o) => o.name).join(" "));
});
