/**
 * Alignment: relaxed and strict per the DMARC record, organisational
 * domains, the AUTH account against envelope and From, and a provider's
 * identity policy passed in.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type AlignInput, type AlignPolicy, checkAlignment } from "../../core/align/align.ts";
import { renderAlignText } from "../../core/align/align-text.ts";
import { fakeDns } from "./fake-dns.ts";

const _dns = fakeDns({
  "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; rua=mailto:d@example.com"] },
  "_dmarc.strict.example": { TXT: ["v=DMARC1; p=reject; adkim=s; aspf=s"] },
});
const _codes = async (input: AlignInput, policy?: AlignPolicy) =>
  (await checkAlignment(input, _dns, policy)).findings.map((f) => f.code).sort();

test("checkAlignment() aligns subdomains in relaxed mode", async () => {
  const r = await checkAlignment({
    from: "a@example.com",
    envelopeFrom: "b@bounce.example.com",
    dkimDomain: "mail.example.com",
  }, _dns);
  assert.equal(r.spf.aligned, true);
  assert.equal(r.dkim.aligned, true);
  assert.equal(r.dmarcCanPass, true);
  assert.deepEqual(r.findings, []);
  assert.match(renderAlignText(r), /^Mode: DNS lookups only/);
});

test("checkAlignment() refuses subdomains under adkim=s and aspf=s", async () => {
  assert.deepEqual(
    await _codes({ from: "a@strict.example", envelopeFrom: "b@m.strict.example", dkimDomain: "m.strict.example" }),
    [
      "align.dkim-misaligned",
      "align.none-aligned",
      "align.spf-misaligned",
    ],
  );
});

test("checkAlignment() compares the AUTH account with envelope and From by organisation", async () => {
  assert.deepEqual(
    await _codes({
      from: "a@example.com",
      envelopeFrom: "a@example.com",
      authUser: "me@gmail.com",
      dkimDomain: "example.com",
    }),
    [
      "align.auth-envelope-mismatch",
      "align.auth-from-mismatch",
    ],
  );
  assert.deepEqual(await _codes({ from: "a@example.com", authUser: "apikey", dkimDomain: "example.com" }), [
    "align.auth-user-no-domain",
    "align.envelope-unknown",
  ]);
});

test("checkAlignment() notes a missing DMARC record and a rewritten Return-Path", async () => {
  assert.deepEqual(
    await _codes({
      from: "a@nodmarc.example",
      envelopeFrom: "a@nodmarc.example",
      returnPath: "x@esp.example",
      dkimDomain: "nodmarc.example",
    }),
    [
      "align.dmarc-none",
      "align.return-path-differs",
    ],
  );
});

test("checkAlignment() adds a provider's identity policy findings", async () => {
  const policy: AlignPolicy = {
    provider: "test-provider",
    check: (ids) =>
      ids.some((i) => i.role === "header-from" && i.domain !== "example.com")
        ? [{ code: "test-provider.from-not-alias", severity: "error", summary: "x", evidence: [] }]
        : [],
  };
  const r = await checkAlignment({ from: "a@other.example", dkimDomain: "other.example" }, _dns, policy);
  assert.equal(r.provider, "test-provider");
  assert.ok(r.findings.some((f) => f.code === "test-provider.from-not-alias"));
});

test("checkAlignment() answers when only an external report authorisation lookup fails", async () => {
  const dns = fakeDns({
    "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; rua=mailto:d@vendor.net"] },
    "vendor.net": { MX: [{ priority: 10, exchange: "mx.vendor.net" }] },
    "example.com._report._dmarc.vendor.net": { error: "ETIMEOUT" },
  });
  const r = await checkAlignment({ from: "a@example.com", envelopeFrom: "b@example.com" }, dns);
  assert.equal(r.spf.aligned, true);
  assert.equal(r.dmarc.policy, "reject");
  await assert.rejects(
    checkAlignment({ from: "a@down.example" }, fakeDns({ "_dmarc.down.example": { error: "ETIMEOUT" } })),
    (err: { code?: string }) => err.code === "E_DNS",
  );
});

test("checkAlignment() aligns by the RFC 9989 tree walk and says where RFC 7489 (PSL) decides otherwise", async () => {
  // bar.example.com publishes its own record and nothing above it does: it is its own organisation
  // under RFC 9989, while the Public Suffix List puts it in example.com.
  const dns = fakeDns({ "_dmarc.bar.example.com": { TXT: ["v=DMARC1; p=reject; rua=mailto:d@bar.example.com"] } });
  const r = await checkAlignment({ from: "a@foo.bar.example.com", dkimDomain: "example.com" }, dns);
  assert.equal(r.dkim.aligned, false);
  assert.equal(r.dkim.aligned7489, true);
  assert.ok(r.findings.some((f) => f.code === "align.rfc7489-differs"));
  assert.equal(r.identities[0]?.orgDomain, "bar.example.com");
  assert.equal(r.identities[0]?.pslOrgDomain, "example.com");
});
