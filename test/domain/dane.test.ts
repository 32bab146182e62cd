/**
 * The recipient side's rules on their own: TLSA matching (RFC 7672 §3.1:
 * DANE-EE pins the leaf with no name or date check, DANE-TA needs the chain,
 * the name and the dates; usages 0/1 are not usable), what DNSSEC status makes
 * DANE apply, defer or not apply, the MTA-STS verdict of one host, and the
 * warning about a validating resolver across the network.
 */
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { test } from "node:test";
import { createFixtureCa, issueCert, selfSignedCert } from "../../fixtures/index.ts";
import type { TlsaRecord } from "../../core/domain/dns.ts";
import { daneLookup, matchTlsa, usableTlsa } from "../../core/domain/recipient/dane.ts";
import { deliveryFindings } from "../../core/domain/recipient/delivery-findings.ts";
import type { MxProbe } from "../../core/domain/recipient/mx-probe.ts";
import { stsVerdict } from "../../core/domain/recipient/sts-verdict.ts";
import { fakeDns } from "./fake-dns.ts";

const _DAY = 86_400_000;
const _ca = createFixtureCa("dane unit CA");
const _valid = { notBefore: new Date(Date.now() - _DAY), notAfter: new Date(Date.now() + 30 * _DAY) };
const _leaf = new X509Certificate(
  issueCert(_ca, { commonName: "mx.example.com", sans: { dns: ["mx.example.com"], ip: [] }, ..._valid }).certPem,
);
const _caCert = new X509Certificate(_ca.certPem);
const _chain = [_leaf, _caCert];
const _now = new Date();

const _record = (usage: number, selector: number, matchingType: number, cert: X509Certificate): TlsaRecord => {
  const data = selector === 0 ? cert.raw : cert.publicKey.export({ type: "spki", format: "der" });
  const digest = matchingType === 0 ? data : createHash(matchingType === 1 ? "sha256" : "sha512").update(data).digest();
  return { usage, selector, matchingType, data: digest };
};

test("matchTlsa() matches DANE-EE(3) by certificate or key, exact or hashed, with no name or date check", () => {
  for (const selector of [0, 1]) {
    for (const type of [0, 1, 2]) {
      const m = matchTlsa([_record(3, selector, type, _leaf)], _chain, ["another.name"], new Date(0));
      assert.equal(m.matched, `3 ${selector} ${type}`);
    }
  }
  const other = new X509Certificate(
    selfSignedCert({ commonName: "x", sans: { dns: ["x"], ip: [] }, ..._valid }).certPem,
  );
  assert.equal(matchTlsa([_record(3, 1, 1, other)], _chain, ["mx.example.com"], _now).matched, undefined);
});

test("matchTlsa() matches DANE-TA(2) only with the chain, the MX name and the dates", () => {
  const ta = _record(2, 0, 1, _caCert);
  assert.equal(matchTlsa([ta], _chain, ["mx.example.com"], _now).matched, "2 0 1");
  assert.match(matchTlsa([ta], _chain, ["mx2.example.com"], _now).misses[0] ?? "", /does not name/);
  assert.match(
    matchTlsa([ta], _chain, ["mx.example.com"], new Date(Date.now() + 60 * _DAY)).misses[0] ?? "",
    /validity/,
  );
  assert.match(matchTlsa([ta], [_leaf], ["mx.example.com"], _now).misses[0] ?? "", /trust anchor/);
  // A TA record naming a certificate the leaf does not chain to.
  const stranger = new X509Certificate(createFixtureCa("stranger").certPem);
  assert.match(
    matchTlsa([ta], [_leaf, stranger, _caCert], ["mx.example.com"], _now).misses[0] ?? "",
    /does not chain/,
  );
});

test("usableTlsa() takes usages 2 and 3 only (RFC 7672 §3.1.3)", () => {
  assert.deepEqual(
    [0, 1, 2, 3].map((usage) => usableTlsa({ usage, selector: 1, matchingType: 1, data: Buffer.alloc(32) })),
    [false, false, true, true],
  );
  assert.equal(usableTlsa({ usage: 3, selector: 2, matchingType: 1, data: Buffer.alloc(32) }), false);
});

test("daneLookup(): insecure MX or addresses do not apply, bogus defers, secure TLSA is usable", async () => {
  const dns = fakeDns({
    "_25._tcp.mx.example.com": { secure: true, TLSA: [_record(3, 1, 1, _leaf)] },
    "_25._tcp.mx.bad.example": { bogus: true },
    "_25._tcp.mx.plain.example": { TLSA: [_record(3, 1, 1, _leaf)] },
  });
  const state = async (host: string, mx = "secure", addr = "secure") =>
    (await daneLookup(dns, host, 25, mx as never, addr as never)).state;
  assert.equal(await state("mx.example.com"), "usable");
  assert.equal(await state("mx.example.com", "insecure"), "not-applicable");
  assert.equal(await state("mx.example.com", "bogus"), "defer");
  assert.equal(await state("mx.example.com", "secure", "insecure"), "not-applicable");
  assert.equal(await state("mx.example.com", "secure", "error"), "defer");
  assert.equal(await state("mx.bad.example"), "defer");
  assert.equal(await state("mx.plain.example"), "not-applicable", "TLSA without AD is not trusted");
});

const _probe = (over: Partial<MxProbe> = {}): MxProbe => ({
  address: "192.0.2.1",
  port: 25,
  starttls: true,
  tls: {
    protocol: "TLSv1.3",
    cipher: "TLS_AES_128_GCM_SHA256",
    authorized: true,
    nameMatches: true,
    chain: [],
  },
  certificates: [_leaf],
  ...over,
});

test("stsVerdict(): a listed host with STARTTLS and a valid certificate passes; each failure is named", () => {
  const policy = { mode: "enforce", mx: ["*.example.com"], maxAge: 86400, problems: [] };
  assert.equal(stsVerdict(policy, "mx.example.com", _probe(), _now)?.ok, true);
  const kinds = (host: string, probe: MxProbe) => stsVerdict(policy, host, probe, _now)?.failures.map((f) => f.kind);
  assert.deepEqual(kinds("mx.other.net", _probe()), ["mx-mismatch"]);
  assert.deepEqual(kinds("mx.example.com", _probe({ starttls: false })), ["starttls-not-supported"]);
  const untrusted = _probe();
  if (untrusted.tls) untrusted.tls.authorized = false;
  assert.deepEqual(kinds("mx.example.com", untrusted), ["certificate-not-trusted"]);
  const wrong = _probe();
  if (wrong.tls) wrong.tls.nameMatches = false;
  assert.deepEqual(kinds("mx.example.com", wrong), ["certificate-host-mismatch"]);
  assert.deepEqual(
    stsVerdict(policy, "mx.example.com", _probe(), new Date(Date.now() + 60 * _DAY))?.failures.map((f) => f.kind),
    ["certificate-expired"],
  );
  assert.equal(stsVerdict({ ...policy, mode: "none" }, "mx.other.net", _probe(), _now), undefined);
});

test("deliveryFindings() warns when DNSSEC status came from a resolver across the network", () => {
  const codes = (local: boolean) =>
    deliveryFindings("example.com", "secure", [], { local, shown: local ? "127.0.0.1" : "192.0.2.53" })
      .map((f) => f.code);
  assert.deepEqual(codes(false), ["dane.resolver-remote"]);
  assert.deepEqual(codes(true), []);
});
