#!/usr/bin/env node
// Benchmark: the start-up of a scale send — everything `smtpilot send --to-list` does before and
// around its first message — measured on a one-recipient list, as scale.mjs's "Start-up of a send"
// line does, but alone and with several builds taking turns, so a change to the start-up is judged
// by CPU time on a machine other jobs share. The same set-up as scale.mjs: Postfix's smtp-sink behind
// a TLS front (scale.mjs --tls-front), a profile, a verified canary, smtpilot started as the npm
// package's entry (bin/ next to the bundle, as `npm install -g` lays them out; its caches warm). The
// Node floor (scale.mjs --tls-floor: the same sessions from a bare Node process) is timed in the same
// runs, and the marks SMTPILOT_TIMING=1 takes in a send (cli/run-timing.ts) split each build's time.
// Run: npm run bench:send-startup
//   BENCH_RUNS=10         sends per build (interleaved: a, b, a, b, …; medians shown)
//   BENCH_CONNECTIONS=10  connections of the send
//   BENCH_BUNDLES=a.cjs,b.cjs  the builds timed (default: dist/smtpilot.cjs, built first); an item may be
//                         FILE|NODE-FLAGS|ENTRY: the same build with Node flags, or with another entry
//                         than bin/smtpilot.mjs (say, a previous commit's)
//   BENCH_WARM="init"     the first command each build's package runs ("send": a first send instead)
//   BENCH_CALLGRIND=1|DIR also count each build's instructions once under valgrind's callgrind
//                         (all threads; steady where wall and CPU time are not); DIR keeps the outputs
//   BENCH_CALLGRIND_RUNS=n  count each build n times, taking turns (the median shown)
//   BENCH_CPU_PROF=DIR    also write one V8 CPU profile of each build's send there, with its marks (a
//                         bundle built with `node scripts/build/bundle.mjs --no-minify --outfile F` has
//                         readable names)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, stateCanaryInbox, waitForPort, writeBenchCerts } from "./bench-kit.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SINK = "/usr/sbin/smtp-sink";
const TIME = "/usr/bin/time";

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Lays `bundle` out as `npm install -g` does under `dir`; returns the entry's arguments for node. */
function packageOf(bundle, dir, entryFile = path.join(root, "bin/smtpilot.mjs")) {
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.mkdirSync(path.join(dir, "dist"), { recursive: true });
  fs.cpSync(path.join(root, "bin"), path.join(dir, "bin"), { recursive: true });
  fs.copyFileSync(entryFile, path.join(dir, "bin/smtpilot.mjs"));
  fs.copyFileSync(path.join(root, "package.json"), path.join(dir, "package.json"));
  fs.copyFileSync(bundle, path.join(dir, "dist/smtpilot.cjs"));
  return [path.join(dir, "bin/smtpilot.mjs")];
}

