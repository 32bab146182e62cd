/**
 * `smtpilot fixture` from the command line, as a user runs it: the serving
 * document (ports with TLS mode and expected verdict), `--list` and its
 * filters, the documented diagnose invocations, `--outbox`/`--ca-out`, and
 * every ending — Ctrl-C, SIGTERM, SIGHUP, a port in use, an unusable TMPDIR —
 * with nothing left in the temp folder.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import nodemailer from "nodemailer";
import { diagnoseArgs } from "../../fixtures/scenario-needs.ts";
import { runCli, spawnCli } from "../helpers/cli.ts";
import { makeTestDir, smtpilotLeftovers } from "../helpers/temp-dir.ts";

interface ServingScenario {
  name: string;
  port: number;
  tls: string;
  expect: string;
  needs: string[];
  message: string;
}

interface ServingDocument {
  schema: string;
  host: string;
  caPath: string;
  caOut?: string;
  outbox: string;
  messagesIndex: string;
  demo: { user: string; password: string; oauthToken: string };
  scenarios: ServingScenario[];
  ports: Record<string, number>;
}

/** Starts `smtpilot fixture --json ARGS` with TMPDIR=`tmp`; resolves once the document is out. */
function serve(args: string[], tmp: string): Promise<{ child: ChildProcessWithoutNullStreams; doc: ServingDocument }> {
  const child = spawnCli(["fixture", "--json", ...args], { TMPDIR: tmp });
  let text = "";
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      text += d;
      try {
        resolve({ child, doc: JSON.parse(text) });
      } catch {
        // wait for the whole document
      }
    });
    child.once("exit", (code) => reject(new Error(`fixture exited early with ${code}: ${stderr}`)));
  });
}

function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill(signal);
  return exited;
}

test("smtpilot fixture serves scenarios with TLS mode and verdict per port until Ctrl-C, then removes its folder", async () => {
  const tmp = makeTestDir("smtpilot-fixture-cli-");
  const { child, doc } = await serve(["--scenario", "healthy-starttls", "--scenario", "banner-busy"], tmp);
  assert.equal(doc.schema, "smtpilot.fixture/1");
  assert.deepEqual(doc.scenarios.map(({ port: _port, ...rest }) => rest), [
    { name: "healthy-starttls", tls: "starttls", expect: "pass", needs: [], message: "stored" },
    { name: "banner-busy", tls: "none", expect: "greeting.busy", needs: [], message: "none" },
  ]);
  assert.deepEqual(doc.ports, Object.fromEntries(doc.scenarios.map((s) => [s.name, s.port])));
  assert.ok(fs.existsSync(doc.caPath));
  assert.ok(doc.outbox.startsWith(tmp), doc.outbox);
  const ok = await runCli([
    "diagnose",
    "--host",
    "127.0.0.1",
    "--port",
    String(doc.ports["healthy-starttls"]),
    "--ca",
    doc.caPath,
    "--user",
    doc.demo.user,
    "--secret",
    "env:PW",
    "--json",
  ], { PW: doc.demo.password });
  assert.equal(ok.code, 0, ok.stderr);
  const busy = await runCli(["diagnose", "--host", "127.0.0.1", "--port", String(doc.ports["banner-busy"]), "--json"]);
  assert.equal(JSON.parse(busy.stdout).verdict.code, "greeting.busy");
  assert.equal(await stop(child, "SIGINT"), 0);
  assert.deepEqual(smtpilotLeftovers(tmp), [], "the temp folder (CA, default outbox) is removed on exit");
});

