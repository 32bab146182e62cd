#!/usr/bin/env node
// Benchmark: wall time of `smtpilot diagnose` (the bundled build, dist/smtpilot.cjs — the same
// bundle the single binary embeds) next to swaks doing the same work against the same fixture
// server, in the same run. Prints a table; asserts nothing. Run: npm run bench:diagnose
//
// Targets (issue #2): a full STARTTLS + AUTH + RCPT probe within 1.5x swaks' time; every
// mode-mismatch verdict at least 10x faster than swaks.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "dist/smtpilot.cjs");
const runs = Number(process.env.BENCH_RUNS ?? 7);

spawnSync(process.execPath, [path.join(root, "scripts/build/bundle.mjs")], { stdio: "inherit" });
const hasSwaks = spawnSync("swaks", ["--version"]).status === 0;
if (!hasSwaks) console.log("swaks not found (apt-get install swaks): showing smtpilot alone");

// The fixture runs in its own process so its work never counts against either client.
const fixture = spawn(process.execPath, [bundle, "fixture", "--json"], { stdio: ["ignore", "pipe", "inherit"] });
const info = await new Promise((resolve, reject) => {
  let text = "";
  fixture.stdout.on("data", (d) => {
    text += d;
    try {
      resolve(JSON.parse(text));
    } catch { /* wait for the rest */ }
  });
  fixture.once("exit", (code) => reject(new Error(`fixture exited with ${code}`)));
});
const { ports, caPath, demo } = info;
const env = { ...process.env, BENCH_SECRET: demo.password };

function timeOnce(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "ignore"], timeout: 60_000 });
  return { ms: performance.now() - t0, status: r.status };
}
function median(cmd, args, n) {
  const samples = [];
  let status;
  for (let i = 0; i < n; i++) {
    const r = timeOnce(cmd, args);
    samples.push(r.ms);
    status = r.status;
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], status };
}

const smtp = (...args) => [bundle, "diagnose", "--host", "127.0.0.1", ...args];
const swaks = (
  port,
  ...args
) => [
  "--server",
  `127.0.0.1:${port}`,
  "--from",
  "a@smtpilot.test",
  "--to",
  "b@smtpilot.test",
  "--quit-after",
  "RCPT",
  ...args,
];
const cases = [
  {
    name: "full auth probe (STARTTLS+AUTH+RCPT)",
    smtpilot: smtp(
      "--port",
      ports["healthy-starttls"],
      "--tls",
      "starttls",
      "--ca",
      caPath,
      "--user",
      demo.user,
      "--secret",
      "env:BENCH_SECRET",
      "--from",
      "a@smtpilot.test",
      "--to",
      "b@smtpilot.test",
    ),
    swaks: swaks(
      ports["healthy-starttls"],
      "--tls",
      "--tls-verify",
      "--tls-ca-path",
      caPath,
      "--auth",
      "PLAIN",
      "--auth-user",
      demo.user,
      "--auth-password",
      demo.password,
    ),
    target: "<= 1.5x swaks",
    n: runs,
  },
  {
    name: "mismatch: STARTTLS on an implicit-TLS port",
    smtpilot: smtp("--port", ports["healthy-implicit"], "--tls", "starttls", "--ca", caPath),
    swaks: swaks(ports["healthy-implicit"], "--tls"),
    target: ">= 10x faster",
    n: Math.min(runs, 3),
  },
  {
    name: "mismatch: implicit TLS on a STARTTLS port",
    smtpilot: smtp("--port", ports["healthy-starttls"], "--tls", "implicit", "--ca", caPath),
    swaks: swaks(ports["healthy-starttls"], "--tls-on-connect"),
    target: ">= 10x faster",
    n: Math.min(runs, 3),
  },
];

console.log(`\n${"case".padEnd(44)} ${"smtpilot".padStart(10)} ${"swaks".padStart(10)} ${"ratio".padStart(8)}  target`);
for (const c of cases) {
  const ours = median(process.execPath, c.smtpilot, c.n);
  const theirs = hasSwaks ? median("swaks", c.swaks, c.n) : undefined;
  const ratio = theirs ? (ours.ms / theirs.ms).toFixed(2) : "-";
  console.log(
    `${c.name.padEnd(44)} ${`${ours.ms.toFixed(0)} ms`.padStart(10)} ${
      theirs ? `${theirs.ms.toFixed(0)} ms`.padStart(10) : "-".padStart(10)
    } ${ratio.padStart(8)}  ${c.target}  (exit ${ours.status}${theirs ? ` / swaks ${theirs.status}` : ""})`,
  );
}
const node0 = median(process.execPath, ["-e", "0"], runs);
console.log(`${"(reference) node -e 0".padEnd(44)} ${`${node0.ms.toFixed(0)} ms`.padStart(10)}`);
fixture.kill("SIGINT");
