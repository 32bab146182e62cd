import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { runCli } from "../helpers/cli.ts";
import { VERSION } from "../../cli/version.ts";

test("smtpilot --version prints the package version", async () => {
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim().split(" ")[1], VERSION);
  assert.match(r.stdout, /\(node v24\.\d+\.\d+, [a-z0-9]+-[a-z0-9]+, from source\)/);
  assert.equal(JSON.parse(fs.readFileSync("package.json", "utf8")).version, VERSION);
});

test("smtpilot diagnose --help shows examples and exit codes", async () => {
  const r = await runCli(["diagnose", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /--tls <mode>/);
});

const usageErrors: { name: string; args: string[]; mentions: string }[] = [
  { name: "a port out of range", args: ["diagnose", "--host", "h", "--port", "99999"], mentions: "99999" },
  { name: "an unknown TLS mode", args: ["diagnose", "--host", "h", "--tls", "ssl"], mentions: "ssl" },
  { name: "no host", args: ["diagnose"], mentions: "--host" },
  { name: "--from without --to", args: ["diagnose", "--host", "h", "--from", "a@b.test"], mentions: "--to" },
  {
    name: "a secret reference of an unknown kind",
    args: ["diagnose", "--host", "h", "--user", "u", "--secret", "file:/etc/pw"],
    mentions: "env:NAME",
  },
  { name: "--secret without --user", args: ["diagnose", "--host", "h", "--secret", "env:X"], mentions: "--user" },
  {
    name: "an unreadable --ca",
    args: ["diagnose", "--host", "h", "--ca", "/nonexistent/ca.pem"],
    mentions: "/nonexistent/ca.pem",
  },
  {
    name: "a malformed --resolver",
    args: ["diagnose", "--host", "h", "--resolver", "dns.example"],
    mentions: "dns.example",
  },
  { name: "a zero timeout", args: ["diagnose", "--host", "h", "--timeout", "0"], mentions: "--timeout" },
  { name: "an unknown fixture", args: ["diagnose", "--fixture", "nope"], mentions: "nope" },
  { name: "an unknown mechanism", args: ["diagnose", "--host", "h", "--auth-mech", "NTLM"], mentions: "NTLM" },
  {
    name: "--profile with --fixture",
    args: ["diagnose", "--profile", "work", "--fixture", "healthy-starttls"],
    mentions: "--fixture",
  },
  { name: "an unknown option", args: ["diagnose", "--hots", "h"], mentions: "--hots" },
  {
    name: "a CR/LF in --ehlo-name",
    args: ["diagnose", "--host", "h", "--ehlo-name", "x\r\nDATA"],
    mentions: "--ehlo-name",
  },
  {
    name: "--user without --secret",
    args: ["diagnose", "--host", "h", "--user", "me@example.com"],
    mentions: "--secret",
  },
  { name: "a host with a space", args: ["diagnose", "--host", "smtp example.com"], mentions: "smtp example.com" },
];

for (const c of usageErrors) {
  test(`smtpilot exits 2 for ${c.name}, naming the value`, async () => {
    const r = await runCli(c.args);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(c.mentions), r.stderr);
    assert.equal(r.stdout, "");
  });
}

// A password typed where it does not belong must not be printed back.
const misplaced: { name: string; args: string[] }[] = [
  { name: "a stray argument", args: ["diagnose", "--host", "h", "hunter2-typed-here"] },
  {
    name: "a literal password as --secret",
    args: ["diagnose", "--host", "h", "--user", "u", "--secret", "hunter2-typed-here"],
  },
  {
    name: "a password with a colon as --secret",
    args: ["diagnose", "--host", "h", "--user", "u", "--secret", "hunter2:typed-here"],
  },
];
for (const c of misplaced) {
  test(`smtpilot does not echo ${c.name}`, async () => {
    const r = await runCli(c.args);
    assert.equal(r.code, 2);
    assert.ok(!(r.stdout + r.stderr).includes("hunter2"), r.stderr);
  });
}
