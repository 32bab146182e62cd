// deno-lint-ignore-file no-explicit-any
// The rule that binds a saved profile's login to its own server (core/memory/profile-target.ts): which
// values are overrides, an agent's refusal before anything is contacted or the secret resolved, and a
// person's run that goes ahead and says so in one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadAllPlugins } from "../../cli/plugin-loader.ts";
import { createMcpServer } from "../../cli/mcp/server.ts";
import { credentialTargetOverrides, enforceProfileTarget } from "../../core/memory/profile-target.ts";
import type { ProviderProfile } from "../../core/profile.ts";
import { secretForms } from "../../core/redact.ts";
import { FIXTURE_DEMO_SECRET } from "../../fixtures/index.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { b, useSendBed } from "../send/send-fixture.ts";
import { startAttackerServer } from "./attacker-server.ts";

useSendBed();

const dir = makeTestDir("smtpilot-target-");
const caFile = path.join(dir, "ca.pem");
fs.writeFileSync(caFile, "not read here");
fs.symlinkSync(caFile, path.join(dir, "same-ca.pem"));

const profile: ProviderProfile = {
  name: "work",
  provider: "custom",
  host: "Smtp.Example.com",
  port: 587,
  tls: "starttls",
  ca: "ca.pem",
  auth: { user: "me@example.com", secret: "env:PW", mechanism: "PLAIN" },
} as ProviderProfile;

test("credentialTargetOverrides: a different value of a bound field is an override; the same value is not", () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{}, []],
    [{ host: "smtp.example.com." }, []],
    [{ host: "smtp.attacker.example" }, ["host"]],
    [{ port: 587 }, []],
    [{ port: 2525 }, ["port"]],
    [{ tls: "starttls" }, []],
    [{ tls: "none" }, ["tls"]],
    [{ servername: "SMTP.example.com" }, []],
    [{ servername: "attacker.example" }, ["servername"]],
    [{ ca: path.join(dir, "same-ca.pem") }, []],
    [{ ca: path.join(dir, "other.pem") }, ["ca"]],
    [{ authMech: "plain" }, []],
    [{ authMech: "LOGIN" }, ["authMech"]],
    [{ host: "x.example", port: 25, tls: "none" }, ["host", "port", "tls"]],
    // Another user, or the caller's own secret: the profile's secret is not used, so nothing is bound.
    [{ host: "x.example", user: "someone-else" }, []],
    [{ host: "x.example", secret: "env:OTHER" }, []],
  ];
  for (const [flags, expected] of cases) {
    assert.deepEqual(credentialTargetOverrides(flags, profile, dir), expected, JSON.stringify(flags));
  }
  // A profile without a secret has no login to protect.
  const open = { ...profile, auth: undefined } as ProviderProfile;
  assert.deepEqual(credentialTargetOverrides({ host: "x.example" }, open, dir), []);
  // No pinned mechanism: naming one is an override (it decides the form the secret takes).
  const auto = { ...profile, auth: { user: "me@example.com", secret: "env:PW" } } as ProviderProfile;
  assert.deepEqual(credentialTargetOverrides({ authMech: "LOGIN" }, auto, dir), ["authMech"]);
});

test("enforceProfileTarget: an agent is refused with the gate code, a person is warned once", () => {
  const warnings: string[] = [];
  const person = { agent: false, warn: (t: string) => void warnings.push(t) };
  enforceProfileTarget({ port: 2525, authMech: "LOGIN" }, profile, dir, person);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /--port/);
  assert.match(warnings[0]!, /--auth-mech/);
  enforceProfileTarget({ port: 587 }, profile, dir, person);
  assert.equal(warnings.length, 1, "the profile's own value warns");
  assert.throws(
    () => enforceProfileTarget({ port: 2525 }, profile, dir, { agent: true, warn: () => {} }),
    (e: any) => e.code === "gate.profile-target-override" && e.exitCode === 4,
  );
});

test("over MCP, an override is refused before the secret is resolved or anything is contacted", async () => {
  // A profile whose secret is a command that leaves a mark: resolving it would create the file.
  const marker = path.join(b().dir, "secret-resolved");
  const r0 = await b().cli([
    "profile",
    "add",
    "marked",
    "--provider",
    "custom",
    "--host",
    "127.0.0.1",
    "--port",
    String(b().fixture.ports["healthy-starttls"]),
    "--tls",
    "starttls",
    "--user",
    "demo",
    "--secret",
    `cmd:sh -c "touch ${marker}; echo ${FIXTURE_DEMO_SECRET}"`,
  ]);
  assert.equal(r0.code, 0, r0.stderr);
  const server = createMcpServer({ globals: { home: b().home }, plugins: () => loadAllPlugins([]) });
  const client = new Client({ name: "t", version: "1" });
  const [a, c] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(c)]);
  const connections = b().connections();
  for (const args of [{ port: 1 }, { host: "localhost" }, { tls: "implicit" }, { authMech: "LOGIN" }]) {
    const r = await client.callTool({ name: "diagnose", arguments: { profile: "marked", ...args } });
    assert.equal((r._meta as any)["smtpilot/exitCode"], 4, JSON.stringify(r));
    assert.equal((r.structuredContent as any).error.code, "gate.profile-target-override");
  }
  assert.equal(fs.existsSync(marker), false, "the secret reference was resolved");
  assert.equal(b().connections(), connections, "a server was contacted");
  await client.close();
});

test("on the command line a person may override the profile's target, and the run says so in one line", async () => {
  const attacker = await startAttackerServer();
  try {
    const ca = path.join(b().dir, "attacker-ca.pem");
    fs.writeFileSync(ca, attacker.caPem);
    const r = await b().cli([
      "diagnose",
      "--profile",
      "lab",
      "--port",
      String(attacker.port),
      "--ca",
      ca,
      "--json",
    ]);
    assert.equal(JSON.parse(r.stdout).mode, "auth-probe");
    const lines = r.stderr.split("\n").filter((l) => /--port/.test(l) && /--ca/.test(l) && /\blab\b/.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.doesNotMatch(lines[0]!, /--host|--tls/, "only the fields given differently are named");
    // The person chose: the login went where they pointed it (and the harness sees it when it does).
    assert.match(attacker.transcript(), /^AUTH/m);
    assert.ok(secretForms(FIXTURE_DEMO_SECRET).some((f) => attacker.transcript().includes(f)));
    const own = await b().cli([
      "diagnose",
      "--profile",
      "lab",
      "--port",
      String(b().fixture.ports["healthy-starttls"]),
    ]);
    assert.equal(own.code, 0, own.stderr);
    assert.doesNotMatch(own.stderr, /--port/, "repeating the profile's own port warns");
  } finally {
    await attacker.close();
  }
});
