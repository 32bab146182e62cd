// The swaks backend's safety and environment: the secret never on swaks' command line or in
// its environment (read from /proc while it runs), credentials refused to a swaks that ignores
// smtpilot's guard, clear exit-3 errors for a missing, too old or TLS-less swaks, and what a
// swaks does not show reported as unknown. Fake "swaks" programs are small shell scripts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";
import { secretForms } from "../../core/redact.ts";
import { FIXTURE_DEMO_USER, type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { diagnoseWithSwaks } from "../../plugins/swaks-backend/index.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir, smtpilotLeftovers } from "../helpers/temp-dir.ts";
import { beforeHang } from "../helpers/wait-until.ts";
import { skipUnlessSwaks, swaksRequest } from "./swaks-env.ts";

const skip = skipUnlessSwaks();
const SENTINEL = "Sentinel-pw-7f3a9c!x";
let fx: RunningFixture;
let dir = "";

before(async () => {
  if (skip) return;
  dir = makeTestDir("smtpilot-swaks-test-");
  fx = await startFixture({
    scenarios: ["healthy-starttls", "banner-slow", "auth-invalid", "helo-only", "endless-line"],
  });
});
after(async () => {
  await fx?.close();
});

function options(name: string, over: Partial<DiagnoseOptions> = {}): DiagnoseOptions {
  return {
    host: fx.host,
    port: fx.ports[name] ?? 0,
    tls: "auto",
    ca: fx.caPem,
    to: [],
    timeoutMs: 4000,
    declaredSize: 10240,
    ...over,
  };
}

/** A fake swaks: a shell script; `body` runs for anything but --version and --support. */
function fakeSwaks(name: string, version: string, support: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `#!/bin/sh\ncase "$1" in\n  --version) echo "swaks version ${version}"; exit 0;;\n  --support) printf '%s\\n' "${support}"; exit 0;;\nesac\n${body}\n`,
    { mode: 0o755 },
  );
  return file;
}

/** Every process whose command line mentions swaks: its argv and environment, as /proc shows them. */
function swaksProcesses(): { argv: string; environ: string }[] {
  const found: { argv: string; environ: string }[] = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "latin1");
      if (!argv.includes("swaks")) continue;
      found.push({ argv, environ: fs.readFileSync(`/proc/${pid}/environ`, "latin1") });
    } catch {
      // The process ended meanwhile.
    }
  }
  return found;
}