for (const signal of ["SIGTERM", "SIGHUP"] as const) {
  test(`smtpilot fixture stopped by ${signal} removes its temp folder and keeps --outbox and --ca-out`, async () => {
    const tmp = makeTestDir("smtpilot-fixture-sig-");
    const outbox = path.join(tmp, "kept-outbox");
    const caOut = path.join(tmp, "kept-ca.pem");
    const { child, doc } = await serve(["--scenario", "healthy-starttls", "--outbox", outbox, "--ca-out", caOut], tmp);
    assert.equal(doc.outbox, outbox);
    assert.equal(doc.caOut, caOut);
    // An application sends through the CLI's fixture, trusting the CA at the stable path.
    const mailer = nodemailer.createTransport({
      host: doc.host,
      port: doc.ports["healthy-starttls"],
      requireTLS: true,
      tls: { ca: fs.readFileSync(caOut, "utf8") },
      auth: { user: doc.demo.user, pass: doc.demo.password },
    });
    const info = await mailer.sendMail({ from: "app@example.test", to: "a@example.test", subject: "s", text: "t" });
    mailer.close();
    assert.match(info.response, /^250 /);
    assert.equal(await stop(child, signal), 0);
    assert.deepEqual(smtpilotLeftovers(tmp), []);
    const lines = fs.readFileSync(doc.messagesIndex, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.ok(fs.existsSync(path.join(outbox, lines[0].file)));
    assert.match(fs.readFileSync(caOut, "utf8"), /^-----BEGIN CERTIFICATE-----/);
  });
}

test("smtpilot fixture --list --scenario lists only the chosen scenarios, with needs and invocation", async () => {
  const r = await runCli(["fixture", "--list", "--scenario", "helo-only", "--scenario", "auth-invalid", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { schema: string; scenarios: Record<string, unknown>[] };
  assert.equal(doc.schema, "smtpilot.fixture/1");
  assert.deepEqual(doc.scenarios.map((s) => [s.name, s.tls, s.expect, s.needs]), [
    ["auth-invalid", "starttls", "auth.invalid-credentials", ["auth"]],
    ["helo-only", "none", "pass", ["tls-none"]],
  ]);
  const text = await runCli(["fixture", "--list", "--scenario", "data-rejected"]);
  assert.equal(text.stdout.split("\n").filter((l) => /^[a-z]/.test(l)).length, 1, text.stdout);
  assert.match(text.stdout, /^data-rejected\s+starttls\s+pass\s+-\s+554\s/m);
});

test("smtpilot fixture --list describes every scenario, and --list with serving flags is a usage error", async () => {
  const r = await runCli(["fixture", "--list", "--json"]);
  const rows =
    (JSON.parse(r.stdout) as { scenarios: { name: string; expect: string; invocation: string }[] }).scenarios;
  assert.ok(rows.length >= 41);
  assert.ok(rows.some((row) => row.name === "cert-expired" && row.expect === "tls.cert-expired"));
  for (const flag of [["--port-base", "2500"], ["--outbox", "x"], ["--ca-out", "x.pem"]]) {
    const bad = await runCli(["fixture", "--list", ...flag]);
    assert.equal(bad.code, 2, flag.join(" "));
  }
});

test("the documented invocations give the listed verdicts through the real command line", async () => {
  const list = JSON.parse((await runCli(["fixture", "--list", "--json"])).stdout) as {
    scenarios: { name: string; expect: string; invocation: string }[];
  };
  for (const name of ["auth-invalid", "relay-denied", "helo-only"]) {
    const row = list.scenarios.find((s) => s.name === name);
    assert.ok(row?.invocation.endsWith(`smtpilot ${diagnoseArgs(name).join(" ")}`), row?.invocation);
    const r = await runCli([...diagnoseArgs(name), "--json"], { SMTPILOT_DEMO_SECRET: "smtpilot-demo-pass" });
    const verdict = JSON.parse(r.stdout).verdict;
    assert.equal(verdict.status === "fail" ? verdict.code : "pass", row?.expect, name);
  }
});

test("smtpilot fixture with a port in use prints one line naming it, exits 3 and leaves nothing", async () => {
  const tmp = makeTestDir("smtpilot-fixture-inuse-");
  const squatter = net.createServer();
  const taken = await new Promise<number>((resolve) =>
    squatter.listen(0, "127.0.0.1", () => resolve((squatter.address() as net.AddressInfo).port))
  );
  try {
    const r = await runCli(["fixture", "--port-base", String(taken), "--scenario", "healthy-starttls"], {
      TMPDIR: tmp,
    });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^smtpilot: Port ${taken} on 127\\.0\\.0\\.1 is already in use.*--port-base`));
    assert.equal(r.stdout, "");
    assert.deepEqual(smtpilotLeftovers(tmp), []);
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});

test("smtpilot fixture with TMPDIR missing prints one line naming the folder and exits 3", async () => {
  const tmp = makeTestDir("smtpilot-fixture-notmp-");
  const missing = path.join(tmp, "nonexistent");
  const r = await runCli(["fixture", "--scenario", "healthy-starttls"], { TMPDIR: missing });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.ok(r.stderr.includes(missing), r.stderr);
  const json = await runCli(["fixture", "--json"], { TMPDIR: missing });
  assert.equal(json.code, 3);
  assert.equal(JSON.parse(json.stdout).error.exitCode, 3);
  assert.equal(fs.existsSync(missing), false);
});

test("smtpilot fixture --ca-out into a missing folder exits 3 naming the file, and stops the fixture", async () => {
  const tmp = makeTestDir("smtpilot-fixture-caout-");
  const target = path.join(tmp, "no-such-dir", "ca.pem");
  const r = await runCli(["fixture", "--scenario", "healthy-starttls", "--ca-out", target], { TMPDIR: tmp });
  assert.equal(r.code, 3, r.stderr);
  assert.ok(r.stderr.includes(target), r.stderr);
  assert.deepEqual(smtpilotLeftovers(tmp), []);
});

test("smtpilot fixture rejects an unknown scenario and a control character in a path with exit 2", async () => {
  const r = await runCli(["fixture", "--scenario", "nope"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope/);
  const bad = await runCli(["fixture", "--outbox", "out\x1b[31m"]);
  assert.equal(bad.code, 2);
  assert.ok(!bad.stderr.includes("\x1b"), "ESC echoed");
});
