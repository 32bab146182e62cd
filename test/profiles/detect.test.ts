// Proposing a provider from DNS: RFC 6186 SRV records and MX hosts, through fake lookups and through
// a real UDP DNS server on loopback reached with --resolver, as `profile add --email` does.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import dnsPacket from "dns-packet";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { type DetectDns, detectProvider, systemDetectDns } from "../../core/provider-detect.ts";
import { runCli } from "../helpers/cli.ts";

const registry = await loadAllPlugins([]);
const nodata = () => Promise.reject(Object.assign(new Error("no data"), { code: "ENODATA" }));

/** Fake lookups from a table of SRV and MX answers. */
function zone(srv: Record<string, [string, number, number?][]>, mx: Record<string, [string, number][]>): DetectDns {
  return {
    resolveSrv: (n) =>
      srv[n]
        ? Promise.resolve(srv[n].map(([name, port, priority = 0]) => ({ name, port, priority, weight: 0 })))
        : nodata(),
    resolveMx: (
      n,
    ) => (mx[n] ? Promise.resolve(mx[n].map(([exchange, priority]) => ({ exchange, priority }))) : nodata()),
  };
}

const cases: [string, DetectDns, [string, string, number, string][]][] = [
  [
    "Google Workspace by its MX (old and new names)",
    zone({}, { "example.com": [["alt1.aspmx.l.google.com", 5], ["aspmx.l.google.com", 1]] }),
    [["gmail", "smtp.gmail.com", 587, "starttls"]],
  ],
  ["Google by smtp.google.com", zone({}, { "example.com": [["smtp.google.com", 1]] }), [[
    "gmail",
    "smtp.gmail.com",
    587,
    "starttls",
  ]]],
  [
    "Microsoft 365 by its MX",
    zone({}, { "example.com": [["example-com.mail.protection.outlook.com", 0]] }),
    [["m365", "smtp.office365.com", 587, "starttls"]],
  ],
  [
    "Amazon SES inbound, region taken from the MX",
    zone({}, { "example.com": [["inbound-smtp.eu-west-1.amazonaws.com", 10]] }),
    [["ses", "email-smtp.eu-west-1.amazonaws.com", 587, "starttls"]],
  ],
  [
    "RFC 6186 SRV records, implicit TLS first, before MX",
    zone(
      {
        "_submission._tcp.example.com": [["mail.example.com.", 587]],
        "_submissions._tcp.example.com": [["mail.example.com.", 465]],
      },
      { "example.com": [["aspmx.l.google.com", 1]] },
    ),
    [
      ["custom", "mail.example.com", 465, "implicit"],
      ["custom", "mail.example.com", 587, "starttls"],
      ["gmail", "smtp.gmail.com", 587, "starttls"],
    ],
  ],
  [
    "an SRV target that is a known provider's host",
    zone({ "_submission._tcp.example.com": [["smtp.office365.com", 587]] }, {}),
    [["m365", "smtp.office365.com", 587, "starttls"]],
  ],
  ["an SRV record saying the service is not offered", zone({ "_submissions._tcp.example.com": [[".", 0]] }, {}), []],
  ["an unknown MX", zone({}, { "example.com": [["mx.example.net", 10]] }), []],
];
for (const [name, lookups, expected] of cases) {
  test(`detectProvider() proposes ${name}`, async () => {
    const d = await detectProvider("example.com", registry.providers, lookups);
    assert.deepEqual(d.proposals.map((p) => [p.provider, p.host, p.port, p.tls]), expected);
    for (const p of d.proposals) assert.ok(p.evidence.length > 0 && p.evidence.every((e) => d.records.includes(e)));
  });
}

test("detectProvider() records a failing lookup instead of throwing", async () => {
  const failing: DetectDns = {
    resolveSrv: () => Promise.reject(Object.assign(new Error("x"), { code: "ESERVFAIL" })),
    resolveMx: () => Promise.reject(Object.assign(new Error("x"), { code: "ETIMEOUT" })),
  };
  const d = await detectProvider("example.com", registry.providers, failing);
  assert.deepEqual(d.proposals, []);
  assert.equal(d.records.filter((r) => /lookup failed/.test(r)).length, 3);
});

// --- a real DNS server on loopback ---------------------------------------------------------------

let server: dgram.Socket;
let port = 0;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-detect-"));
const ANSWERS: Record<string, dnsPacket.Answer[]> = {
  "MX example.org": [{
    name: "example.org",
    type: "MX",
    ttl: 60,
    data: { preference: 10, exchange: "inbound-smtp.us-east-1.amazonaws.com" },
  }],
  "SRV _submission._tcp.example.org": [
    {
      name: "_submission._tcp.example.org",
      type: "SRV",
      ttl: 60,
      data: { priority: 0, weight: 1, port: 587, target: "email-smtp.us-east-1.amazonaws.com" },
    },
  ],
};
before(async () => {
  server = dgram.createSocket("udp4");
  server.on("message", (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    const answers = question ? ANSWERS[`${question.type} ${question.name}`] ?? [] : [];
    const reply = dnsPacket.encode({
      id: q.id,
      type: "response",
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: q.questions,
      answers,
    });
    server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, "127.0.0.1", r));
  port = server.address().port;
});
after(() => {
  server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

test("systemDetectDns() asks the DNS server given with --resolver", async () => {
  const d = await detectProvider("example.org", registry.providers, systemDetectDns(`127.0.0.1:${port}`));
  assert.deepEqual(d.proposals.map((p) => [p.provider, p.host, p.port]), [[
    "ses",
    "email-smtp.us-east-1.amazonaws.com",
    587,
  ]]);
  assert.equal(d.proposals[0]?.evidence.length, 2, "the SRV record and the MX both support it");
});

test("profile add --email without a terminal shows the proposal with evidence, saves nothing, exits 2", async () => {
  const home = path.join(root, "smtp");
  await runCli(["--home", home, "init"]);
  const before = fs.readFileSync(path.join(home, "provider-profiles.md"), "utf8");
  const r = await runCli([
    "--home",
    home,
    "profile",
    "add",
    "app",
    "--email",
    "app@example.org",
    "--resolver",
    `127.0.0.1:${port}`,
    "--json",
  ]);
  assert.equal(r.code, 2, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.saved, false);
  assert.equal(doc.detection.proposals[0].provider, "ses");
  assert.ok(
    doc.detection.records.some((x: string) => x.startsWith("MX example.org → inbound-smtp.us-east-1.amazonaws.com")),
  );
  assert.equal(fs.readFileSync(path.join(home, "provider-profiles.md"), "utf8"), before);
  const text = await runCli([
    "--home",
    home,
    "profile",
    "add",
    "app",
    "--email",
    "app@example.org",
    "--resolver",
    `127.0.0.1:${port}`,
  ]);
  assert.match(text.stdout, /evidence: SRV _submission\._tcp\.example\.org/);
  assert.match(text.stdout, /--provider ses/);
});
