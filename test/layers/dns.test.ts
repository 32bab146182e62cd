import { test } from "node:test";
import assert from "node:assert/strict";
import { diagnose } from "../../core/diagnose.ts";
import { failingConnect, fakeResolver, ioWith, options } from "../helpers/fake-io.ts";

const zone = fakeResolver({
  "smtp.example.test": { cname: "smtp.provider.test" },
  "smtp.provider.test": { addresses: [{ address: "127.0.0.1", family: 4 }] },
  "mx-only.example.test": { error: "ENODATA" },
  "broken.example.test": { error: "ESERVFAIL" },
  "refused.example.test": { error: "ECONNREFUSED" },
  "dead.example.test": { hang: true },
});

const cases: { name: string; host: string; code: string | undefined; layer: string }[] = [
  { name: "an unknown name", host: "nope.example.test", code: "dns.nxdomain", layer: "dns" },
  { name: "a name without A/AAAA", host: "mx-only.example.test", code: "dns.no-address", layer: "dns" },
  { name: "a SERVFAIL", host: "broken.example.test", code: "dns.resolver-failed", layer: "dns" },
  { name: "a refusing resolver", host: "refused.example.test", code: "dns.resolver-failed", layer: "dns" },
  { name: "a resolver that never answers", host: "dead.example.test", code: "dns.resolver-failed", layer: "dns" },
  // Resolution passes; the refusing connector then fails tcp, proving dns handed the address on.
  { name: "a CNAME chain", host: "smtp.example.test", code: "tcp.refused", layer: "tcp" },
];

for (const c of cases) {
  test(`diagnose() reports ${c.code} at ${c.layer} for ${c.name}`, async () => {
    const report = await diagnose(
      options({ host: c.host, timeoutMs: 500 }),
      ioWith({ resolver: zone, connect: failingConnect("ECONNREFUSED") }),
    );
    assert.equal(report.verdict.layer, c.layer);
    assert.equal(report.verdict.code, c.code);
    assert.ok(report.layers.slice(1).every((l) => l.id === c.layer || l.status === "skip"));
  });
}

test("dns layer shows the CNAME chain and the addresses", async () => {
  const report = await diagnose(
    options({ host: "smtp.example.test" }),
    ioWith({ resolver: zone, connect: failingConnect("ECONNREFUSED") }),
  );
  const dns = report.layers.find((l) => l.id === "dns");
  assert.equal(dns?.status, "pass");
  assert.deepEqual(dns?.facts.cnameChain, ["smtp.provider.test"]);
  assert.deepEqual(dns?.facts.addresses, ["127.0.0.1"]);
});

test("dns layer passes an IP literal without asking the resolver", async () => {
  const report = await diagnose(
    options({ host: "127.0.0.1" }),
    ioWith({ resolver: fakeResolver({}), connect: failingConnect("ECONNREFUSED") }),
  );
  assert.equal(report.layers[0]?.status, "pass");
  assert.equal(report.layers[0]?.facts.literal, true);
});

test("a failing --resolver gets advice about that server, not about the system's resolver", async () => {
  const given = { ...fakeResolver({ "broken.example.test": { error: "ESERVFAIL" } }), server: "192.0.2.53" };
  const system = fakeResolver({ "broken.example.test": { error: "ESERVFAIL" } });
  const run = (resolver: typeof system) =>
    diagnose(options({ host: "broken.example.test", timeoutMs: 500 }), ioWith({ resolver }));
  const [withFlag, without] = [await run(given), await run(system)];
  assert.equal(withFlag.verdict.code, "dns.resolver-failed");
  assert.equal(without.verdict.code, "dns.resolver-failed");
  assert.equal(withFlag.layers[0]?.facts.resolver, "192.0.2.53");
  assert.equal(without.layers[0]?.facts.resolver, undefined);
  assert.notEqual(withFlag.layers[0]?.diagnosis?.next, without.layers[0]?.diagnosis?.next);
});
