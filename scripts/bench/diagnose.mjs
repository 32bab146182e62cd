#!/usr/bin/env node
// Benchmark: wall time of `smtpilot diagnose` — the single binary, as a user runs it (its start-up
// included) — next to swaks doing the same work against the same fixture server, in the same run
// (the two interleaved, sample by sample, so machine load weighs on both alike). Then where the
// binary's milliseconds go in the full probe: its own timing record (SMTPILOT_TIMING=1, see
// cli/run-timing.ts) split into start-up, loading, the memory folder, each layer and the exit.
// Prints tables and the load average; asserts nothing. Run: npm run bench:diagnose
//
// Targets (issue 21): a full STARTTLS + AUTH + RCPT probe within 1.1x swaks' time; the verdict for
// STARTTLS on an implicit-TLS port within 3 s (gentle probing kept: core/layers/first-contact.ts).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { childrenCpuMs } from "./child-cpu.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/smtpilot.cjs");
const binary = path.join(
  root,
  "dist",
  `smtpilot-${process.platform}-${process.arch}${process.platform === "win32" ? ".exe" : ""}`,
);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const floor = path.join(root, "scripts/bench/probe-floor.mjs");

// Builds the binary (and the bundle, which serves the fixture in its own process).
spawnSync(process.execPath, [path.join(root, "scripts/build/binary.mjs")], { stdio: "inherit" });
const hasSwaks = spawnSync("swaks", ["--version"]).status === 0;
if (!hasSwaks) console.log("swaks not found (apt-get install swaks): showing smtpilot alone");

/** Starts a server process that prints a JSON document first; resolves with it (and the child). */
function startServer(args, until) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
      const json = until ? text.split(until)[0] : text;
      if (until && !text.includes(until)) return;
      try {
        resolve({ child, info: JSON.parse(json) });
      } catch { /* wait for the rest */ }
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
  });
}

