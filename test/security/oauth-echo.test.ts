// An identity endpoint that echoes the request it was sent (a broken proxy, a hostile or
// misconfigured origin) puts the refresh token and the client secret in its error description.
// `auth status` must not print either, in text or --json: the result is masked as a whole before
// it is printed, whatever the command forgot.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { runCli } from "../helpers/cli.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const REFRESH = "rt-EchoedRefresh-7f3a9c";
const CLIENT_SECRET = "cs-EchoedClient-41b2e8";
let server: https.Server;
let dir: string;
let bodies = 0;
const env = { ECHO_RT: REFRESH, ECHO_CS: CLIENT_SECRET, NO_COLOR: "1" };

before(async () => {
  dir = makeTestDir("smtpilot-oauth-echo-");
  const { ca, leaf } = loopbackCert();
  fs.writeFileSync(path.join(dir, "ca.pem"), ca.certPem);
  server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      bodies++;
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "invalid_grant", error_description: `echo ${body}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const home = ["--home", path.join(dir, "home")];
  assert.equal((await runCli([...home, "init"], env)).code, 0);
  const added = await runCli([
    ...home,
    ...["profile", "add", "echo", "--provider", "gmail", "--user", "me@gmail.com", "--secret", "env:ECHO_RT"],
    ...["--oauth", "auth-code", "--client-id", "app123", "--oauth-origin", origin],
    ...["--oauth-ca", path.join(dir, "ca.pem"), "--oauth-client-secret", "env:ECHO_CS"],
  ], env);
  assert.equal(added.code, 0, added.stderr);
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

for (const json of [false, true]) {
  test(`auth status${json ? " --json" : ""}: an endpoint echoing the refresh token and client secret gets neither printed`, async () => {
    const before = bodies;
    const r = await runCli(
      ["--home", path.join(dir, "home"), "auth", "status", "echo", ...(json ? ["--json"] : [])],
      env,
    );
    assert.equal(bodies, before + 1, "the token endpoint was asked once");
    assert.equal(r.code, 15, r.stderr);
    if (json) {
      const doc = JSON.parse(r.stdout) as { problem: { code: string } };
      assert.equal(doc.problem.code, "auth.oauth-invalid-grant");
    } else assert.match(r.stdout, /auth\.oauth-invalid-grant/);
    for (const secret of [REFRESH, CLIENT_SECRET]) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${secret} was printed`);
    }
  });
}
