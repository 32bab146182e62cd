/**
 * The recipient-side test bed, all on loopback: a Knot that signs the
 * `dane.test` zone and its children itself (one child with a DS that matches
 * none of its keys: bogus; some unsigned: insecure), a validating unbound in
 * front of it with dane.test's DS as trust anchor, MX servers on 127.0.0.11–15
 * (a good certificate from the test's CA, one for another name, an expired
 * one, a self-signed one, and one without STARTTLS) and an HTTPS server for
 * the MTA-STS policies. Every certificate is made at start; nothing leaves
 * the machine.
 */
import { createHash, X509Certificate } from "node:crypto";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { createFixtureCa, issueCert, type PemPair, selfSignedCert } from "../../fixtures/index.ts";
import { freePort, type KnotServer, type KnotZone, startKnot } from "../../scripts/peers/knot/knot.ts";
import { startUnbound, type UnboundPeer } from "../../scripts/peers/unbound/peer.ts";

const _DAY = 86_400_000;
const _SOA = "$TTL 300\n@ IN SOA ns.dane.test. hostmaster.dane.test. 1 3600 600 86400 300\n@ IN NS ns.dane.test.\n";

/** The MX servers by role, each on its own loopback address. */
export const MX_ADDRESSES = {
  good: "127.0.0.11",
  wrongName: "127.0.0.12",
  expired: "127.0.0.13",
  selfSigned: "127.0.0.14",
  noStarttls: "127.0.0.15",
} as const;
/** Nothing listens here (the MX cannot be reached). */
const _DOWN = "127.0.0.16";
/** Offers STARTTLS, then answers the handshake with bytes that are not TLS. */
const _BAD_TLS = "127.0.0.17";

/** Signed children (DS in dane.test), the bogus one, and the unsigned ones (no DS: insecure). */
const _SIGNED = ["good", "ta", "mismatch", "unusable", "self", "nostls", "notlsa", "lookupfail"];
const _UNSIGNED = ["plain", "html", "testing", "down", "badtls"];

/** A running bed. */
export interface DaneBed {
  resolver: string;
  mxPort: number;
  policyPort: number;
  caPem: string;
  /** Policy fetches the HTTPS server answered, by Host. */
  policyRequests: string[];
  stop(): Promise<void>;
}

const _sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const _spki = (pem: string) => new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });

/** Starts everything. */
export async function startDaneBed(): Promise<DaneBed> {
  const ca = createFixtureCa("smtpilot DANE test CA");
  const valid = { notBefore: new Date(Date.now() - _DAY), notAfter: new Date(Date.now() + 30 * _DAY) };
  const goodNames = [..._SIGNED.map((z) => `mx.${z}.dane.test`), "mx1.plain.dane.test", "mx.html.dane.test"];
  const certs: Record<keyof typeof MX_ADDRESSES, PemPair> = {
    good: issueCert(ca, { commonName: goodNames[0] ?? "", sans: { dns: goodNames, ip: [] }, ...valid }),
    wrongName: issueCert(ca, { commonName: "other.example", sans: { dns: ["other.example"], ip: [] }, ...valid }),
    expired: issueCert(ca, {
      commonName: "mx3.plain.dane.test",
      sans: { dns: ["mx3.plain.dane.test"], ip: [] },
      notBefore: new Date(Date.now() - 60 * _DAY),
      notAfter: new Date(Date.now() - 30 * _DAY),
    }),
    selfSigned: selfSignedCert({
      commonName: "mx.self.dane.test",
      sans: { dns: ["mx.self.dane.test"], ip: [] },
      ...valid,
    }),
    noStarttls: issueCert(ca, {
      commonName: "mx.nostls.dane.test",
      sans: { dns: ["mx.nostls.dane.test"], ip: [] },
      ...valid,
    }),
  };
  const mx = await _startMx(certs, ca);
  const badTls = await _startBadTls(mx.port);
  const policy = await _startPolicy(ca, valid);
  const knot = await startKnot(_zones(certs, ca));
  let unbound: UnboundPeer;
  try {
    unbound = await startUnbound({
      upstreamPort: knot.port,
      zones: ["dane.test", ..._SIGNED, "bogus", "broken", ..._UNSIGNED].map((z) =>
        z === "dane.test" ? z : `${z}.dane.test`
      ),
      trustAnchors: knot.ds.get("dane.test") ?? [],
    });
  } catch (err) {
    await Promise.all([knot.stop(), mx.close(), policy.close(), badTls.close()]);
    throw err;
  }
  return {
    resolver: unbound.resolver,
    mxPort: mx.port,
    policyPort: policy.port,
    caPem: ca.certPem,
    policyRequests: policy.requests,
    stop: async () => {
      await unbound.stop();
      await Promise.all([knot.stop(), mx.close(), policy.close(), badTls.close()]);
    },
  };
}

