/**
 * A throw-away CA and a certificate for localhost/127.0.0.1, for tests that
 * run their own small TLS servers.
 */
import { createFixtureCa, issueCert, type PemPair } from "../../fixtures/index.ts";

const _DAY_MS = 86_400_000;

/** A fresh CA and a leaf for localhost, valid from yesterday for 30 days. */
export function loopbackCert(): { ca: PemPair; leaf: PemPair } {
  const ca = createFixtureCa();
  const leaf = issueCert(ca, {
    commonName: "localhost",
    sans: { dns: ["localhost"], ip: ["127.0.0.1"] },
    notBefore: new Date(Date.now() - _DAY_MS),
    notAfter: new Date(Date.now() + 30 * _DAY_MS),
  });
  return { ca, leaf };
}