function timeOnce(cmd, args, env) {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], timeout: 60_000, encoding: "utf8" });
  const ms = performance.now() - t0;
  const line = /^smtpilot: timing (\{.*\})$/m.exec(r.stderr ?? "");
  return { ms, cpu: childrenCpuMs() - cpu0, status: r.status, timing: line ? JSON.parse(line[1]) : undefined };
}
function middle(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
/**
 * Runs each command `n` times (or its own, smaller count), taking turns; per command the median
 * wall time, the last exit status, the timings.
 */
function interleaved(commands, n, env) {
  const samples = commands.map(() => []);
  for (let i = 0; i < n; i++) {
    commands.forEach(([cmd, args, own = n], k) => {
      if (i < own) samples[k].push(timeOnce(cmd, args, env));
    });
  }
  return samples.map((s) => ({
    ms: middle(s.map((r) => r.ms)),
    cpu: s.reduce((sum, r) => sum + r.cpu, 0) / s.length,
    status: s.at(-1).status,
    timings: s.map((r) => ({ wall: r.ms, ...r.timing })).filter((t) => t.marks),
  }));
}

/**
 * Where the full probe's time goes: the median of each phase over the runs, in wall time and in
 * CPU time, from the binary's own marks (`[name, ms since its process started, CPU ms by then]`)
 * and the layers' spans (wall time only: the CPU of the layers is the engine's). "exec and
 * teardown" is the wall time the process's own clock does not see (loading the executable,
 * exiting). CPU time holds steady on a busy machine, where wall time also measures the other jobs.
 */
function breakdown(timings) {
  // A mark the run did not take (`tls`: only commands that speak TLS load it early) stands at the one before.
  const at = (t, name, i = 1) =>
    t.marks.find(([n]) => n === name)?.[i] ?? (name === "tls" ? at(t, "started", i) : undefined);
  const span = (name, a, b) => [name, (t) => at(t, b) - (a ? at(t, a) : 0), (t) => at(t, b, 2) - (a ? at(t, a, 2) : 0)];
  const phases = [
    span("Node start-up, to our first line", undefined, "started"),
    span("node:tls (starts Node's CA read)", "started", "tls"),
    span("the CLI (code-cached asset)", "tls", "loaded"),
    span("commander: build and parse", "loaded", "parsed"),
    span("the command's module", "parsed", "command"),
    span("flags, secret, memory folder, plugins", "command", "plugins"),
    span("(to the engine)", "plugins", "engine"),
    span("the engine (every layer)", "engine", "engine-done"),
    ...["dns", "tcp", "greeting", "tls", "ehlo", "auth", "envelope"].map((layer) => [
      `  layer ${layer}`,
      (t) => t.spans.find(([n]) => n === layer)?.[1] ?? 0,
    ]),
    span("report and print", "engine-done", "printed"),
    span("clean-up and exit", "printed", "exit"),
    ["exec and teardown (outside our clock)", (t) => t.wall - at(t, "exit")],
  ];
  return phases.map(([name, wall, cpu]) => [name, middle(timings.map(wall)), cpu && middle(timings.map(cpu))]);
}

/** The three comparisons against one server: a full probe and both mode mismatches. */
function casesFor(t) {
  const smtp = (...args) => ["diagnose", "--host", "127.0.0.1", ...args];
  const swaks = (
    port,
    ...args
  ) => ["--server", `127.0.0.1:${port}`, "--from", t.from, "--to", t.to, "--quit-after", "RCPT", ...args];
  return [
    {
      name: `${t.label}: full auth probe (STARTTLS+AUTH+RCPT)`,
      smtpilot: smtp(
        "--port",
        t.starttls,
        "--tls",
        "starttls",
        "--ca",
        t.ca,
        "--user",
        t.user,
        "--secret",
        "env:BENCH_SECRET",
        "--from",
        t.from,
        "--to",
        t.to,
      ),
      swaks: swaks(
        t.starttls,
        "--tls",
        "--tls-verify",
        "--tls-ca-path",
        t.ca,
        "--auth",
        "PLAIN",
        "--auth-user",
        t.user,
        "--auth-password",
        t.password,
      ),
      target: "<= 1.1x swaks",
      n: runs,
      full: true,
    },
    {
      name: `${t.label}: STARTTLS on an implicit-TLS port`,
      smtpilot: smtp("--port", t.implicit, "--tls", "starttls", "--ca", t.ca),
      swaks: swaks(t.implicit, "--tls"),
      target: "<= 3 s (and >= 10x faster)",
      n: Math.min(runs, 3),
      swaksN: 1, // swaks waits out its 30 s timeout here: once is enough
    },
    {
      name: `${t.label}: implicit TLS on a STARTTLS port`,
      smtpilot: smtp("--port", t.starttls, "--tls", "implicit", "--ca", t.ca),
      swaks: swaks(t.starttls, "--tls-on-connect"),
      target: "swaks fails fast here",
      n: Math.min(runs, 3),
    },
  ];
}

const targets = [];
const children = [];
// The fixture runs in its own process so its work never counts against either client.
{
  const { child, info } = await startServer([bundle, "fixture", "--json"]);
  children.push(child);
  targets.push({
    label: "fixture",
    starttls: String(info.ports["healthy-starttls"]),
    implicit: String(info.ports["healthy-implicit"]),
    ca: info.caPath,
    user: info.demo.user,
    password: info.demo.password,
    from: "a@smtpilot.test",
    to: "b@smtpilot.test",
  });
}
// A real Postfix + Dovecot (scripts/peers/postfix), when this machine can run it (root, packages).
try {
  const { child, info } = await startServer(
    ["--import", "tsx", "scripts/peers/postfix/peer.ts"],
    "Running until Ctrl-C.",
  );
  children.push(child);
  targets.push({
    label: "postfix",
    starttls: String(info.ports.starttls),
    implicit: String(info.ports.implicit),
    ca: info.ca,
    user: info.user,
    password: info.password,
    from: info.addresses.own,
    to: info.addresses.localKnown,
  });
} catch (err) {
  console.log(`(no Postfix peer: ${String(err.message).split("\n")[0]})`);
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
// Node reads the certificates NODE_EXTRA_CA_CERTS names at every TLS start, on another thread (CPU
// time, and wall time when the handshake must wait for it): say so when this machine sets it.
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
if (extraCa) {
  let count = "?";
  try {
    count = String(fs.readFileSync(extraCa, "utf8").split("BEGIN CERTIFICATE").length - 1);
  } catch { /* unreadable: Node warns and goes on */ }
  console.log(`\nNODE_EXTRA_CA_CERTS is set here (${count} certificates): every Node TLS start reads them too`);
}
console.log(`\nload average before: ${load()} (${os.cpus().length} cores)`);
console.log(
  `${"case".padEnd(52)} ${"smtpilot".padStart(10)} ${"swaks".padStart(10)} ${"ratio".padStart(8)} ${
    "CPU ratio".padStart(10)
  }  target`,
);
const breakdowns = [];
for (const t of targets) {
  const env = { ...process.env, BENCH_SECRET: t.password };
  for (const c of casesFor(t)) {
    const commands = [[binary, c.smtpilot], ...(hasSwaks ? [["swaks", c.swaks, c.swaksN]] : [])];
    // The full probe also runs the Node floor (probe-floor.mjs): the same work with nothing but Node.
    if (c.full) commands.push([process.execPath, [floor, "127.0.0.1", t.starttls, t.ca, t.user, t.from, t.to]]);
    const [ours, theirs, bare] = interleaved(commands, c.n, c.full ? { ...env, SMTPILOT_TIMING: "1" } : env);
    if (c.full) breakdowns.push([c.name, ours]);
    const ratio = theirs ? (ours.ms / theirs.ms).toFixed(2) : "-";
    const cpuRatio = theirs && theirs.cpu > 0 ? `${(ours.cpu / theirs.cpu).toFixed(2)}` : "-";
    console.log(
      `${c.name.padEnd(52)} ${`${ours.ms.toFixed(0)} ms`.padStart(10)} ${
        theirs ? `${theirs.ms.toFixed(0)} ms`.padStart(10) : "-".padStart(10)
      } ${ratio.padStart(8)} ${cpuRatio.padStart(10)}  ${c.target}  (exit ${ours.status}${
        theirs ? ` / swaks ${theirs.status}` : ""
      }; CPU ${ours.cpu.toFixed(0)}${theirs ? ` / ${theirs.cpu.toFixed(0)}` : ""} ms)`,
    );
    if (bare) {
      const vs = (x, y) => (y ? (x / y).toFixed(2) : "-");
      console.log(
        `${`  the Node floor, same work (exit ${bare.status})`.padEnd(52)} ${`${bare.ms.toFixed(0)} ms`.padStart(10)} ${
          "".padStart(10)
        } ${vs(bare.ms, theirs?.ms).padStart(8)} ${vs(bare.cpu, theirs?.cpu).padStart(10)}  ` +
          `smtpilot / floor: ${vs(ours.ms, bare.ms)} wall, ${vs(ours.cpu, bare.cpu)} CPU (floor CPU ${
            bare.cpu.toFixed(0)
          } ms)`,
      );
    }
  }
}
const [node0, version] = interleaved([[process.execPath, ["-e", "0"]], [binary, ["--version"]]], runs);
console.log(`${"(reference) node -e 0".padEnd(52)} ${`${node0.ms.toFixed(0)} ms`.padStart(10)}`);
console.log(
  `${"(reference) smtpilot --version (start-up alone)".padEnd(52)} ${`${version.ms.toFixed(0)} ms`.padStart(10)}`,
);
for (const [name, ours] of breakdowns) {
  console.log(`\nwhere the time goes — ${name} (median of ${ours.timings.length} runs, ms):`);
  console.log(`  ${"".padEnd(44)} ${"wall".padStart(7)} ${"CPU".padStart(7)}`);
  for (const [phase, wall, cpu] of breakdown(ours.timings)) {
    console.log(
      `  ${phase.padEnd(44)} ${wall.toFixed(1).padStart(7)} ${cpu === undefined ? "" : cpu.toFixed(1).padStart(7)}`,
    );
  }
  console.log(`  ${"whole run".padEnd(44)} ${ours.ms.toFixed(1).padStart(7)} ${ours.cpu.toFixed(1).padStart(7)}`);
  const assets = ours.timings[0]?.assets ?? [];
  console.log(
    `  assets loaded: ${assets.map((a) => `${a.asset} ${a.ms} ms (code cache ${a.cache})`).join(", ") || "none"}`,
  );
}
console.log(`\nload average after: ${load()}`);
for (const child of children) child.kill("SIGINT");