describe("the swaks backend", { skip }, () => {
  test("the secret is never in swaks' command line or environment while it runs (/proc, polled)", async () => {
    const seen: { argv: string; environ: string }[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        seen.push(...swaksProcesses());
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // banner-slow greets after 2.5 s: the second swaks (the one with the password) lives that long.
    // The reference's variable is really set, as it is when a user runs `--secret env:PW`.
    process.env.PW = SENTINEL;
    const report = await diagnoseWithSwaks(swaksRequest(options("banner-slow", {
      auth: { user: FIXTURE_DEMO_USER, secret: SENTINEL, secretRef: "env:PW" },
    }))).finally(() => delete process.env.PW);
    polling = false;
    await poll;
    assert.equal(report.verdict.code, "auth.invalid-credentials");
    assert.ok(seen.some((p) => p.argv.includes("--auth=PLAIN")), "the swaks run with credentials was observed");
    for (const p of seen) {
      for (const form of secretForms(SENTINEL)) {
        assert.ok(!p.argv.includes(form), `the secret (${form}) is in swaks' command line`);
        assert.ok(!p.environ.includes(form), `the secret (${form}) is in swaks' environment`);
      }
    }
    const text = JSON.stringify(report);
    for (const form of secretForms(SENTINEL)) assert.ok(!text.includes(form), `the report holds ${form}`);
  });

  test("credentials are refused (E_SWAKS_UNSAFE) to a swaks that ignores smtpilot's guard; nothing is sent", async () => {
    const real = fs.realpathSync("/usr/bin/swaks");
    const unguarded = path.join(dir, "unguarded-swaks");
    fs.writeFileSync(unguarded, `#!/bin/sh\nunset PERL5OPT\nexec ${real} "$@"\n`, { mode: 0o755 });
    const before = fx.events.length;
    await assert.rejects(
      diagnoseWithSwaks(swaksRequest(
        options("healthy-starttls", { auth: { user: FIXTURE_DEMO_USER, secret: SENTINEL, secretRef: "env:PW" } }),
        unguarded,
      )),
      (err: { code?: string; exitCode?: number }) => err.code === "E_SWAKS_UNSAFE" && err.exitCode === 4,
    );
    assert.equal(fx.events.slice(before).length, 0);
    // A connectivity probe carries no credential: it runs, and smtpilot's own handshake checks the name.
    const report = await diagnoseWithSwaks(swaksRequest(options("healthy-starttls"), unguarded));
    assert.equal(report.verdict.status, "pass", JSON.stringify(report.layers));
  });

  test("a missing swaks, a too old one and one without TLS are exit-3 errors that say what to install", async () => {
    const missing = await runCli(["diagnose", "--swaks", path.join(dir, "no-such-swaks"), "--fixture", "no-banner"]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /--swaks/);
    const none = await runCli(["diagnose", "--backend", "swaks", "--fixture", "no-banner"], { PATH: dir });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /apt-get install swaks/);
    const old = fakeSwaks("old-swaks", "20170101.0", "=== TLS supported", "exit 0");
    const tooOld = await runCli(["diagnose", "--swaks", old, "--fixture", "no-banner", "--json"]);
    assert.equal(tooOld.code, 3);
    assert.equal(JSON.parse(tooOld.stdout).error.code, "E_SWAKS_TOO_OLD");
    const plain = fakeSwaks("plain-swaks", "20201014.0", "*** TLS not available: requires Net::SSLeay", "exit 0");
    const noTls = await runCli(["diagnose", "--swaks", plain, "--fixture", "healthy-starttls", "--json"]);
    assert.equal(noTls.code, 3);
    assert.equal(JSON.parse(noTls.stdout).error.code, "E_SWAKS_NO_TLS");
  });

  test("swaks without TLS still diagnoses --tls none", async () => {
    const real = fs.realpathSync("/usr/bin/swaks");
    const noTls = path.join(dir, "notls-swaks");
    fs.writeFileSync(
      noTls,
      `#!/bin/sh\nif [ "$1" = --support ]; then echo '*** TLS not available: requires Net::SSLeay'; exit 0; fi\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const report = await diagnoseWithSwaks(swaksRequest(options("helo-only", { tls: "none" }), noTls));
    assert.equal(report.verdict.status, "pass");
    assert.ok(report.layers.some((l) => l.warnings.some((w) => w.code === "ehlo.helo-fallback")));
  });

  test("a refused port is tcp.refused, as swaks words it", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const report = await diagnoseWithSwaks(swaksRequest({ ...options("healthy-starttls"), port }));
    assert.equal(report.verdict.code, "tcp.refused");
  });

  test("a command swaks sent where smtpilot's client would send another is <layer>.unknown, not a guess", async () => {
    // A swaks that answers EHLO with HELO on its own: smtpilot's ehlo layer would send EHLO.
    const lines = [
      "=== smtpilot: guard loaded",
      "=== Trying 127.0.0.1:25...",
      "=== Connected to 127.0.0.1.",
      "<-  220 mx.example.com ESMTP",
      " -> HELO client.example",
      "<-  250 mx.example.com",
      " -> QUIT",
      "<-  221 bye",
    ];
    const odd = fakeSwaks(
      "odd-swaks",
      "20201014.0",
      "=== TLS supported",
      `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(" ")}`,
    );
    const report = await diagnoseWithSwaks(swaksRequest(options("helo-only", { tls: "none" }), odd));
    assert.equal(report.verdict.code, "ehlo.unknown", JSON.stringify(report.layers));
    assert.equal(report.layers.find((l) => l.id === "greeting")?.status, "pass");
  });

  test("a session that swaks ended (not the server) is unknown, not connection-dropped", async () => {
    const lines = ["=== smtpilot: guard loaded", "=== Trying 127.0.0.1:25...", "=== Connected to 127.0.0.1."];
    const quiet = fakeSwaks(
      "quiet-swaks",
      "20201014.0",
      "=== TLS supported",
      `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(" ")}; exit 2`,
    );
    const report = await diagnoseWithSwaks(swaksRequest(options("helo-only", { tls: "none", probes: "off" }), quiet));
    assert.equal(report.verdict.code, "greeting.unknown", JSON.stringify(report.layers));
  });

  test("a swaks that floods output is stopped with its process group; memory and time stay bounded", async () => {
    const head = ["=== smtpilot: guard loaded", "=== Trying 127.0.0.1:25...", "=== Connected to 127.0.0.1."];
    const flood = fakeSwaks(
      "flood-swaks",
      "20201014.0",
      "=== TLS supported",
      `printf '%s\\n' ${head.map((l) => `'${l}'`).join(" ")}; yes "<-  220-$(printf '%3000s' | tr ' ' x)"`,
    );
    // The verdict says the flood ended it; the bound only turns a run that never ends into a failure.
    const report = await beforeHang(
      diagnoseWithSwaks(swaksRequest(options("helo-only", { tls: "none" }), flood)),
      "the flooding swaks was never stopped",
    );
    assert.equal(report.verdict.code, "greeting.protocol-error", JSON.stringify(report.layers));
    assert.ok(JSON.stringify(report.transcript).length < 2_000_000);
    const left = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "latin1").startsWith("yes\0<-  220-");
      } catch {
        return false;
      }
    });
    assert.deepEqual(left, []);
  });

  test("a line without end is greeting.protocol-error (line-too-long) when swaks' reads are slower than the greeting pause", async () => {
    // '220 ' and then 256 bytes every 50 ms, never a line end: swaks gives up on a line only after
    // 1000 reads (a minute here), so the greeting pause always comes first, on any machine. The
    // verdict must be the built-in client's, not greeting.unknown.
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.write("220 ");
      const timer = setInterval(() => socket.write("x".repeat(256)), 50);
      socket.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const report = await diagnoseWithSwaks(swaksRequest({ ...options("healthy-starttls"), port, timeoutMs: 30_000 }));
      const greeting = report.layers.find((l) => l.id === "greeting");
      assert.equal(report.verdict.code, "greeting.protocol-error", JSON.stringify(report.layers));
      assert.equal(greeting?.facts.violation, "line-too-long");
      assert.equal(greeting?.facts.observedBy, "side-connection");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a line without end that swaks gives up on first (its 1000 reads, probes off) is greeting.protocol-error too", async () => {
    // Without side probes only swaks' own words ("hit loop counter") can tell; the timeout is far
    // beyond its reads of the fixture's fast stream, so they end it on any machine.
    const report = await diagnoseWithSwaks(
      swaksRequest(options("endless-line", { tls: "none", probes: "off", timeoutMs: 120_000 })),
    );
    const greeting = report.layers.find((l) => l.id === "greeting");
    assert.equal(report.verdict.code, "greeting.protocol-error", JSON.stringify(report.layers));
    assert.equal(greeting?.facts.violation, "line-too-long");
    assert.equal(greeting?.facts.observedBy, "swaks");
  });

  test("a run leaves no smtpilot folder behind in the temp folder", async () => {
    const tmp = makeTestDir("smtpilot-swaks-tmp-");
    const r = await runCli(["diagnose", "--backend", "swaks", "--fixture", "cert-expired"], { TMPDIR: tmp });
    assert.equal(r.code, 13);
    assert.deepEqual(smtpilotLeftovers(tmp), []);
  });
});
