// Gentle probing (issue 6 item 20): nothing plaintext before a banner, a TLS ClientHello on a
// side connection only after a silence longer than a greeting pause, every side connection
// explained in the transcript, and none at all with probes "off". The servers run in a child
// process that reports every byte it received before its banner, per connection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { diagnose } from "../../core/diagnose.ts";
import { type DiagnoseIo, systemIo } from "../../core/io.ts";
import { GREETING_PAUSE_MS, patienceMs, SNIFF_MS } from "../../core/layers/first-contact.ts";
import { SLOW_GREETING_MS } from "../../core/layers/greeting.ts";
import { DEFAULT_SLOW_BANNER_MS } from "../../fixtures/start-fixture.ts";
import { type ChildServer, type ChildServerSpec, startChildServer } from "../helpers/child-server.ts";
import { options } from "../helpers/fake-io.ts";
import { beforeHang } from "../helpers/wait-until.ts";

async function withChild<T>(spec: ChildServerSpec, run: (child: ChildServer) => Promise<T>): Promise<T> {
  const child = await startChildServer(spec);
  try {
    return await run(child);
  } finally {
    await child.close();
  }
}

const QUIT_HEX = Buffer.from("QUIT").toString("hex");
const isClientHello = (hex: string | undefined) => /^16030[0-4]/.test(hex ?? "");

test("patienceMs: short on 465, the whole timeout on 25, a greeting pause elsewhere (the caller's when set)", () => {
  assert.equal(patienceMs(465, 10_000), SNIFF_MS);
  assert.equal(patienceMs(25, 10_000), 10_000);
  assert.equal(patienceMs(587, 10_000), GREETING_PAUSE_MS);
  assert.equal(patienceMs(2525, 1000), 1000);
  assert.equal(patienceMs(587, 10_000, 6000), 6000);
  assert.equal(patienceMs(587, 4000, 6000), 4000);
  assert.equal(patienceMs(465, 10_000, 6000), SNIFF_MS);
});

test("greetingPauseMs sets when a silent port gets its side probe", async () => {
  // Longer than the default pause: the probe waits the caller's (a timer never fires early), then
  // goes out since the port stays silent.
  const greetingPauseMs = GREETING_PAUSE_MS + 800;
  await withChild({ kind: "silent" }, async (child) => {
    const run = options({ port: child.port, timeoutMs: greetingPauseMs + 1000, greetingPauseMs });
    const report = await diagnose(run, systemIo());
    const sent = report.transcript.find((e) => e.dir === "*" && /ClientHello/.test(e.text));
    assert.ok(sent && sent.t >= greetingPauseMs, JSON.stringify(report.transcript));
    assert.ok(child.events().some((e) => e.event === "prebanner" && e.conn !== 1 && isClientHello(e.data)));
  });
});

test("a slow banner (greeting.slow, the fixture's banner-slow) comes before the probe patience on submission ports", () => {
  assert.ok(SLOW_GREETING_MS < DEFAULT_SLOW_BANNER_MS && DEFAULT_SLOW_BANNER_MS < GREETING_PAUSE_MS);
});

test("a server with a greeting pause shorter than the probe patience gets no byte before its banner", async () => {
  // Half-way between "slow" and the default patience; the run's patience is the whole timeout, so a
  // busy machine shifting either side's timer cannot make the banner come after it.
  await withChild({ kind: "banner", delayMs: (SLOW_GREETING_MS + GREETING_PAUSE_MS) / 2 }, async (child) => {
    const run = options({ port: child.port, tls: "none", timeoutMs: 30_000, greetingPauseMs: 30_000 });
    const report = await diagnose(run, systemIo());
    assert.equal(report.verdict.status, "pass", JSON.stringify(report.verdict));
    const events = child.events();
    assert.deepEqual(events.filter((e) => e.event === "prebanner"), []);
    assert.equal(events.filter((e) => e.event === "connection").length, 1, "no side connection");
    assert.ok(report.layers.find((l) => l.id === "greeting")?.warnings.some((w) => w.code === "greeting.slow"));
  });
});

test("a silent port gets one ClientHello on a side connection and plaintext only after the whole timeout", {
  timeout: 120_000,
}, async () => {
  // The test owns the diagnosis' clock: real time, moved on when the side probe connects to
  // `rest` ms before the 10-minute deadline. The QUIT must wait for that deadline on this clock
  // (its transcript time is at least the timeout), and only that one wait: a client that waited a
  // fresh timeout after the probe would hang here for ten minutes, which the bound below catches.
  const timeoutMs = 600_000;
  const rest = 3000;
  const io = systemIo();
  let offset = 0;
  let connects = 0;
  const moved: DiagnoseIo = {
    ...io,
    clock: { now: () => performance.now() + offset, date: () => new Date() },
    connect: (address, port, signal) => {
      if (++connects === 2) offset = timeoutMs - rest;
      return io.connect(address, port, signal);
    },
  };
  await withChild({ kind: "silent" }, async (child) => {
    const run = options({ port: child.port, timeoutMs, greetingPauseMs: 1000 });
    const report = await beforeHang(diagnose(run, moved), "a second wait of the whole timeout");
    assert.equal(report.verdict.code, "greeting.timeout");
    assert.equal(connects, 2, "the main connection and one side probe");
    const pre = child.events().filter((e) => e.event === "prebanner");
    const main = 1;
    // The side connection got a ClientHello and nothing else; the main one only the last-resort QUIT.
    assert.ok(pre.filter((e) => e.conn !== main).every((e) => isClientHello(e.data)), JSON.stringify(pre));
    assert.ok(pre.some((e) => e.conn !== main && isClientHello(e.data)), JSON.stringify(pre));
    assert.ok(pre.every((e) => e.conn === main ? e.data === `${QUIT_HEX}0d0a` : true), JSON.stringify(pre));
    const quit = report.transcript.find((e) => e.dir === "C" && e.text === "QUIT");
    assert.ok(quit && quit.t >= timeoutMs, `QUIT sent at ${quit?.t} ms, before the ${timeoutMs} ms timeout`);
    // The transcript says what went out on the side connection, before it went out.
    const side = report.transcript.filter((e) => e.dir === "*" && e.text.startsWith("side connection"));
    assert.ok(side.length >= 2, JSON.stringify(report.transcript));
  });
});

test("probes off: a silent port gets no side connection and no byte at all", async () => {
  await withChild({ kind: "silent" }, async (child) => {
    const report = await diagnose(options({ port: child.port, timeoutMs: 2000, probes: "off" }), systemIo());
    assert.equal(report.verdict.code, "greeting.timeout");
    assert.equal(report.layers.find((l) => l.id === "greeting")?.facts.portSpeaks, "off");
    const events = child.events();
    assert.equal(events.filter((e) => e.event === "connection").length, 1);
    assert.deepEqual(events.filter((e) => e.event === "prebanner"), []);
  });
});

test("a banner that comes while the side probe runs wins, and the probe is closed", async () => {
  await withChild({ kind: "banner", delayMs: GREETING_PAUSE_MS + 200 }, async (child) => {
    const report = await diagnose(options({ port: child.port, tls: "none", timeoutMs: 10_000 }), systemIo());
    assert.equal(report.verdict.status, "pass", JSON.stringify(report.verdict));
    const pre = child.events().filter((e) => e.event === "prebanner");
    assert.ok(pre.every((e) => e.conn !== 1), "nothing before the banner on the main connection");
  });
});
