// Provider knowledge that changes carries its date and source; the SES region list is closed (a
// made-up region is refused, FIPS endpoints are known); the OAuth data points only at https endpoints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { fillHost } from "../../core/provider.ts";

const registry = await loadAllPlugins([]);

test("every dated provider fact has an ISO date, an https source, and a retirement date when it retires", () => {
  let count = 0;
  for (const p of registry.providers.values()) {
    for (const f of [...(p.dated ?? []), ...(p.oauth?.facts ?? [])]) {
      count++;
      assert.match(f.asOf, /^20\d\d-\d\d-\d\d$/, `${p.name}: ${f.text}`);
      assert.match(f.source, /^https:\/\/\S+$/, `${p.name}: ${f.text}`);
      if (f.retires) assert.match(f.retires.date, /^20\d\d-\d\d-\d\d$/);
    }
  }
  assert.ok(count >= 15);
  assert.ok(registry.providers.get("m365")?.dated?.some((f) => f.retires?.applies === "basic-auth"));
});

test("the OAuth endpoints of every provider are https, and Gmail offers no device flow", () => {
  for (const p of registry.providers.values()) {
    for (const url of Object.values(p.oauth?.endpoints ?? {})) assert.match(String(url), /^https:\/\//);
  }
  const gmail = registry.providers.get("gmail")!;
  assert.deepEqual(gmail.oauth?.flows, ["auth-code"]);
  assert.ok(gmail.oauth?.unsupported?.device);
  assert.deepEqual(registry.providers.get("m365")?.oauth?.scopes.appOnly, ["https://outlook.office365.com/.default"]);
});

test("SES: a real region and a FIPS region fill the host; a made-up region is refused", () => {
  const ses = registry.providers.get("ses")!;
  assert.equal(
    fillHost(ses, "email-smtp.{region}.amazonaws.com", { region: "eu-west-1" }),
    "email-smtp.eu-west-1.amazonaws.com",
  );
  assert.equal(fillHost(ses, "email-smtp.{region}.amazonaws.com", { region: "eu-moon-1" }), undefined);
  assert.equal(
    fillHost(ses, "email-smtp.{region}.amazonaws.com", { region: "us-gov-west-1" }),
    "email-smtp.us-gov-west-1.amazonaws.com",
  );
  assert.equal(
    fillHost(ses, "email-smtp-fips.{fips}.amazonaws.com", { fips: "us-east-1" }),
    "email-smtp-fips.us-east-1.amazonaws.com",
  );
  assert.equal(fillHost(ses, "email-smtp-fips.{fips}.amazonaws.com", { fips: "eu-west-1" }), undefined);
});

test("Microsoft 365 has presets for port 25 (direct send / connector), smtp-legacy and High Volume Email", () => {
  const m365 = registry.providers.get("m365")!;
  const hosts = m365.endpoints.map((e) => `${e.host}:${e.port}`);
  assert.ok(hosts.includes("{tenant}.mail.protection.outlook.com:25"));
  assert.ok(hosts.includes("smtp-legacy.office365.com:587"));
  assert.ok(hosts.includes("smtp-hve.office365.com:587"));
  assert.match(m365.rateLimit?.summary ?? "", /500 recipients per message/);
});
