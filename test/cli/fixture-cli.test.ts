import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { runCli } from "../helpers/cli.ts";

test("smtpilot fixture serves scenarios until Ctrl-C, then removes its CA file", async () => {
  const child = spawn(process.execPath, [
    "--import",
    "tsx",
    path.resolve("cli/smtpilot.ts"),
    "fixture",
    "--json",
    "--scenario",
    "healthy-starttls",
    "--scenario",
    "banner-busy",
  ], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const info = await new Promise<
    { caPath: string; ports: Record<string, number>; demo: { user: string; password: string } }
  >((resolve, reject) => {
    child.stdout.on("data", (d) => {
      text += d;
      try {
        resolve(JSON.parse(text));
      } catch {
        // wait for the whole document
      }
    });
    child.once("exit", (code) => reject(new Error(`fixture exited early with ${code}`)));
  });
  assert.deepEqual(Object.keys(info.ports).sort(), ["banner-busy", "healthy-starttls"]);
  assert.ok(fs.existsSync(info.caPath));
  const ok = await runCli([
    "diagnose",
    "--host",
    "127.0.0.1",
    "--port",
    String(info.ports["healthy-starttls"]),
    "--ca",
    info.caPath,
    "--user",
    info.demo.user,
    "--secret",
    "env:PW",
    "--json",
  ], { PW: info.demo.password });
  assert.equal(ok.code, 0, ok.stderr);
  const busy = await runCli(["diagnose", "--host", "127.0.0.1", "--port", String(info.ports["banner-busy"]), "--json"]);
  assert.equal(JSON.parse(busy.stdout).verdict.code, "greeting.busy");
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  assert.equal(await exited, 0);
  assert.ok(!fs.existsSync(info.caPath), "the CA file is removed on exit");
});

test("smtpilot fixture --list names every scenario with its expected verdict", async () => {
  const r = await runCli(["fixture", "--list", "--json"]);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout) as { schema: string; scenarios: { name: string; expect: string }[] };
  assert.equal(doc.schema, "smtpilot.fixture/1");
  const rows = doc.scenarios;
  assert.ok(rows.length >= 30);
  assert.ok(rows.some((row) => row.name === "cert-expired" && row.expect === "tls.cert-expired"));
});

test("smtpilot fixture rejects an unknown scenario with exit 2", async () => {
  const r = await runCli(["fixture", "--scenario", "nope"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope/);
});