function _zones(certs: Record<keyof typeof MX_ADDRESSES, PemPair>, ca: PemPair): KnotZone[] {
  const a = MX_ADDRESSES;
  const tlsa = (usage: number, selector: number, hex: string) => `_25._tcp.mx IN TLSA ${usage} ${selector} 1 ${hex}`;
  const goodEe = tlsa(3, 1, _sha256(_spki(certs.good.certPem)));
  const child = (name: string, address: string, extra: string) =>
    `${_SOA}@ IN MX 10 mx.${name}.dane.test.\nmx IN A ${address}\n_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@${name}.dane.test"\n${extra}\n`;
  const sts = (name: string) =>
    `_mta-sts IN TXT "v=STSv1; id=1"\nmta-sts IN A 127.0.0.1\n_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@${name}.dane.test"\n`;
  const delegations = [..._SIGNED, "bogus", "broken", ..._UNSIGNED].map((z) =>
    `${z} IN NS ns.dane.test.\n${
      _SIGNED.includes(z) ? `{{DS:${z}.dane.test}}` : z === "bogus" ? "{{BADDS:bogus.dane.test}}" : ""
    }`
  ).join("\n");
  return [
    {
      name: "dane.test",
      signed: true,
      text: `${_SOA}ns IN A 127.0.0.1\nmx.elsewhere IN A ${a.good}\n${delegations}\n`,
    },
    { name: "good.dane.test", signed: true, text: child("good", a.good, goodEe) },
    {
      name: "ta.dane.test",
      signed: true,
      text: child("ta", a.good, tlsa(2, 0, _sha256(new X509Certificate(ca.certPem).raw))),
    },
    { name: "mismatch.dane.test", signed: true, text: child("mismatch", a.good, tlsa(3, 1, "ab".repeat(32))) },
    { name: "unusable.dane.test", signed: true, text: child("unusable", a.good, tlsa(1, 1, "cd".repeat(32))) },
    {
      name: "self.dane.test",
      signed: true,
      text: child("self", a.selfSigned, tlsa(3, 1, _sha256(_spki(certs.selfSigned.certPem)))),
    },
    { name: "nostls.dane.test", signed: true, text: child("nostls", a.noStarttls, goodEe) },
    { name: "bogus.dane.test", signed: true, text: child("bogus", a.good, goodEe) },
    { name: "notlsa.dane.test", signed: true, text: child("notlsa", a.good, "") },
    // Its MX host lives in a zone whose server fails: the address lookup is an error, not a denial.
    {
      name: "lookupfail.dane.test",
      signed: true,
      text: `${_SOA}@ IN MX 10 mx.broken.dane.test.\n`,
    },
    { name: "broken.dane.test", text: _SOA, broken: true },
    { name: "down.dane.test", text: child("down", _DOWN, "") },
    { name: "badtls.dane.test", text: child("badtls", _BAD_TLS, "") },
    {
      name: "plain.dane.test",
      text:
        `${_SOA}@ IN MX 10 mx1.plain.dane.test.\n@ IN MX 20 mx2.plain.dane.test.\n@ IN MX 30 mx3.plain.dane.test.\n` +
        `@ IN MX 40 mx.elsewhere.dane.test.\nmx1 IN A ${a.good}\nmx2 IN A ${a.wrongName}\nmx3 IN A ${a.expired}\n${
          sts("plain")
        }`,
    },
    { name: "html.dane.test", text: child("html", a.good, sts("html")) },
    { name: "testing.dane.test", text: child("testing", a.wrongName, sts("testing")) },
  ];
}