async function main() {
  // FILE or FILE|NODE-FLAGS: the same build with Node flags (say, "dist/smtpilot.cjs|--max-semi-space-size=16").
  const given = (process.env.BENCH_BUNDLES ?? "").split(",").filter(Boolean);
  let bundles = given.map((f) => path.resolve(f.split("|")[0]));
  const nodeFlags = given.map((f) => (f.split("|")[1] ?? "").split(" ").filter(Boolean));
  // FILE|FLAGS|ENTRY: another package entry than bin/smtpilot.mjs (say, the one of a previous commit).
  const entryFiles = given.map((f) => f.split("|")[2] || path.join(root, "bin/smtpilot.mjs"));
  if (bundles.length === 0) {
    spawnSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit", cwd: root });
    bundles = [path.join(root, "dist/smtpilot.cjs")];
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-bench-startup-"));
  const children = [];
  process.once("exit", () => {
    for (const c of children) c.kill("SIGKILL");
    if (!process.env.BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  });
  process.once("SIGINT", () => process.exit(130));

  const sinkPort = await freePort();
  const asRoot = process.getuid?.() === 0;
  const sink = spawn(SINK, [...(asRoot ? ["-u", "nobody"] : []), `127.0.0.1:${sinkPort}`, "64"], { stdio: "ignore" });
  children.push(sink);
  await waitForPort(sinkPort);
  const files = await writeBenchCerts(dir);
  const front = spawn(
    process.execPath,
    [path.join(root, "scripts/bench/scale.mjs"), "--tls-front", files.cert, files.key, String(sinkPort)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(front);
  const tlsPort = await new Promise((resolve) => {
    let out = "";
    front.stdout.on("data", (d) => {
      const m = /\{"port":(\d+)\}/.exec(out += d);
      if (m) resolve(Number(m[1]));
    });
  });

  const home = path.join(dir, "home");
  const env = { ...process.env, BENCH_PW: "bench-password" };
  delete env.SMTPILOT_TIMING;
  const entries = bundles.map((
    b,
    i,
  ) => [...(nodeFlags[i] ?? []), ...packageOf(b, path.join(dir, `package-${i}`), entryFiles[i])]);
  // Node's compile cache holds what the first run of a package compiled, and is not written again:
  // every build's first command is the same (BENCH_WARM, default init, as scale.mjs's set-up starts),
  // so no build is timed with a cache another command made for it.
  // Each build its own cache folder; BENCH_WARM=send: a first send of the one-recipient list makes it.
  const warm = (process.env.BENCH_WARM ?? "init").split(" ");
  const cacheOf = new Map(entries.map((e, i) => [e.at(-1), path.join(dir, `compile-cache-${i}`)]));
  for (const [i, e] of entries.entries()) {
    if (warm[0] === "send") continue;
    const r = spawnSync(process.execPath, [...e, "--home", path.join(dir, `warm-${i}`), ...warm], {
      encoding: "utf8",
      env: { ...process.env, NODE_COMPILE_CACHE: cacheOf.get(e.at(-1)) },
    });
    if (r.status !== 0) throw new Error(`the warm-up ${warm.join(" ")} failed (${r.status}): ${r.stderr}`);
  }
  const must = (args, entry = entries[0]) => {
    const r = spawnSync(process.execPath, [...entry, "--home", home, ...args], {
      env: { ...env, NODE_COMPILE_CACHE: cacheOf.get(entry.at(-1)) },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`smtpilot ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
    return r;
  };
  const from = "bench@bench.smtpilot.test";
  const bodyFile = path.join(dir, "body.txt");
  fs.writeFileSync(bodyFile, "The quick brown fox jumps over the lazy dog.\n".repeat(32));
  const message = ["--subject", "Start-up benchmark", "--text-file", bodyFile, "--resolver", "127.0.0.1:9"];
  must(["init"]);
  must([
    ...["profile", "add", "bench", "--provider", "custom", "--host", "127.0.0.1", "--port", String(tlsPort)],
    ...["--tls", "implicit", "--ca", files.ca, "--user", "bench", "--secret", "env:BENCH_PW", "--from", from],
  ]);
  const memoryFile = path.join(home, "memory.md");
  fs.writeFileSync(
    memoryFile,
    fs.readFileSync(memoryFile, "utf8").replace(/maxRecipientsPerBatch: \d+/, "maxRecipientsPerBatch: 1000000"),
  );
  must(["canary", "add", "canary@bench.smtpilot.test"]);
  const canaryArgs = ["--profile", "bench", "--to", "canary@bench.smtpilot.test", ...message];
  const canaryPlan = JSON.parse(must(["preflight", ...canaryArgs, "--json"]).stdout);
  must(["send", "--canary", ...canaryArgs, "--confirm", canaryPlan.plan.token]);
  await stateCanaryInbox(process.execPath, entries[0], home, "bench");
  const oneList = path.join(dir, "one.txt");
  fs.writeFileSync(oneList, "r0@bench.smtpilot.test\n");
  const listArgs = ["--profile", "bench", "--to-list", oneList, ...message];

  /** One send of the one-recipient list by `entry`, after its preflight: wall and CPU seconds. */
  const once = (entry, wrap = [], extraEnv = {}) => {
    fs.rmSync(path.join(home, "journal"), { recursive: true, force: true });
    const plan = JSON.parse(must(["preflight", ...listArgs, "--json"], entry).stdout);
    const timeFile = path.join(dir, "time.txt");
    const args = [...entry, "--home", home, "send", ...listArgs, "--confirm", plan.plan.token, "--rate", "none"];
    args.push("--connections", String(CONNECTIONS), "--json");
    const t0 = performance.now();
    const r = spawnSync(TIME, ["-f", "%U %S", "-o", timeFile, ...wrap, process.execPath, ...args], {
      env: { ...env, NODE_COMPILE_CACHE: cacheOf.get(entry.at(-1)), SMTPILOT_TIMING: "1", ...extraEnv },
      encoding: "utf8",
    });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0 || JSON.parse(r.stdout).accepted !== 1) {
      throw new Error(`the send failed (${r.status}): ${r.stdout}${r.stderr}`);
    }
    const [user, system] = fs.readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
    // The timing line's marks (cli/run-timing.ts): CPU to the microsecond, where time(1) counts in 10 ms.
    const line = r.stderr.match(/smtpilot: timing (.*)/)?.[1];
    const marks = line ? Object.fromEntries(JSON.parse(line).marks.map(([n, ms, cpu]) => [n, [ms, cpu]])) : {};
    return {
      wall,
      cpu: marks.exit ? marks.exit[1] / 1000 : user + system,
      whole: user + system,
      marks,
      stderr: r.stderr,
    };
  };

  // Each build once untimed: its compile cache is written by the first run, as after an install.
  for (const e of entries) {
    if (warm[0] === "send") fs.rmSync(cacheOf.get(e.at(-1)), { recursive: true, force: true });
    once(e);
  }
  const results = entries.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    entries.forEach((e, i) => results[i].push(once(e)));
    process.stderr.write(`  run ${run + 1} of ${RUNS}\r`);
  }
  process.stderr.write("\n");
  // The Node floor (scale.mjs --tls-floor): a bare Node process opening the same sessions (TLS, EHLO,
  // AUTH) and sending one message — what any Node client pays, timed in the same runs' conditions.
  const wire = path.join(dir, "wire.txt");
  fs.writeFileSync(wire, "Subject: floor\r\n\r\nThe floor.\r\n", "latin1");
  const floor = [];
  for (let run = 0; run < RUNS; run++) {
    const timeFile = path.join(dir, "time.txt");
    const t0 = performance.now();
    const r = spawnSync(TIME, [
      ...["-f", "%U %S", "-o", timeFile, process.execPath, path.join(root, "scripts/bench/scale.mjs")],
      ...["--tls-floor", String(tlsPort), files.ca, wire, "1", String(CONNECTIONS), from],
    ], { encoding: "utf8" });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`the Node floor failed (${r.status}): ${r.stderr}`);
    const [user, system] = fs.readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
    floor.push({ wall, cpu: user + system });
  }
  console.log(
    `Start-up of a send (one recipient, ${CONNECTIONS} connection(s), the package's entry), median of ${RUNS}, ` +
      `load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}:`,
  );
  bundles.forEach((b, i) => {
    const rs = results[i];
    const ms = (k) => Math.round(median(rs.map((r) => r[k])) * 1000);
    const range = (k) =>
      `${Math.round(Math.min(...rs.map((r) => r[k])) * 1000)}–${Math.round(Math.max(...rs.map((r) => r[k])) * 1000)}`;
    console.log(
      `  ${path.relative(process.cwd(), b)}: ${ms("wall")} ms wall (${range("wall")}), ` +
        `${ms("cpu")} ms CPU to the exit mark (${range("cpu")}), ${ms("whole")} ms CPU in all (time(1), 10 ms steps)`,
    );
  });
  console.log(
    `  the Node floor (same sessions, one message): ${Math.round(median(floor.map((r) => r.wall)) * 1000)} ms wall, ` +
      `${Math.round(median(floor.map((r) => r.cpu)) * 1000)} ms CPU (time(1), 10 ms steps)`,
  );
  // Where the time goes: each mark of the run (cli/run-timing.ts), median wall / CPU ms since the process started.
  bundles.forEach((b, i) => {
    const names = Object.keys(results[i][0].marks);
    const at = (n, k) => median(results[i].map((r) => r.marks[n]?.[k] ?? NaN)).toFixed(1);
    console.log(
      `  ${path.relative(process.cwd(), b)} marks: ${names.map((n) => `${n} ${at(n, 0)}/${at(n, 1)}`).join(", ")}`,
    );
  });
  if (process.env.BENCH_CPU_PROF) {
    const profDir = path.resolve(process.env.BENCH_CPU_PROF);
    for (const [i, e] of entries.entries()) {
      const r = once([
        "--cpu-prof",
        "--cpu-prof-interval=100",
        `--cpu-prof-dir=${profDir}`,
        `--cpu-prof-name=startup-${i}.cpuprofile`,
        ...e,
      ]);
      // The run's marks beside its profile, to split the profile by phase.
      const line = r.stderr.match(/smtpilot: timing (.*)/)?.[1];
      if (line) fs.writeFileSync(path.join(profDir, `startup-${i}.timing.json`), line);
    }
    console.log(`  CPU profiles in ${profDir}`);
  }
  if (process.env.BENCH_CALLGRIND) {
    // BENCH_CALLGRIND_RUNS=n: n counts of each build, taking turns (one count moves by up to ~3 %: the
    // threads' share and V8's collections vary), their median shown.
    const counts = entries.map(() => []);
    for (let run = 0; run < Number(process.env.BENCH_CALLGRIND_RUNS ?? 1); run++) {
      for (const [i, e] of entries.entries()) {
        // BENCH_CALLGRIND=DIR keeps the outputs there (callgrind_annotate reads them).
        const keep = process.env.BENCH_CALLGRIND !== "1" ? path.resolve(process.env.BENCH_CALLGRIND) : dir;
        fs.mkdirSync(keep, { recursive: true });
        const out = path.join(keep, `callgrind-${i}${run > 0 ? `-${run}` : ""}.out`);
        const r = once(e, [
          "valgrind",
          "--tool=callgrind",
          "--smc-check=all-non-file",
          `--callgrind-out-file=${out}`,
          "--trace-children=no",
        ]);
        const total = /Collected : (\d+)/.exec(r.stderr)?.[1] ??
          /totals:\s+(\d+)/.exec(fs.readFileSync(out, "utf8"))?.[1];
        counts[i].push(Number(total) / 1e6);
      }
    }
    counts.forEach((c, i) => {
      const shown = c.map((n) => n.toFixed(1)).join(", ");
      console.log(`  ${path.relative(process.cwd(), bundles[i])}: ${median(c).toFixed(1)} M instructions (${shown})`);
    });
  }
  process.exit(0);
}

await main();
