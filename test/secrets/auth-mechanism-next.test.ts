// After a failed login the auth layer names the other offered password mechanisms in `next` —
// and never tries one by itself: the server must see exactly one AUTH per diagnosis.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { diagnose } from "../../core/diagnose.ts";
import { systemIo } from "../../core/io.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { type ScriptServer, startScriptServer } from "../helpers/script-server.ts";

const { ca, leaf } = loopbackCert();
const PASSWORD = "pencil-for-scram-tests";
let server: ScriptServer;
const authLines: string[] = [];

/** A minimal SCRAM-SHA-256 server (RFC 5802) that knows PASSWORD, to prove the client's proof and signature. */
function scramServer() {
  const salt = Buffer.from("0123456789abcdef");
  const i = 4096;
  const salted = pbkdf2Sync(PASSWORD, salt, i, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  let firstBare = "";
  let serverFirst = "";
  return {
    first(clientFirst: string): string {
      firstBare = clientFirst.replace(/^n,,/, "");
      const nonce = /r=([^,]+)/.exec(firstBare)?.[1] ?? "";
      serverFirst = `r=${nonce}SERVERNONCE,s=${salt.toString("base64")},i=${i}`;
      return serverFirst;
    },
    final(clientFinal: string): string | undefined {
      const withoutProof = clientFinal.replace(/,p=[^,]+$/, "");
      const proof = Buffer.from(/p=([^,]+)$/.exec(clientFinal)?.[1] ?? "", "base64");
      const auth = `${firstBare},${serverFirst},${withoutProof}`;
      const signature = createHmac("sha256", storedKey).update(auth).digest();
      const key = Buffer.from(proof.map((b, n) => b ^ (signature[n] as number)));
      if (!createHash("sha256").update(key).digest().equals(storedKey)) return undefined;
      return `v=${createHmac("sha256", serverKey).update(auth).digest("base64")}`;
    },
  };
}

before(async () => {
  let scram = scramServer();
  let step = "";
  server = await startScriptServer({
    tls: { key: leaf.keyPem, cert: leaf.certPem },
    greeting: "220 mx.test ESMTP\r\n",
    onLine: (line) => {
      const b64 = (s: string) => Buffer.from(s).toString("base64");
      const unb64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
      if (/^EHLO/i.test(line)) {
        scram = scramServer();
        return "250-mx.test\r\n250 AUTH PLAIN LOGIN SCRAM-SHA-256 CRAM-MD5\r\n";
      }
      if (/^AUTH /i.test(line)) authLines.push(line.split(" ").slice(0, 2).join(" "));
      if (/^AUTH PLAIN/i.test(line)) return "535 5.7.8 Error: authentication failed: authentication failure\r\n";
      if (/^AUTH SCRAM-SHA-256 /i.test(line)) {
        step = "final";
        return `334 ${b64(scram.first(unb64(line.split(" ")[2] ?? "")))}\r\n`;
      }
      if (step === "final") {
        step = "done";
        const v = scram.final(unb64(line));
        return v ? `334 ${b64(v)}\r\n` : "535 5.7.8 Error: authentication failed: authentication failure\r\n";
      }
      if (step === "done" && line === "") {
        step = "";
        return "235 2.7.0 Authentication successful\r\n";
      }
      if (/^QUIT/i.test(line)) return "221 bye\r\n";
      return undefined;
    },
  });
});
after(() => server.close());

const probe = (secret: string, mechanism?: string) =>
  diagnose({
    host: "127.0.0.1",
    port: server.port,
    tls: "implicit",
    ca: ca.certPem,
    to: [],
    timeoutMs: 5000,
    declaredSize: 1000,
    auth: { user: "user", secret, secretRef: "env:PW", ...(mechanism ? { mechanism } : {}) },
  }, systemIo());

test("a failed PLAIN login names the other offered mechanisms in next and is not retried", async () => {
  authLines.length = 0;
  const report = await probe(PASSWORD);
  const auth = report.layers.find((l) => l.id === "auth");
  assert.equal(report.verdict.code, "auth.invalid-credentials");
  assert.deepEqual(auth?.facts.otherMechanisms, ["SCRAM-SHA-256", "CRAM-MD5"]);
  assert.match(auth?.diagnosis?.next ?? "", /--auth-mech SCRAM-SHA-256/);
  assert.deepEqual(authLines, ["AUTH PLAIN"]);
});

test("a pinned SCRAM-SHA-256 login authenticates and verifies the server's signature", async () => {
  authLines.length = 0;
  const report = await probe(PASSWORD, "SCRAM-SHA-256");
  assert.equal(report.verdict.status, "pass", JSON.stringify(report.layers.at(-2)));
  assert.equal(report.layers.find((l) => l.id === "auth")?.facts.mechanism, "SCRAM-SHA-256");
  assert.deepEqual(authLines, ["AUTH SCRAM-SHA-256"]);
  // The exchange is redacted in the transcript: no proof, no nonce.
  assert.ok(report.transcript.filter((t) => t.dir === "C").every((t) => !/p=|r=/.test(t.text)));
});

test("a wrong password over SCRAM-SHA-256 fails once and names PLAIN as the alternative", async () => {
  authLines.length = 0;
  const report = await probe("not-the-password", "SCRAM-SHA-256");
  assert.equal(report.verdict.code, "auth.invalid-credentials");
  assert.deepEqual(report.layers.find((l) => l.id === "auth")?.facts.otherMechanisms, ["PLAIN", "LOGIN", "CRAM-MD5"]);
  assert.deepEqual(authLines, ["AUTH SCRAM-SHA-256"]);
});
