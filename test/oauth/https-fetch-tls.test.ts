// The OAuth fetch verifies the identity endpoint's certificate whatever the environment says:
// NODE_TLS_REJECT_UNAUTHORIZED=0 (Node's default reads it) must not let a refresh token or client
// secret reach a server with a certificate nobody trusts.
import { test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { httpsFetch } from "../../core/oauth/https-fetch.ts";

async function withServer(run: (url: string, bodies: string[]) => Promise<void>): Promise<void> {
  const { leaf } = loopbackCert(); // issued by a CA the fetch is never given
  const bodies: string[] = [];
  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      bodies.push(body);
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid_grant"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(`https://127.0.0.1:${(server.address() as AddressInfo).port}/token`, bodies);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test("NODE_TLS_REJECT_UNAUTHORIZED=0 does not make the OAuth fetch trust an unknown certificate", async () => {
  const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  const warn = process.emitWarning; // Node warns once when the variable is set; keep the output clean
  process.emitWarning = () => undefined;
  try {
    await withServer(async (url, bodies) => {
      await assert.rejects(
        httpsFetch()(url, { method: "POST", body: "grant_type=refresh_token&refresh_token=rt-SECRET" }),
        (err: Error & { code?: string }) => err.code === "E_OAUTH_UNREACHABLE",
      );
      assert.deepEqual(bodies, [], "the token request reached a server whose certificate is not trusted");
    });
  } finally {
    process.emitWarning = warn;
    if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
  }
});

test("the CA the profile names is trusted (and only it)", async () => {
  await withServer(async (url, bodies) => {
    const { ca } = loopbackCert(); // another CA: still refused
    await assert.rejects(httpsFetch({ ca: ca.certPem })(url, { method: "POST", body: "x=1" }));
    assert.deepEqual(bodies, []);
  });
});
