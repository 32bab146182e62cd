// Strict input: a bad value is a usage error (exit 2) that names the flag, shows the value made
// printable and short, and happens before any byte goes on the wire.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { runCli } from "../helpers/cli.ts";

// A listener that only counts connections: any connection means a usage error came too late.
let connections = 0;
let port = 0;
let server: net.Server;
before(async () => {
  server = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = () => ["diagnose", "--host", "127.0.0.1", "--port", String(port), "--tls", "none"];

const refused: { name: string; args: string[]; env?: Record<string, string>; mentions: RegExp }[] = [
  { name: "an empty --to", args: ["--from", "me@example.com", "--to", ""], mentions: /--to/ },
  { name: "a --to without @", args: ["--from", "me@example.com", "--to", "notanaddress"], mentions: /--to/ },
  { name: "a domain with an empty label", args: ["--from", "me@example.com", "--to", "a@b..test"], mentions: /--to/ },
  {
    name: "two addresses in one --to",
    args: ["--from", "me@example.com", "--to", "a@b.test,c@d.test"],
    mentions: /one per flag/,
  },
  { name: "ESC and BEL in --from", args: ["--from", "me\x1b[31m\x07@x.test", "--to", "a@b.test"], mentions: /--from/ },
  { name: "CR LF in --from", args: ["--from", "me@x.test\r\nDATA", "--to", "a@b.test"], mentions: /--from/ },
  {
    name: "a secret reference to an unset variable",
    args: ["--user", "u", "--secret", "env:SMTPILOT_UNSET_X"],
    mentions: /SMTPILOT_UNSET_X/,
  },
  {
    name: "a secret reference to an empty variable",
    args: ["--user", "u", "--secret", "env:EMPTY_PW"],
    env: { EMPTY_PW: "" },
    mentions: /EMPTY_PW/,
  },
  { name: "--json with --reporter", args: ["--json", "--reporter", "text"], mentions: /--reporter|--json/ },
  {
    name: "--json with an unknown --reporter",
    args: ["--json", "--reporter", "nosuch"],
    mentions: /--reporter|--json/,
  },
  { name: "--ca on a device", args: ["--ca", "/dev/zero"], mentions: /\/dev\/zero/ },
  { name: "--ca on a folder", args: ["--ca", "/tmp"], mentions: /folder/ },
];

for (const c of refused) {
  test(`diagnose refuses ${c.name} with exit 2 before connecting`, async () => {
    const before = connections;
    const r = await runCli([...target(), ...c.args], c.env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, c.mentions);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(r.stderr, /[\x00-\x08\x0b-\x1f\x7f]/, "a control character was echoed");
    assert.equal(connections, before, "nothing may reach the server");
  });
}

test("an SMTPUTF8 local part and an IDN domain are valid addresses", async () => {
  const r = await runCli([...target(), "--from", "jörg@bücher.example", "--to", "用户@例子.广告", "--timeout", "1"]);
  assert.notEqual(r.code, 2, r.stderr);
});

test("an echoed value is made printable and shortened", async () => {
  const long = "h".repeat(5000);
  const r = await runCli(["diagnose", "--host", `${long}.example`]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.length < 400, `message of ${r.stderr.length} characters`);
  assert.match(r.stderr, /5008 characters/);
  for (
    const args of [["diagnose", "--fixture", "nosuch\x1b[31m"], [
      "diagnose",
      "--fixture",
      "x",
      "--reporter",
      "x\x1b[31m",
    ]]
  ) {
    const e = await runCli(args);
    assert.equal(e.code, 2);
    assert.ok(!e.stderr.includes("\x1b"), `ESC echoed for ${args.join(" ")}`);
  }
  const cmd = await runCli(["diag\x1b[2Jnose"]);
  assert.equal(cmd.code, 2);
  assert.ok(!cmd.stderr.includes("\x1b"), "ESC echoed for an unknown command");
});

test("with --json, a usage error still prints one valid smtpilot.error/1 document", async () => {
  const r = await runCli([...target(), "--from", "me@example.com", "--to", "nope", "--json"]);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout) as { schema: string; error: { code: string; exitCode: number } };
  assert.equal(doc.schema, "smtpilot.error/1");
  assert.equal(doc.error.code, "E_USAGE");
  assert.equal(doc.error.exitCode, 2);
  const conflict = await runCli([...target(), "--json", "--reporter", "text"]);
  assert.equal(JSON.parse(conflict.stdout).error.exitCode, 2);
});

test("with --json, an unknown option or a stray argument is not echoed in the error document either", async () => {
  for (const args of [["--sekret=hunter2pass"], ["hunter2pass"]]) {
    const r = await runCli(["diagnose", "--host", "x", ...args, "--json"]);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).schema, "smtpilot.error/1");
    assert.ok(!(r.stdout + r.stderr).includes("hunter2pass"), "the value was echoed");
  }
});
