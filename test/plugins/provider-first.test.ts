// With --profile on a provider's profile, that provider's knowledge explains a reply first: the same
// 535 gets Gmail's fix on a gmail profile, SES's AKIA explanation on an ses profile, and the core
// table's answer without a profile.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../helpers/cli.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { type ScriptServer, startScriptServer } from "../helpers/script-server.ts";

const { ca, leaf } = loopbackCert();
const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-first-"));
const home = path.join(root, "smtp");
const caFile = path.join(root, "ca.pem");
const servers: Record<string, ScriptServer> = {};

/** A server that refuses every login with `reply`. */
const refusing = (reply: string) =>
  startScriptServer({
    tls: { key: leaf.keyPem, cert: leaf.certPem },
    greeting: "220 mx.test ESMTP\r\n",
    onLine: (line) =>
      /^EHLO/i.test(line)
        ? "250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n"
        : /^AUTH/i.test(line)
        ? reply
        : /^QUIT/i.test(line)
        ? "221 bye\r\n"
        : undefined,
  });

before(async () => {
  fs.writeFileSync(caFile, ca.certPem);
  servers.gmail = await refusing(
    "535-5.7.8 Username and Password not accepted. For more information, go to\r\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials - gsmtp\r\n",
  );
  servers.ses = await refusing("535 Authentication Credentials Invalid\r\n");
  await runCli(["--home", home, "init"]);
  for (const [name, user] of [["gmail", "me@gmail.com"], ["ses", "AKIAIOSFODNN7EXAMPLE"]] as const) {
    const r = await runCli([
      "--home",
      home,
      "profile",
      "add",
      `my-${name}`,
      "--provider",
      name,
      "--host",
      "127.0.0.1",
      "--port",
      String(servers[name]?.port),
      "--tls",
      "implicit",
      "--ca",
      caFile,
      "--user",
      user,
      "--secret",
      "env:PW",
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => {
  for (const s of Object.values(servers)) await s.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const authLayer = (stdout: string) => JSON.parse(stdout).layers.find((l: { id: string }) => l.id === "auth");

for (const [name, rule] of [["gmail", "gmail.bad-credentials"], ["ses", "ses.credentials-invalid"]] as const) {
  test(`a 535 on a ${name} profile is explained by the ${name} plugin (${rule})`, async () => {
    const withProfile = await runCli(["--home", home, "diagnose", "--profile", `my-${name}`, "--json"], {
      PW: "wrong-password",
    });
    assert.equal(withProfile.code, 15, withProfile.stderr);
    const auth = authLayer(withProfile.stdout);
    assert.equal(auth.diagnosis.code, "auth.invalid-credentials");
    assert.equal(auth.facts.replyRule, rule);
    const port = String(servers[name]?.port);
    const bare = await runCli(
      [
        "diagnose",
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--tls",
        "implicit",
        "--ca",
        caFile,
        "--user",
        "u",
        "--secret",
        "env:PW",
        "--json",
      ],
      { PW: "wrong-password" },
    );
    assert.match(authLayer(bare.stdout).facts.replyRule, /^core\./, "without the profile the core table answers");
  });
}
