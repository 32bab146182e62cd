// verifiedHandshake builds the secure context of a --ca once and hands the same one to every later
// handshake with that CA (ten sessions of a list send): the trust must stay exactly that CA's. A
// handshake after a verified one, with the same CA text, still refuses a certificate for another
// name and one from another CA; a CA given later is trusted on its own.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { createFixtureCa, issueCert, type PemPair } from "../../fixtures/index.ts";
import { verifiedHandshake } from "../../core/tls/handshake.ts";

const DAY = 86_400_000;
const servers: tls.Server[] = [];
after(() => servers.forEach((s) => s.close()));

function leaf(ca: PemPair, name: string): PemPair {
  return issueCert(ca, {
    commonName: name,
    sans: { dns: [name], ip: [] },
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
  });
}

/** A TLS server on loopback presenting `cert`; resolves to its port. */
function serve(cert: PemPair): Promise<number> {
  const server = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (s) => s.on("error", () => {}).end());
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port))
  );
}

async function handshake(port: number, ca: string): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const r = await verifiedHandshake(socket, { name: "localhost", ca, timeoutMs: 10_000 });
  if (r.ok) r.socket.destroy();
  else socket.destroy();
  return r.ok ? "ok" : r.reason === "certificate" ? `certificate ${r.stackError}` : r.reason;
}

test("handshakes sharing a CA's secure context keep that CA's trust, name check and nothing more", async () => {
  const ca = createFixtureCa("shared context CA");
  const other = createFixtureCa("another CA");
  const good = await serve(leaf(ca, "localhost"));
  const wrongName = await serve(leaf(ca, "mail.example.test"));
  const foreign = await serve(leaf(other, "localhost"));
  assert.equal(await handshake(good, ca.certPem), "ok");
  assert.equal(await handshake(good, ca.certPem), "ok");
  // The same CA text, after verified handshakes: a certificate for another name is still refused…
  assert.match(
    await handshake(wrongName, ca.certPem),
    /^certificate ERR_TLS_CERT_ALTNAME_INVALID|^certificate .*altname/i,
  );
  // …and so is one from a CA that was not given.
  assert.match(await handshake(foreign, ca.certPem), /^certificate /);
  // The other CA, given on its own: trusted for its own certificate, not for the first CA's.
  assert.equal(await handshake(foreign, other.certPem), "ok");
  assert.match(await handshake(good, other.certPem), /^certificate /);
});
