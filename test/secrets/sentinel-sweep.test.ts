// Every command, run with a sentinel secret behind every kind of reference, against a hostile server
// that echoes the password back. Afterwards the sentinel — raw, JSON-escaped, URL-encoded, base64 at
// any alignment, hex — must appear nowhere: not in the memory folder, stdout, stderr or JSON.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isGroup } from "../../cli/command-spec.ts";
import { COMMANDS } from "../../cli/command-tree.ts";
import { secretForms } from "../../core/redact.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";
import { loopbackCert } from "../helpers/loopback-cert.ts";
import { type ScriptServer, startScriptServer } from "../helpers/script-server.ts";

const SENTINEL = 'Sentinel-9f2c"quote\\slash-Ünï-0x41';
const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-sentinel-"));
const home = path.join(root, "smtp");
const { ca, leaf } = loopbackCert();
const caFile = path.join(root, "ca.pem");
const dotenv = path.join(root, "secrets.env");
const secretFile = path.join(root, "secret.txt");
let server: ScriptServer;
const runs: { what: string; r: CliResult }[] = [];

before(async () => {
  fs.writeFileSync(caFile, ca.certPem);
  fs.writeFileSync(dotenv, `PW=${JSON.stringify(SENTINEL)}\n`);
  fs.writeFileSync(secretFile, `${SENTINEL}\nsecond line\n`);
  server = await startScriptServer({
    tls: { key: leaf.keyPem, cert: leaf.certPem },
    greeting: "220 mx.test ESMTP\r\n",
    onLine: (line) => {
      if (/^EHLO/i.test(line)) return "250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n";
      if (/^AUTH PLAIN /i.test(line)) {
        const pw = Buffer.from(line.slice(11), "base64").toString("utf8").split("\0")[2] ?? "";
        return `535-5.7.8 Bad password ${pw}\r\n535 5.7.8 ${Buffer.from(pw).toString("base64")} ${
          Buffer.from(pw).toString("hex")
        }\r\n`;
      }
      if (/^QUIT/i.test(line)) return "221 bye\r\n";
      return undefined;
    },
  });
});
after(async () => {
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const env = { SENTINEL_PW: SENTINEL };
async function run(what: string, args: string[]): Promise<CliResult> {
  const r = await runCli(["--home", home, ...args], env);
  runs.push({ what, r });
  return r;
}

/** Every form the sentinel could take in output: redaction's forms plus hex. */
function forms(): string[] {
  const hex = Buffer.from(SENTINEL, "utf8").toString("hex");
  return [...secretForms(SENTINEL), hex, hex.toUpperCase(), SENTINEL.slice(0, 14)];
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]
  );
}

test("no command leaks the sentinel secret into output or the memory folder", async () => {
  const target = ["--host", "127.0.0.1", "--port", String(server.port), "--tls", "implicit", "--ca", caFile];
  const covered = new Set<string>();
  const mine = async (path: string, args: string[]) => {
    covered.add(path);
    return await run(path, args);
  };
  await mine("init", ["init"]);
  for (
    const [name, ref] of [["by-env", "env:SENTINEL_PW"], ["by-dotenv", `dotenv:${dotenv}#PW`], [
      "by-cmd",
      `cmd:head -n 1 ${secretFile}`,
    ]]
  ) {
    const r = await mine("profile add", [
      "profile",
      "add",
      name as string,
      "--provider",
      "custom",
      ...target,
      "--user",
      "u",
      "--secret",
      ref as string,
      "--from",
      "u@example.com",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const name of ["by-env", "by-dotenv", "by-cmd"]) {
    const json = await mine("profile check", ["profile", "check", name, "--json"]);
    assert.equal(json.code, 15, json.stderr);
    assert.equal(JSON.parse(json.stdout).report.verdict.code, "auth.invalid-credentials");
    assert.equal(
      (await mine("profile check", ["profile", "check", name, "--transcript", "--to", "v@example.net"])).code,
      15,
    );
  }
  await mine("profile list", ["profile", "list"]);
  await mine("profile list", ["profile", "list", "--json"]);
  await mine("profile show", ["profile", "show", "by-env", "--json"]);
  await mine("profile show", ["profile", "show", "by-cmd"]);
  await mine("diagnose", ["diagnose", "--profile", "by-dotenv", "--to", "v@example.net", "--json"]);
  await mine("diagnose", ["diagnose", "--profile", "by-env", "--transcript"]);
  await mine("diagnose", ["diagnose", ...target, "--user", "u", "--secret", "env:SENTINEL_PW", "--json"]);
  await mine("status", ["status"]);
  await mine("status", ["status", "--json"]);
  await mine("completions", ["completions", "bash"]);
  await mine("profile rm", ["profile", "rm", "by-cmd", "--json"]);
  // Commands of other areas run too (their help at least), with the sentinel in the environment.
  for (const spec of COMMANDS) {
    for (const path of isGroup(spec) ? spec.commands.map((c) => `${spec.name} ${c.name}`) : [spec.name]) {
      if (!covered.has(path)) await run(path, [...path.split(" "), "--help"]);
    }
  }
  assert.ok(runs.length > 25);

  const leaks: string[] = [];
  for (const { what, r } of runs) {
    for (const f of forms()) {
      if (r.stdout.includes(f)) leaks.push(`${what}: stdout holds ${JSON.stringify(f)}`);
      if (r.stderr.includes(f)) leaks.push(`${what}: stderr holds ${JSON.stringify(f)}`);
    }
  }
  for (const file of filesUnder(home)) {
    const text = fs.readFileSync(file, "utf8");
    for (const f of forms()) {
      if (text.includes(f)) leaks.push(`${path.relative(home, file)} holds ${JSON.stringify(f)}`);
    }
  }
  assert.deepEqual(leaks, []);
  // The server did echo it, and the runs did resolve it: the sweep looked at real danger.
  assert.ok(runs.some(({ r }) => r.stdout.includes("redacted")));
});
