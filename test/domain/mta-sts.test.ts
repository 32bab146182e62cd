/**
 * MTA-STS: the record, the policy file and its MX patterns, and the HTTPS
 * fetcher against a local server — verified certificate, no redirects
 * followed, a certificate for another name refused.
 */
import assert from "node:assert/strict";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { auditMtaSts, mxMatches, parseStsPolicy } from "../../core/domain/mta-sts.ts";
import { httpsPolicyFetcher } from "../../core/domain/policy-fetch.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { fakeDns } from "./fake-dns.ts";

const _record = { "_mta-sts.example.com": { TXT: ["v=STSv1; id=20260101"] } };
const _policy = (body: string, contentType = "text/plain; charset=utf-8") => () =>
  Promise.resolve({ status: 200, contentType, body });

test("mxMatches() matches one wildcard label only", () => {
  assert.ok(mxMatches("mx1.example.com", "*.example.com"));
  assert.ok(!mxMatches("a.b.example.com", "*.example.com"));
  assert.ok(mxMatches("MX.example.com.", "mx.example.com"));
});

test("parseStsPolicy() requires version, mode and max_age", () => {
  assert.deepEqual(parseStsPolicy("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n").problems, []);
  assert.equal(parseStsPolicy("mode: sometimes\nmx: a\n").problems.length, 3);
});

test("auditMtaSts() reports policy-syntax, policy-testing and mx-mismatch from the fetched policy", async () => {
  const dns = fakeDns(_record);
  const hosts = ["mx1.example.com", "backup.example.net"];
  const testing = (await auditMtaSts(
    dns,
    "example.com",
    hosts,
    _policy("version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 604800\n"),
  )).findings;
  assert.deepEqual(testing.map((f) => f.code), ["mta-sts.policy-testing", "mta-sts.mx-mismatch"]);
  const broken = (await auditMtaSts(dns, "example.com", hosts, _policy("<html>not found</html>"))).findings;
  assert.equal(broken[0]?.code, "mta-sts.policy-syntax");
  const html = (await auditMtaSts(
    dns,
    "example.com",
    ["mx1.example.com"],
    _policy("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n", "text/html"),
  )).findings;
  assert.deepEqual(html.map((f) => f.code), ["mta-sts.policy-content-type"], "RFC 8461 §3.2: text/plain only");
  const gone =
    (await auditMtaSts(dns, "example.com", hosts, () => Promise.resolve({ status: 404, body: "" }))).findings;
  assert.deepEqual(gone.map((f) => f.code), ["mta-sts.policy-unreachable"]);
  assert.deepEqual((await auditMtaSts(dns, "example.com", hosts)).findings.map((f) => f.code), [
    "mta-sts.policy-not-fetched",
  ]);
});

let _server: https.Server;
let _port = 0;
const _cert = loopbackCert();

before(async () => {
  _server = https.createServer({ cert: _cert.leaf.certPem, key: _cert.leaf.keyPem }, (req, res) => {
    if (req.url === "/.well-known/mta-sts.txt") {
      res.writeHead(200, { "content-type": "text/plain" }).end(
        "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n",
      );
    } else res.writeHead(301, { location: "https://elsewhere.example/" }).end();
  });
  await new Promise<void>((r) => _server.listen(0, "127.0.0.1", r));
  _port = (_server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => _server.close(() => r())));

test("httpsPolicyFetcher() fetches over verified TLS through the audit's DNS", async () => {
  const dns = fakeDns({ localhost: { A: ["127.0.0.1"] } });
  const fetch = httpsPolicyFetcher({ dns, timeoutMs: 5000, port: _port, ca: _cert.ca.certPem });
  const r = await fetch("https://localhost/.well-known/mta-sts.txt");
  assert.equal(r.status, 200);
  assert.match(r.body, /mode: enforce/);
  assert.equal((await fetch("https://localhost/elsewhere")).status, 301);
});

test("httpsPolicyFetcher() refuses a certificate that does not verify", async () => {
  const dns = fakeDns({ "mta-sts.example.com": { A: ["127.0.0.1"] }, localhost: { A: ["127.0.0.1"] } });
  await assert.rejects(
    httpsPolicyFetcher({ dns, timeoutMs: 5000, port: _port, ca: _cert.ca.certPem })(
      "https://mta-sts.example.com/.well-known/mta-sts.txt",
    ),
    /does not verify/,
  );
  await assert.rejects(
    httpsPolicyFetcher({ dns, timeoutMs: 5000, port: _port })("https://localhost/x"),
    /does not verify/,
  );
});
