// profile add --email: the line it prints to confirm a DNS proposal keeps the proposed --host (a
// provider whose host depends on the region would otherwise be saved with a guess), and a resolver
// that fails (SERVFAIL) is an environment error, exit 3 — not "no provider found".
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import path from "node:path";
import dnsPacket from "dns-packet";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

let server: dgram.Socket;
let port = 0;
const root = makeTestDir("smtpilot-detect-");

before(async () => {
  server = dgram.createSocket("udp4");
  server.on("message", (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    const failing = question?.name.endsWith("broken.example");
    const answers = !failing && question?.type === "MX" && question.name === "eu.example"
      ? [{
        type: "MX" as const,
        name: "eu.example",
        ttl: 60,
        data: { preference: 10, exchange: "inbound-smtp.eu-west-1.amazonaws.com" },
      }]
      : [];
    const reply = dnsPacket.encode({
      id: q.id,
      type: "response",
      flags: failing ? 0x8182 : answers.length ? 0x8180 : 0x8183,
      questions: q.questions,
      answers,
    });
    server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", () => r()));
  port = server.address().port;
  await runCli(["--home", path.join(root, "smtp"), "init"]);
});
after(() => server.close());

test("the confirmation line of a DNS proposal keeps the proposed --host", async () => {
  const r = await runCli([
    "--home",
    path.join(root, "smtp"),
    "profile",
    "add",
    "app",
    "--email",
    "app@eu.example",
    "--resolver",
    `127.0.0.1:${port}`,
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stdout, /--provider ses --host email-smtp\.eu-west-1\.amazonaws\.com --port 587/);
});

test("a resolver that fails every lookup is exit 3 (E_DNS), not a missing provider", async () => {
  const r = await runCli([
    "--home",
    path.join(root, "smtp"),
    "profile",
    "add",
    "app",
    "--email",
    "app@broken.example",
    "--resolver",
    `127.0.0.1:${port}`,
    "--json",
  ]);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, "E_DNS");
});