/** The MX servers: one port number, one loopback address per certificate (and one without STARTTLS). */
async function _startMx(certs: Record<keyof typeof MX_ADDRESSES, PemPair>, ca: PemPair) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const servers: SMTPServer[] = [];
    try {
      for (const [role, address] of Object.entries(MX_ADDRESSES) as [keyof typeof MX_ADDRESSES, string][]) {
        const pem = certs[role];
        const server = new SMTPServer({
          name: `mx-${role}`,
          key: pem.keyPem,
          // The chain as servers send it: the leaf, then the CA (DANE-TA matches the CA in the chain).
          cert: role === "selfSigned" ? pem.certPem : `${pem.certPem}\n${ca.certPem}`,
          hideSTARTTLS: role === "noStarttls",
          authOptional: true,
          disabledCommands: ["AUTH"],
          logger: false,
        });
        server.on("error", () => {});
        await new Promise<void>((resolve, reject) => {
          server.server.once("error", reject);
          server.listen(port, address, () => resolve());
        });
        servers.push(server);
      }
      const close = () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => {});
      return { port, close };
    } catch {
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    }
  }
  throw new Error("no port free on all MX loopback addresses");
}

/** A server that offers STARTTLS and then speaks no TLS at all. */
async function _startBadTls(port: number) {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.write("220 badtls ESMTP\r\n");
    socket.on("data", (d: Buffer) => {
      const line = d.toString().trim().toUpperCase();
      if (line.startsWith("EHLO")) socket.write("250-badtls\r\n250 STARTTLS\r\n");
      else if (line === "STARTTLS") socket.write("220 go ahead\r\n");
      else if (line === "QUIT") socket.end("221 bye\r\n");
      else socket.end("this is not TLS\r\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, _BAD_TLS, () => resolve());
  });
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The HTTPS server of the `mta-sts.*` hosts: one policy per Host, text/html for html.dane.test. */
async function _startPolicy(ca: PemPair, valid: { notBefore: Date; notAfter: Date }) {
  const names = _UNSIGNED.map((z) => `mta-sts.${z}.dane.test`);
  const cert = issueCert(ca, { commonName: names[0] ?? "", sans: { dns: names, ip: [] }, ...valid });
  const policies: Record<string, { mode: string; mx: string; type: string }> = {
    "mta-sts.plain.dane.test": { mode: "enforce", mx: "*.plain.dane.test", type: "text/plain" },
    "mta-sts.html.dane.test": { mode: "enforce", mx: "mx.html.dane.test", type: "text/html" },
    "mta-sts.testing.dane.test": { mode: "testing", mx: "mx.testing.dane.test", type: "text/plain" },
  };
  const requests: string[] = [];
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const host = (req.headers.host ?? "").toLowerCase();
    requests.push(host);
    const p = policies[host];
    if (!p || req.url !== "/.well-known/mta-sts.txt") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": p.type }).end(
      `version: STSv1\nmode: ${p.mode}\nmx: ${p.mx}\nmax_age: 86400\n`,
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Why the bed cannot run here, or undefined. */
export { knotMissing } from "../../scripts/peers/knot/knot.ts";
export { unboundMissing } from "../../scripts/peers/unbound/peer.ts";
export type { KnotServer };
