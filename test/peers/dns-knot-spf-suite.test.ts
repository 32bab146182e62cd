/**
 * The RFC 7208 conformance suite end to end: every one of its 203 tests run
 * through the CLI as a user replays a receiver's check from a log line
 * (`smtpilot domain --only spf --ip HOST --sender MAILFROM --helo HELO`),
 * against a real Knot serving the test's zone (one Knot per scenario,
 * scripts/peers/knot/suite-zones.ts). Skipped when knotd is not installed,
 * except under CI=true, where that is a failure.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { knotMissing, type KnotServer, startKnot } from "../../scripts/peers/knot/knot.ts";
import { suiteZones } from "../../scripts/peers/knot/suite-zones.ts";
import { expectedResults, loadSuite } from "../domain/spf-suite-data.ts";
import { runCli } from "../helpers/cli.ts";

const _missing = knotMissing();
if (_missing && process.env.CI === "true") {
  test("the Knot DNS peer is installed (required under CI=true)", () => assert.fail(_missing));
}

const _docs = loadSuite();
const _outcomes: { name: string; ok: boolean }[] = [];

for (const doc of _docs) {
  describe(`RFC 7208 suite through the CLI against Knot: ${doc.description}`, { skip: _missing }, () => {
    let knot: KnotServer | undefined;
    const server = async () => (knot ??= await startKnot(suiteZones(doc.zonedata ?? {})));
    after(() => knot?.stop());
    for (const [name, t] of Object.entries(doc.tests)) {
      test(`${name}: smtpilot domain --ip ${t.host} --sender ${JSON.stringify(t.mailfrom)} gives ${t.result}`, async () => {
        const { resolver } = await server();
        const r = await runCli([
          "domain",
          "--only",
          "spf",
          "--ip",
          t.host,
          "--sender",
          t.mailfrom,
          "--helo",
          t.helo,
          "--resolver",
          resolver,
          "--json",
        ]);
        let result: string | undefined;
        try {
          result = (JSON.parse(r.stdout) as { spf?: { result: string } }).spf?.result;
        } catch {
          result = undefined;
        }
        const ok = result !== undefined && expectedResults(t).includes(result);
        _outcomes.push({ name, ok });
        assert.ok(ok, `${name}: got ${result ?? `exit ${r.code}: ${r.stderr.trim()}`}, expected ${t.result}`);
      });
    }
  });
}

test("the whole suite ran end to end: 203 of 203 pass", { skip: _missing }, () => {
  const passed = _outcomes.filter((o) => o.ok).length;
  assert.equal(`${passed}/${_outcomes.length}`, "203/203", _outcomes.filter((o) => !o.ok).map((o) => o.name).join(" "));
});
